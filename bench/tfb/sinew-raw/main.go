// Command sinew-raw is the TechEmpower benchmark app on Sinew as it stands before the ORM,
// view and typed-handler packages: a sinew.App (its router, pooled web.Ctx, default
// middleware and server settings) with handlers that query PostgreSQL through pgx directly
// and render the fortunes page with html/template. It is labelled "raw" in the results; the
// idiomatic Sinew variant (orm, view, api) sits beside it once those packages land.
package main

import (
	"cmp"
	"context"
	_ "embed"
	"html/template"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/pprof"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
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
	app := sinew.New()
	var db *pgxpool.Pool
	app.OnStart(func(ctx context.Context) error {
		cfg, err := pgxpool.ParseConfig(env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tfb?sslmode=disable"))
		if err != nil {
			return err
		}
		pool, err := strconv.Atoi(env("DB_POOL", "16"))
		if err != nil {
			return err
		}
		cfg.MaxConns = int32(pool)
		db, err = pgxpool.NewWithConfig(ctx, cfg)
		return err
	})
	app.OnStop(func(context.Context) error {
		db.Close()
		return nil
	})
	tmpl := template.Must(template.New("fortunes").Parse(fortunesHTML))

	app.GET("/plaintext", func(c *web.Ctx) error {
		c.SetHeader("Server", "sinew")
		return c.Blob(http.StatusOK, "text/plain", []byte("Hello, World!"))
	})
	app.GET("/json", func(c *web.Ctx) error {
		c.SetHeader("Server", "sinew")
		return c.JSON(http.StatusOK, map[string]string{"message": "Hello, World!"})
	})
	app.GET("/db", func(c *web.Ctx) error {
		var w World
		if err := db.QueryRow(c, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&w.ID, &w.RandomNumber); err != nil {
			return err
		}
		c.SetHeader("Server", "sinew")
		return c.JSON(http.StatusOK, w)
	})
	app.GET("/queries", func(c *web.Ctx) error {
		worlds := make([]World, queryCount(c.Query("queries")))
		for i := range worlds {
			if err := db.QueryRow(c, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				return err
			}
		}
		c.SetHeader("Server", "sinew")
		return c.JSON(http.StatusOK, worlds)
	})
	app.GET("/fortunes", func(c *web.Ctx) error {
		rows, _ := db.Query(c, "SELECT id, message FROM fortune")
		fortunes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
		if err != nil {
			return err
		}
		fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
		slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
		var b strings.Builder
		if err := tmpl.Execute(&b, fortunes); err != nil {
			return err
		}
		c.SetHeader("Server", "sinew")
		return c.HTML(http.StatusOK, b.String())
	})
	app.GET("/updates", func(c *web.Ctx) error {
		worlds := make([]World, queryCount(c.Query("queries")))
		for i := range worlds {
			if err := db.QueryRow(c, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				return err
			}
			worlds[i].RandomNumber = randomID()
		}
		ids, nums := sortedColumns(worlds)
		if _, err := db.Exec(c, "UPDATE world SET randomnumber = v.n FROM unnest($1::int[], $2::int[]) AS v(id, n) WHERE world.id = v.id", ids, nums); err != nil {
			return err
		}
		c.SetHeader("Server", "sinew")
		return c.JSON(http.StatusOK, worlds)
	})
	if addr := os.Getenv("TFB_PPROF_ADDR"); addr != "" {
		go servePprof(addr)
	}
	app.Run()
}

// servePprof serves the runtime profiles on a separate listener, for explaining results
// (go tool pprof http://ADDR/debug/pprof/profile?seconds=10); bench/run never sets it.
func servePprof(addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	log.Print(http.ListenAndServe(addr, mux))
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
