// Command gin is the TechEmpower benchmark app on Gin, written the way Gin's documentation
// shows: gin.New without the logger, c.String, c.JSON, c.HTML with html/template, and pgx.
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

	"github.com/gin-gonic/gin"
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
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.SetHTMLTemplate(template.Must(template.New("fortunes.html").Parse(fortunesHTML)))

	r.GET("/plaintext", func(c *gin.Context) {
		c.Header("Server", "gin")
		c.String(http.StatusOK, "Hello, World!")
	})
	r.GET("/json", func(c *gin.Context) {
		c.Header("Server", "gin")
		c.JSON(http.StatusOK, gin.H{"message": "Hello, World!"})
	})
	r.GET("/db", func(c *gin.Context) {
		var w World
		if err := db.QueryRow(c, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&w.ID, &w.RandomNumber); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.Header("Server", "gin")
		c.JSON(http.StatusOK, w)
	})
	r.GET("/queries", func(c *gin.Context) {
		worlds := make([]World, queryCount(c.Query("queries")))
		for i := range worlds {
			if err := db.QueryRow(c, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				c.AbortWithError(http.StatusInternalServerError, err)
				return
			}
		}
		c.Header("Server", "gin")
		c.JSON(http.StatusOK, worlds)
	})
	r.GET("/fortunes", func(c *gin.Context) {
		rows, _ := db.Query(c, "SELECT id, message FROM fortune")
		fortunes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
		if err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		fortunes = append(fortunes, Fortune{ID: 0, Message: "Additional fortune added at request time."})
		slices.SortFunc(fortunes, func(a, b Fortune) int { return cmp.Compare(a.Message, b.Message) })
		c.Header("Server", "gin")
		c.HTML(http.StatusOK, "fortunes.html", fortunes)
	})
	r.GET("/updates", func(c *gin.Context) {
		worlds := make([]World, queryCount(c.Query("queries")))
		for i := range worlds {
			if err := db.QueryRow(c, "SELECT id, randomnumber FROM world WHERE id = $1", randomID()).Scan(&worlds[i].ID, &worlds[i].RandomNumber); err != nil {
				c.AbortWithError(http.StatusInternalServerError, err)
				return
			}
			worlds[i].RandomNumber = randomID()
		}
		ids, nums := sortedColumns(worlds)
		if _, err := db.Exec(c, "UPDATE world SET randomnumber = v.n FROM unnest($1::int[], $2::int[]) AS v(id, n) WHERE world.id = v.id", ids, nums); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.Header("Server", "gin")
		c.JSON(http.StatusOK, worlds)
	})
	log.Fatal(r.Run(":" + env("PORT", "8080")))
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
