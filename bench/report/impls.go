package main

// Impl describes one implementation of the benchmark: a folder under bench/tfb (or, for
// the showcase, an example app measured for start-up only).
type Impl struct {
	// Name is the folder under bench/tfb and the name bench/run accepts.
	Name string
	// Label is the name shown in tables and charts.
	Label string
	// Sinew marks Sinew's own implementations; their bars are highlighted.
	Sinew bool
	// Language is the runtime the implementation runs on: "go", "node" or "python".
	Language string
	// Components lists what the implementation is built from, for the versions table.
	Components []Component
}

// Component is a library or server an implementation uses, with where its version is read.
type Component struct {
	// Name is the component as readers know it.
	Name string
	// Kind says where its version comes from: "gomod" (the implementation's go.mod),
	// "npm" (its package-lock.json), "deb" (the installed Debian package) or "git" (the
	// commit of this repository).
	Kind string
	// Ref is the Go module path, npm package or Debian package name.
	Ref string
}

var (
	pgxComp  = Component{"pgx", "gomod", "github.com/jackc/pgx/v5"}
	nodePG   = Component{"pg", "npm", "pg"}
	gunicorn = Component{"gunicorn", "deb", "gunicorn"}
	psycopg2 = Component{"psycopg2", "deb", "python3-psycopg2"}
	sinewGit = Component{"Sinew", "git", ""}
)

// impls lists every implementation in the order of the tables. Sinew's rows come first.
var impls = []Impl{
	{Name: "sinew", Label: "Sinew (api + orm + view)", Sinew: true, Language: "go", Components: []Component{sinewGit, pgxComp}},
	{Name: "sinew-raw", Label: "Sinew raw (web + pgx)", Sinew: true, Language: "go", Components: []Component{sinewGit, pgxComp}},
	{Name: "nethttp", Label: "net/http + pgx", Language: "go", Components: []Component{pgxComp}},
	{Name: "gin", Label: "Gin", Language: "go", Components: []Component{{"Gin", "gomod", "github.com/gin-gonic/gin"}, pgxComp}},
	{Name: "echo", Label: "Echo", Language: "go", Components: []Component{{"Echo", "gomod", "github.com/labstack/echo/v5"}, pgxComp}},
	{Name: "chi", Label: "Chi", Language: "go", Components: []Component{{"chi", "gomod", "github.com/go-chi/chi/v5"}, pgxComp}},
	{Name: "fiber", Label: "Fiber (fasthttp)", Language: "go", Components: []Component{
		{"Fiber", "gomod", "github.com/gofiber/fiber/v3"},
		{"fasthttp", "gomod", "github.com/valyala/fasthttp"},
		{"gofiber/template/html", "gomod", "github.com/gofiber/template/html/v2"},
		pgxComp,
	}},
	{Name: "express", Label: "Express", Language: "node", Components: []Component{
		{"Express", "npm", "express"}, {"pug", "npm", "pug"}, nodePG,
	}},
	{Name: "fastify", Label: "Fastify", Language: "node", Components: []Component{
		{"Fastify", "npm", "fastify"}, {"@fastify/view", "npm", "@fastify/view"}, {"handlebars", "npm", "handlebars"}, nodePG,
	}},
	{Name: "django", Label: "Django (gunicorn, 2 workers)", Language: "python", Components: []Component{
		{"Django", "deb", "python3-django"}, gunicorn, psycopg2,
	}},
	{Name: "flask", Label: "Flask (gunicorn, 2 workers)", Language: "python", Components: []Component{
		{"Flask", "deb", "python3-flask"}, gunicorn, psycopg2,
	}},
	{Name: "sinew-showcase", Label: "Sinew showcase", Sinew: true, Language: "go", Components: []Component{sinewGit}},
}

// lookupImpl returns the implementation called name, or a bare one labelled with the name
// itself so that results of implementations added later still show up.
func lookupImpl(name string) Impl {
	for _, im := range impls {
		if im.Name == name {
			return im
		}
	}
	return Impl{Name: name, Label: name}
}

// implOrder is an implementation's position in the tables: registered ones in registry
// order, then unknown ones.
func implOrder(name string) int {
	for i, im := range impls {
		if im.Name == name {
			return i
		}
	}
	return len(impls)
}

// Tests lists the TechEmpower tests in the order of the tables, with their paths.
var tests = []struct {
	Name, Title, Path string
}{
	{"plaintext", "Plaintext", "/plaintext"},
	{"json", "JSON serialisation", "/json"},
	{"db", "Single query", "/db"},
	{"queries", "Multiple queries (20)", "/queries?queries=20"},
	{"fortunes", "Fortunes", "/fortunes"},
	{"updates", "Updates (20)", "/updates?queries=20"},
}

// testPath returns the path the load test requests for the named test.
func testPath(name string) (string, bool) {
	for _, t := range tests {
		if t.Name == name {
			return t.Path, true
		}
	}
	return "", false
}
