package main

import (
	"context"
	"encoding/json"
	"html/template"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeTFB is a correct in-memory implementation of the six tests; its fields break it in
// the ways the checker must notice.
type fakeTFB struct {
	mu    sync.Mutex
	world map[int]int

	noServer      bool   // omit the Server header
	jsonType      string // Content-Type of JSON responses
	noClamp       bool   // do not clamp queries to 1..500
	extraKey      bool   // add a key to world objects
	skipUpdate    bool   // return new numbers without writing them
	fortunesPage  string // served instead of the template's output when set
	dropAddedRow  bool   // leave out the fortune added at request time
	htmlNoCharset bool   // text/html without charset
}

func newFakeTFB() *fakeTFB {
	f := &fakeTFB{world: map[int]int{}, jsonType: "application/json"}
	for id := 1; id <= 10000; id++ {
		f.world[id] = rand.IntN(10000) + 1
	}
	return f
}

// randomNumbers makes fakeTFB its own database for the checker.
func (f *fakeTFB) randomNumbers(_ context.Context, ids []int) (map[int]int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[int]int{}
	for _, id := range ids {
		if n, ok := f.world[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

var fakeFortunes = template.Must(template.New("f").Parse(`<!DOCTYPE html>
<html><head><title>Fortunes</title></head><body><table>
<tr><th>id</th><th>message</th></tr>
{{range .}}<tr><td>{{.ID}}</td><td>{{.Message}}</td></tr>
{{end}}</table></body></html>`))

func (f *fakeTFB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.noServer {
		w.Header().Set("Server", "fake")
	}
	count := func() int {
		n, err := strconv.Atoi(r.URL.Query().Get("queries"))
		if f.noClamp {
			return max(n, 0)
		}
		if err != nil || n < 1 {
			return 1
		}
		return min(n, 500)
	}
	obj := func(id int) map[string]int {
		m := map[string]int{"id": id, "randomNumber": f.world[id]}
		if f.extraKey {
			m["extra"] = 1
		}
		return m
	}
	writeJSON := func(v any) {
		w.Header().Set("Content-Type", f.jsonType)
		json.NewEncoder(w).Encode(v)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/plaintext":
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	case "/json":
		writeJSON(map[string]string{"message": "Hello, World!"})
	case "/db":
		writeJSON(obj(rand.IntN(10000) + 1))
	case "/queries", "/updates":
		out := make([]map[string]int, count())
		for i := range out {
			id := rand.IntN(10000) + 1
			if r.URL.Path == "/updates" {
				n := rand.IntN(10000) + 1
				if !f.skipUpdate {
					f.world[id] = n
				}
				out[i] = map[string]int{"id": id, "randomNumber": n}
				continue
			}
			out[i] = obj(id)
		}
		writeJSON(out)
	case "/fortunes":
		ct := "text/html; charset=utf-8"
		if f.htmlNoCharset {
			ct = "text/html"
		}
		w.Header().Set("Content-Type", ct)
		if f.fortunesPage != "" {
			w.Write([]byte(f.fortunesPage))
			return
		}
		rows := slices.Clone(expectedFortunes)
		if f.dropAddedRow {
			rows = slices.DeleteFunc(rows, func(x fortune) bool { return x.ID == 0 })
		}
		fakeFortunes.Execute(w, rows)
	default:
		http.NotFound(w, r)
	}
}

func TestCheckerPassesACorrectImplementation(t *testing.T) {
	t.Parallel()
	f := newFakeTFB()
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := &checker{base: srv.URL, client: srv.Client(), db: f}
	names := []string{"plaintext", "json", "db", "queries", "fortunes", "updates"}
	if problems := c.checkAll(context.Background(), names); len(problems) > 0 {
		t.Fatalf("a correct implementation failed:\n%s", strings.Join(problems, "\n"))
	}
}

func TestCheckerFindsMistakes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		test    string
		breakIt func(*fakeTFB)
		want    string
	}{
		{"no Server header", "plaintext", func(f *fakeTFB) { f.noServer = true }, "no Server header"},
		{"wrong JSON type", "json", func(f *fakeTFB) { f.jsonType = "text/plain" }, "want application/json"},
		{"no clamping", "queries", func(f *fakeTFB) { f.noClamp = true }, "501: 501 rows, want 500"},
		{"extra key", "db", func(f *fakeTFB) { f.extraKey = true }, "exactly the keys id and randomNumber"},
		{"updates not written", "updates", func(f *fakeTFB) { f.skipUpdate = true }, "returned after the update"},
		{"added fortune missing", "fortunes", func(f *fakeTFB) { f.dropAddedRow = true }, "12 fortune rows, want 13"},
		{"no charset", "fortunes", func(f *fakeTFB) { f.htmlNoCharset = true }, "no utf-8 charset"},
		{"unescaped script", "fortunes", func(f *fakeTFB) {
			f.fortunesPage = strings.Replace(goodPage(), "&lt;script&gt;", "<script>", 1)
		}, "contains a <script> element"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeTFB()
			tc.breakIt(f)
			srv := httptest.NewServer(f)
			defer srv.Close()
			c := &checker{base: srv.URL, client: srv.Client(), db: f}
			problems := c.checkAll(context.Background(), []string{tc.test})
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Fatalf("want a problem containing %q, got:\n%s", tc.want, strings.Join(problems, "\n"))
			}
		})
	}
}

