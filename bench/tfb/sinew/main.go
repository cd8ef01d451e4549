// Command sinew is the TechEmpower benchmark app written the way a Sinew user writes an
// app: models registered on the App and queried and saved through the ORM (orm.Q,
// orm.SaveMany), the fortunes page rendered by the view package, and the JSON tests (/json,
// /db, /queries, /updates) as typed handlers of package api, which bind their input,
// encode their output and document both at /openapi.json. The App, with its default
// middleware, opens DATABASE_URL itself. Plaintext is a web handler: it is not JSON. The
// bare-router variant is bench/tfb/sinew-raw.
package main

import (
	"cmp"
	"context"
	"embed"
	"io/fs"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/pprof"
	"os"
	"slices"
	"strconv"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

//go:embed templates
var files embed.FS

// World is a row of the world table.
type World struct {
	ID           int64 `orm:"pk" json:"id"`
	RandomNumber int64 `orm:"column=randomnumber" json:"randomNumber"`
}

// TableName maps World to the benchmark's table.
func (World) TableName() string { return "world" }

// Fortune is a row of the fortune table.
type Fortune struct {
	ID      int64  `orm:"pk"`
	Message string `orm:"size=2048"`
}

// TableName maps Fortune to the benchmark's table.
func (Fortune) TableName() string { return "fortune" }

func main() {
	app := sinew.New()
	app.Models(World{}, Fortune{})
	templates, err := fs.Sub(files, "templates")
	if err != nil {
		log.Fatal(err)
	}
	engine, err := view.New(templates, view.Config{})
	if err != nil {
		log.Fatal(err)
	}
	app.SetRenderer(engine)
	app.OnStart(func(context.Context) error {
		// The App's pool defaults to max(4, 2×GOMAXPROCS) connections; every peer gets the
		// same DB_POOL connections.
		pool, err := strconv.Atoi(env("DB_POOL", "16"))
		if err != nil {
			return err
		}
		app.DB().SQL().SetMaxOpenConns(pool)
		app.DB().SQL().SetMaxIdleConns(pool)
		return nil
	})

	app.GET("/plaintext", func(c *web.Ctx) error {
		c.SetHeader("Server", "sinew")
		return c.Blob(http.StatusOK, "text/plain", []byte("Hello, World!"))
	})
	app.GET("/fortunes", func(c *web.Ctx) error {
		fortunes, err := orm.Q[Fortune](c).All()
		if err != nil {
			return err
		}
		fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
		slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
		c.SetHeader("Server", "sinew")
		return c.Render(http.StatusOK, "fortunes.html", fortunes)
	})

	a := api.New(app, api.Config{Title: "TechEmpower benchmark", Version: "1.0.0"})
	api.Get(a, "/json", hello, api.Op{Summary: "JSON serialisation"})
	api.Get(a, "/db", oneWorld, api.Op{Summary: "A random world row"})
	api.Get(a, "/queries", someWorlds, api.Op{Summary: "Random world rows, one query each"})
	api.Get(a, "/updates", updateWorlds, api.Op{ID: "updateWorlds", Summary: "Random world rows given new random numbers"})
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

// Message is the JSON test's answer.
type Message struct {
	Message string `json:"message"`
}

// QueriesInput is the input of /queries and /updates. The count is a string, not an int:
// by the benchmark's rules a malformed count means 1 rather than a 400.
type QueriesInput struct {
	Queries string `query:"queries" doc:"Number of rows, 1 to 500 (anything else: 1 or 500)"`
}

// hello answers the JSON test.
func hello(ctx context.Context, _ *struct{}) (*Message, error) {
	api.Ctx(ctx).SetHeader("Server", "sinew")
	return &Message{Message: "Hello, World!"}, nil
}

// oneWorld answers the single-query test.
func oneWorld(ctx context.Context, _ *struct{}) (*World, error) {
	w, err := orm.Q[World](ctx).Get(randomID())
	if err != nil {
		return nil, err
	}
	api.Ctx(ctx).SetHeader("Server", "sinew")
	return w, nil
}

// someWorlds answers the multiple-queries test.
func someWorlds(ctx context.Context, in *QueriesInput) (*[]World, error) {
	worlds, err := randomWorlds(ctx, queryCount(in.Queries))
	if err != nil {
		return nil, err
	}
	api.Ctx(ctx).SetHeader("Server", "sinew")
	return &worlds, nil
}

// updateWorlds answers the updates test: the rows read one query each, given new random
// numbers and written with one statement (orm.SaveMany, Django's bulk_update), in id
// order so that concurrent requests lock rows in the same order and cannot deadlock.
func updateWorlds(ctx context.Context, in *QueriesInput) (*[]World, error) {
	worlds, err := randomWorlds(ctx, queryCount(in.Queries))
	if err != nil {
		return nil, err
	}
	// The same row may come up twice in one request: it is written once, with the number
	// the answer shows last for it.
	last := make(map[int64]int64, len(worlds))
	for i := range worlds {
		worlds[i].RandomNumber = int64(randomID())
		last[worlds[i].ID] = worlds[i].RandomNumber
	}
	rows := make([]World, 0, len(last))
	for id, n := range last {
		rows = append(rows, World{ID: id, RandomNumber: n})
	}
	slices.SortFunc(rows, func(a, b World) int { return cmp.Compare(a.ID, b.ID) })
	if _, err := orm.SaveMany(ctx, rows, "RandomNumber"); err != nil {
		return nil, err
	}
	api.Ctx(ctx).SetHeader("Server", "sinew")
	return &worlds, nil
}

// randomWorlds reads n random rows, each with its own query as the benchmark requires.
func randomWorlds(ctx context.Context, n int) ([]World, error) {
	worlds := make([]World, n)
	for i := range worlds {
		w, err := orm.Q[World](ctx).Get(randomID())
		if err != nil {
			return nil, err
		}
		worlds[i] = *w
	}
	return worlds, nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func randomID() int { return rand.IntN(10000) + 1 }

// queryCount parses the queries parameter by the benchmark's rules: missing or malformed
// means 1, and the count is clamped to 1..500.
func queryCount(q string) int {
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 500)
}
