// Command nethttp is the TechEmpower benchmark app on the standard library alone: net/http's
// ServeMux, encoding/json, html/template and pgx for PostgreSQL. It is the ceiling a
// net/http-based framework can reach, and the baseline the other Go peers are judged by.
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

type server struct {
	db       *pgxpool.Pool
	fortunes *template.Template
}

func main() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tfb?sslmode=disable"))
	if err != nil {
		log.Fatal(err)
	}
	pool, err := strconv.Atoi(env("DB_POOL", "16"))
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns = int32(pool)
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	s := &server{db: db, fortunes: template.Must(template.New("fortunes").Parse(fortunesHTML))}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /plaintext", s.plaintext)
	mux.HandleFunc("GET /json", s.json)
	mux.HandleFunc("GET /db", s.db1)
	mux.HandleFunc("GET /queries", s.queries)
	mux.HandleFunc("GET /fortunes", s.fortunesPage)
	mux.HandleFunc("GET /updates", s.updates)
	log.Fatal(http.ListenAndServe(":"+env("PORT", "8080"), mux))
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func (s *server) plaintext(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Server", "nethttp")
	h.Set("Content-Type", "text/plain")
	w.Write([]byte("Hello, World!"))
}

func (s *server) json(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]string{"message": "Hello, World!"})
}

func (s *server) db1(w http.ResponseWriter, r *http.Request) {
	var wd World
	if err := s.db.QueryRow(r.Context(), "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&wd.ID, &wd.RandomNumber); err != nil {
		serverError(w, err)
		return
	}
	writeJSON(w, wd)
}

func (s *server) queries(w http.ResponseWriter, r *http.Request) {
	worlds := make([]World, queryCount(r.URL.Query().Get("queries")))
	for i := range worlds {
		if err := s.db.QueryRow(r.Context(), "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
			serverError(w, err)
			return
		}
	}
	writeJSON(w, worlds)
}

func (s *server) fortunesPage(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.db.Query(r.Context(), "SELECT id, message FROM fortune")
	fortunes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
	if err != nil {
		serverError(w, err)
		return
	}
	fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
	slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
	h := w.Header()
	h.Set("Server", "nethttp")
	h.Set("Content-Type", "text/html; charset=utf-8")
	if err := s.fortunes.Execute(w, fortunes); err != nil {
		log.Print(err)
	}
}

func (s *server) updates(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	worlds := make([]World, queryCount(r.URL.Query().Get("queries")))
	for i := range worlds {
		if err := s.db.QueryRow(ctx, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
			serverError(w, err)
			return
		}
		worlds[i].RandomNumber = randomID()
	}
	ids, nums := sortedColumns(worlds)
	if _, err := s.db.Exec(ctx, "UPDATE world SET randomnumber = v.n FROM unnest($1::int[], $2::int[]) AS v(id, n) WHERE world.id = v.id", ids, nums); err != nil {
		serverError(w, err)
		return
	}
	writeJSON(w, worlds)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		serverError(w, err)
		return
	}
	h := w.Header()
	h.Set("Server", "nethttp")
	h.Set("Content-Type", "application/json")
	w.Write(b)
}

func serverError(w http.ResponseWriter, err error) {
	log.Print(err)
	http.Error(w, "internal server error", http.StatusInternalServerError)
}

func randomID() int32 { return rand.Int32N(10000) + 1 }

// queryCount parses the queries parameter as the benchmark rules say: a missing or
// malformed value means 1, and the count is clamped to 1..500.
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
