// Command echo is the TechEmpower benchmark app on Echo v5, written the way Echo's
// documentation shows: echo.New, c.String, c.JSON, c.Render through echo.TemplateRenderer
// with html/template, and pgx.
package main

import (
	"cmp"
	"context"
	_ "embed"
	"html/template"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v5"
)

//go:embed fortunes.html
var fortunesHTML string

// World is a row of the world table.
type World struct {
	ID           int32 `json:"id"`
	RandomNumber int32 `json:"randomNumber"`
}

// Fortune is a row of the fortune table.
type Fortune struct {
	ID      int32
	Message string
}

func main() {
	db := openDB()
	e := echo.New()
	e.Renderer = &echo.TemplateRenderer{Template: template.Must(template.New("fortunes.html").Parse(fortunesHTML))}

	e.GET("/plaintext", func(c *echo.Context) error {
		c.Response().Header().Set("Server", "echo")
		return c.String(http.StatusOK, "Hello, World!")
	})
	e.GET("/json", func(c *echo.Context) error {
		c.Response().Header().Set("Server", "echo")
		return c.JSON(http.StatusOK, map[string]string{"message": "Hello, World!"})
	})
	e.GET("/db", func(c *echo.Context) error {
		ctx := c.Request().Context()
		var w World
		if err := db.QueryRow(ctx, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&w.ID, &w.RandomNumber); err != nil {
			return err
		}
		c.Response().Header().Set("Server", "echo")
		return c.JSON(http.StatusOK, w)
	})
	e.GET("/queries", func(c *echo.Context) error {
		ctx := c.Request().Context()
		worlds := make([]World, queryCount(c.QueryParam("queries")))
		for i := range worlds {
			if err := db.QueryRow(ctx, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				return err
			}
		}
		c.Response().Header().Set("Server", "echo")
		return c.JSON(http.StatusOK, worlds)
	})
	e.GET("/fortunes", func(c *echo.Context) error {
		rows, _ := db.Query(c.Request().Context(), "SELECT id, message FROM fortune")
		fortunes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
		if err != nil {
			return err
		}
		fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
		slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
		c.Response().Header().Set("Server", "echo")
		return c.Render(http.StatusOK, "fortunes.html", fortunes)
	})
	e.GET("/updates", func(c *echo.Context) error {
		ctx := c.Request().Context()
		worlds := make([]World, queryCount(c.QueryParam("queries")))
		for i := range worlds {
			if err := db.QueryRow(ctx, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				return err
			}
			worlds[i].RandomNumber = randomID()
		}
		ids, nums := sortedColumns(worlds)
		if _, err := db.Exec(ctx, "UPDATE world SET randomnumber = v.n FROM unnest($1::int[], $2::int[]) AS v(id, n) WHERE world.id = v.id", ids, nums); err != nil {
			return err
		}
		c.Response().Header().Set("Server", "echo")
		return c.JSON(http.StatusOK, worlds)
	})
	sc := echo.StartConfig{Address: ":" + env("PORT", "8080"), HideBanner: true, HidePort: true}
	log.Fatal(sc.Start(context.Background(), e))
}

func openDB() *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tfb?sslmode=disable"))
	if err != nil {
		log.Fatal(err)
	}
	pool, err := strconv.Atoi(env("DB_POOL", "16"))
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns = int32(pool)
	db, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	return db
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func randomID() int32 { return rand.Int32N(10000) + 1 }

// queryCount parses the queries parameter by the benchmark's rules: missing or malformed
// means 1, and the count is clamped to 1..500.
func queryCount(q string) int {
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 500)
}

// sortedColumns returns the ids and numbers of worlds ordered by id, so that concurrent
// batch updates lock rows in the same order and cannot deadlock.
func sortedColumns(worlds []World) (ids, nums []int32) {
	sorted := slices.Clone(worlds)
	slices.SortFunc(sorted, func(a, b World) int { return cmp.Compare(a.ID, b.ID) })
	ids = make([]int32, len(sorted))
	nums = make([]int32, len(sorted))
	for i, w := range sorted {
		ids[i], nums[i] = w.ID, w.RandomNumber
	}
	return ids, nums
}