// goodPage renders the expected fortunes page.
func goodPage() string {
	var b strings.Builder
	fakeFortunes.Execute(&b, expectedFortunes)
	return b.String()
}

func TestCheckFortunesHTML(t *testing.T) {
	t.Parallel()
	compact := func(quote string) string {
		var b strings.Builder
		b.WriteString("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>")
		for _, f := range expectedFortunes {
			msg := template.HTMLEscapeString(f.Message)
			msg = strings.ReplaceAll(msg, "&#34;", quote)
			b.WriteString("<tr><td>" + strconv.Itoa(f.ID) + "</td><td>" + msg + "</td></tr>")
		}
		b.WriteString("</table></body></html>")
		return b.String()
	}
	swapped := strings.Replace(goodPage(), "<td>11</td>", "<td>99</td>", 1)
	cases := []struct {
		name, page, want string // want "" means no problem
	}{
		{"html/template", goodPage(), ""},
		{"compact with &quot;", compact("&quot;"), ""},
		{"compact with &#x22;", compact("&#x22;"), ""},
		{"no doctype", strings.TrimPrefix(goodPage(), "<!DOCTYPE html>"), "<!DOCTYPE html>"},
		{"wrong id", swapped, "row 1 is"},
		{"no title", strings.Replace(goodPage(), "<title>Fortunes</title>", "", 1), "no <title>"},
		{"no header", strings.Replace(goodPage(), "<tr><th>id</th><th>message</th></tr>", "", 1), "header row"},
		{"mangled Japanese", strings.Replace(goodPage(), "フレームワークのベンチマーク", "??????", 1), "row 13 is"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			errs := checkFortunesHTML([]byte(tc.page))
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected problems: %v", errs)
				}
				return
			}
			if !slices.ContainsFunc(errs, func(e error) bool { return strings.Contains(e.Error(), tc.want) }) {
				t.Fatalf("want a problem containing %q, got %v", tc.want, errs)
			}
		})
	}
}

func TestParseWorld(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want world
		err  string
	}{
		{`{"id":1,"randomNumber":10000}`, world{1, 10000}, ""},
		{`{"randomNumber":5,"id":7}`, world{7, 5}, ""},
		{`{"id":0,"randomNumber":5}`, world{}, "outside 1..10000"},
		{`{"id":1,"randomNumber":10001}`, world{}, "outside 1..10000"},
		{`{"id":"1","randomNumber":5}`, world{}, "not an integer"},
		{`{"id":1,"randomnumber":5}`, world{}, "exactly the keys"},
		{`[1,2]`, world{}, "not a JSON object"},
		{`{"id":1.5,"randomNumber":5}`, world{}, "not an integer"},
	}
	for _, tc := range cases {
		got, err := parseWorld([]byte(tc.in))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("parseWorld(%s): %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseWorld(%s) error = %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && got != tc.want:
			t.Errorf("parseWorld(%s) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestExpectedFortunesOrder(t *testing.T) {
	t.Parallel()
	if len(expectedFortunes) != 13 {
		t.Fatalf("%d fortunes, want 13", len(expectedFortunes))
	}
	first, last := expectedFortunes[0], expectedFortunes[len(expectedFortunes)-1]
	if first.ID != 11 || last.ID != 12 {
		t.Fatalf("first %d and last %d, want 11 (the <script> one) and 12 (the Japanese one)", first.ID, last.ID)
	}
}
