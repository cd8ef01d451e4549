// Command fiber is the TechEmpower benchmark app on Fiber v3 (fasthttp), written the way
// Fiber's documentation shows: c.SendString, c.JSON, c.Render through Fiber's html/template
// engine (gofiber/template/html), and pgx.
package main

import (
	"cmp"
	"context"
	"embed"
	"io/fs"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/template/html/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed views
var views embed.FS

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
	sub, err := fs.Sub(views, "views")
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{
		ServerHeader: "fiber",
		Views:        html.NewFileSystem(http.FS(sub), ".html"),
	})

	app.Get("/plaintext", func(c fiber.Ctx) error {
		return c.SendString("Hello, World!")
	})
	app.Get("/json", func(c fiber.Ctx) error {
		return c.JSON(fiber.Map{"message": "Hello, World!"})
	})
	app.Get("/db", func(c fiber.Ctx) error {
		var w World
		if err := db.QueryRow(c.Context(), "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&w.ID, &w.RandomNumber); err != nil {
			return err
		}
		return c.JSON(w)
	})
	app.Get("/queries", func(c fiber.Ctx) error {
		ctx := c.Context()
		worlds := make([]World, queryCount(c.Query("queries")))
		for i := range worlds {
			if err := db.QueryRow(ctx, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				return err
			}
		}
		return c.JSON(worlds)
	})
	app.Get("/fortunes", func(c fiber.Ctx) error {
		rows, _ := db.Query(c.Context(), "SELECT id, message FROM fortune")
		fortunes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
		if err != nil {
			return err
		}
		fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
		slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
		return c.Render("fortunes", fortunes)
	})
	app.Get("/updates", func(c fiber.Ctx) error {
		ctx := c.Context()
		worlds := make([]World, queryCount(c.Query("queries")))
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
		return c.JSON(worlds)
	})
	log.Fatal(app.Listen(":"+env("PORT", "8080"), fiber.ListenConfig{DisableStartupMessage: true}))
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
