// Command chi is the TechEmpower benchmark app on chi: chi's router in front of plain
// net/http handlers, encoding/json, html/template and pgx, the way chi apps are written.
package main

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"html/template"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	tmpl := template.Must(template.New("fortunes").Parse(fortunesHTML))
	r := chi.NewRouter()

	r.Get("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "chi")
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	})
	r.Get("/json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"message": "Hello, World!"})
	})
	r.Get("/db", func(w http.ResponseWriter, r *http.Request) {
		var wd World
		if err := db.QueryRow(r.Context(), "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&wd.ID, &wd.RandomNumber); err != nil {
			serverError(w, err)
			return
		}
		writeJSON(w, wd)
	})
	r.Get("/queries", func(w http.ResponseWriter, r *http.Request) {
		worlds := make([]World, queryCount(r.URL.Query().Get("queries")))
		for i := range worlds {
			if err := db.QueryRow(r.Context(), "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				serverError(w, err)
				return
			}
		}
		writeJSON(w, worlds)
	})
	r.Get("/fortunes", func(w http.ResponseWriter, r *http.Request) {
		rows, _ := db.Query(r.Context(), "SELECT id, message FROM fortune")
		fortunes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
		if err != nil {
			serverError(w, err)
			return
		}
		fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
		slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
		w.Header().Set("Server", "chi")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := tmpl.Execute(w, fortunes); err != nil {
			log.Print(err)
		}
	})
	r.Get("/updates", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		worlds := make([]World, queryCount(r.URL.Query().Get("queries")))
		for i := range worlds {
			if err := db.QueryRow(ctx, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				serverError(w, err)
				return
			}
			worlds[i].RandomNumber = randomID()
		}
		ids, nums := sortedColumns(worlds)
		if _, err := db.Exec(ctx, "UPDATE world SET randomnumber = v.n FROM unnest($1::int[], $2::int[]) AS v(id, n) WHERE world.id = v.id", ids, nums); err != nil {
			serverError(w, err)
			return
		}
		writeJSON(w, worlds)
	})
	log.Fatal(http.ListenAndServe(":"+env("PORT", "8080"), r))
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

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		serverError(w, err)
		return
	}
	w.Header().Set("Server", "chi")
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func serverError(w http.ResponseWriter, err error) {
	log.Print(err)
	http.Error(w, "internal server error", http.StatusInternalServerError)
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
