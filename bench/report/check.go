package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"
)

// fortune is one row of the expected fortunes table.
type fortune struct {
	ID      int
	Message string
}

// expectedFortunes is the fortunes page's table in order: the twelve standard rows plus
// the one added at request time, sorted by message.
var expectedFortunes = func() []fortune {
	fs := []fortune{
		{0, "Additional fortune added at request time."},
		{1, "fortune: No such file or directory"},
		{2, "A computer scientist is someone who fixes things that aren't broken."},
		{3, "After enough decimal places, nobody gives a damn."},
		{4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"},
		{5, "A computer program does what you tell it to do, not what you want it to do."},
		{6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"},
		{7, "Any program that runs right is obsolete."},
		{8, "A list is only as strong as its weakest link. — Donald Knuth"},
		{9, "Feature: A bug with seniority."},
		{10, "Computers make very fast, very accurate mistakes."},
		{11, `<script>alert("This should not be displayed in a browser alert box.");</script>`},
		{12, "フレームワークのベンチマーク"},
	}
	slices.SortFunc(fs, func(a, b fortune) int { return strings.Compare(a.Message, b.Message) })
	return fs
}()

// world is one row of the world table as the JSON tests return it.
type world struct {
	ID           int `json:"id"`
	RandomNumber int `json:"randomNumber"`
}

// rowReader reads world rows back from the database, to check that /db and /queries
// return real rows and that /updates wrote what it returned. A nil rowReader skips those
// checks.
type rowReader interface {
	randomNumbers(ctx context.Context, ids []int) (map[int]int, error)
}

// pgRows reads rows over one pgx connection.
type pgRows struct{ conn *pgx.Conn }

func (p pgRows) randomNumbers(ctx context.Context, ids []int) (map[int]int, error) {
	rows, err := p.conn.Query(ctx, "SELECT id, randomnumber FROM world WHERE id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	var id, n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		out[id] = n
		return nil
	})
	return out, err
}

// checker verifies an implementation's responses by the benchmark's rules.
type checker struct {
	base   string
	client *http.Client
	db     rowReader
}

// checkAll runs the checks of the named tests and returns every problem found.
func (c *checker) checkAll(ctx context.Context, names []string) []string {
	var problems []string
	for _, name := range names {
		var errs []error
		switch name {
		case "plaintext":
			errs = c.plaintext(ctx)
		case "json":
			errs = c.json(ctx)
		case "db":
			errs = c.db1(ctx)
		case "queries":
			errs = c.queries(ctx, "/queries", false)
		case "fortunes":
			errs = c.fortunes(ctx)
		case "updates":
			errs = c.queries(ctx, "/updates", true)
		default:
			errs = []error{fmt.Errorf("unknown test %q", name)}
		}
		for _, err := range errs {
			problems = append(problems, name+": "+err.Error())
		}
	}
	return problems
}

// response is a fetched response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (c *checker) get(ctx context.Context, path string) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading the body: %w", path, err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: body}, nil
}

// common checks what every response must have: 200, the Server and Date headers, and the
// media type (with a UTF-8 charset when wantCharset).
func common(path string, r *response, mediaType string, wantCharset bool) []error {
	var errs []error
	if r.status != http.StatusOK {
		errs = append(errs, fmt.Errorf("GET %s: status %d, want 200", path, r.status))
	}
	if r.header.Get("Server") == "" {
		errs = append(errs, fmt.Errorf("GET %s: no Server header", path))
	}
	if r.header.Get("Date") == "" {
		errs = append(errs, fmt.Errorf("GET %s: no Date header", path))
	}
	ct := r.header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("GET %s: Content-Type %q: %w", path, ct, err))
	case mt != mediaType:
		errs = append(errs, fmt.Errorf("GET %s: Content-Type %q, want %s", path, ct, mediaType))
	case wantCharset && !strings.EqualFold(params["charset"], "utf-8"):
		errs = append(errs, fmt.Errorf("GET %s: Content-Type %q has no utf-8 charset", path, ct))
	}
	return errs
}

func (c *checker) plaintext(ctx context.Context) []error {
	r, err := c.get(ctx, "/plaintext")
	if err != nil {
		return []error{err}
	}
	errs := common("/plaintext", r, "text/plain", false)
	if string(r.body) != "Hello, World!" {
		errs = append(errs, fmt.Errorf("body %q, want %q", clip(r.body), "Hello, World!"))
	}
	return errs
}

func (c *checker) json(ctx context.Context) []error {
	r, err := c.get(ctx, "/json")
	if err != nil {
		return []error{err}
	}
	errs := common("/json", r, "application/json", false)
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		return append(errs, fmt.Errorf("body %q is not a JSON object: %w", clip(r.body), err))
	}
	if len(got) != 1 || got["message"] != "Hello, World!" {
		errs = append(errs, fmt.Errorf("body %q, want {\"message\":\"Hello, World!\"}", clip(r.body)))
	}
	return errs
}

// parseWorld checks that raw is exactly a world object with ids and numbers in 1..10000.
func parseWorld(raw json.RawMessage) (world, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return world{}, fmt.Errorf("%q is not a JSON object: %w", clip(raw), err)
	}
	if len(fields) != 2 || fields["id"] == nil || fields["randomNumber"] == nil {
		return world{}, fmt.Errorf("%q: want exactly the keys id and randomNumber", clip(raw))
	}
	var w world
	for key, dst := range map[string]*int{"id": &w.ID, "randomNumber": &w.RandomNumber} {
		if err := json.Unmarshal(fields[key], dst); err != nil {
			return world{}, fmt.Errorf("%q: %s is not an integer", clip(raw), key)
		}
		if *dst < 1 || *dst > 10000 {
			return world{}, fmt.Errorf("%q: %s %d is outside 1..10000", clip(raw), key, *dst)
		}
	}
	return w, nil
}

func (c *checker) db1(ctx context.Context) []error {
	r, err := c.get(ctx, "/db")
	if err != nil {
		return []error{err}
	}
	errs := common("/db", r, "application/json", false)
	w, err := parseWorld(r.body)
	if err != nil {
		return append(errs, err)
	}
	return append(errs, c.matchDB(ctx, []world{w}, false)...)
}

// queries checks /queries or /updates with valid, missing, malformed and out-of-range
// counts. For updates it also checks that the database holds what was returned.
func (c *checker) queries(ctx context.Context, path string, updates bool) []error {
	cases := []struct {
		query string
		want  int
	}{
		{"", 1}, {"?queries=", 1}, {"?queries=foo", 1}, {"?queries=0", 1}, {"?queries=1", 1},
		{"?queries=20", 20}, {"?queries=501", 500},
	}
	var errs []error
	for _, tc := range cases {
		p := path + tc.query
		r, err := c.get(ctx, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, common(p, r, "application/json", false)...)
		var arr []json.RawMessage
		if err := json.Unmarshal(r.body, &arr); err != nil {
			errs = append(errs, fmt.Errorf("GET %s: body %q is not a JSON array: %w", p, clip(r.body), err))
			continue
		}
		if len(arr) != tc.want {
			errs = append(errs, fmt.Errorf("GET %s: %d rows, want %d", p, len(arr), tc.want))
			continue
		}
		worlds := make([]world, 0, len(arr))
		for _, raw := range arr {
			w, err := parseWorld(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("GET %s: %w", p, err))
				break
			}
			worlds = append(worlds, w)
		}
		if len(worlds) == len(arr) && tc.want == 20 {
			errs = append(errs, c.matchDB(ctx, worlds, updates)...)
		}
	}
	return errs
}

// matchDB checks returned rows against the database: each id must hold one of the numbers
// returned for it (an id drawn twice in one request is updated once).
func (c *checker) matchDB(ctx context.Context, worlds []world, updates bool) []error {
	if c.db == nil {
		return nil
	}
	ids := make([]int, len(worlds))
	for i, w := range worlds {
		ids[i] = w.ID
	}
	stored, err := c.db.randomNumbers(ctx, ids)
	if err != nil {
		return []error{fmt.Errorf("reading the world table: %w", err)}
	}
	returned := map[int][]int{}
	for _, w := range worlds {
		returned[w.ID] = append(returned[w.ID], w.RandomNumber)
	}
	var errs []error
	for id, nums := range returned {
		got, ok := stored[id]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("row %d was returned but is not in the world table", id))
		case !slices.Contains(nums, got):
			what := "returned"
			if updates {
				what = "returned after the update"
			}
			errs = append(errs, fmt.Errorf("row %d holds randomNumber %d, but %v was %s", id, got, nums, what))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

func (c *checker) fortunes(ctx context.Context) []error {
	r, err := c.get(ctx, "/fortunes")
	if err != nil {
		return []error{err}
	}
	errs := common("/fortunes", r, "text/html", true)
	return append(errs, checkFortunesHTML(r.body)...)
}

// checkFortunesHTML checks the fortunes page: a doctype, the Fortunes title, a table whose
// header is id/message followed by the expected rows in order, and the script fortune
// escaped rather than executable.
func checkFortunesHTML(body []byte) []error {
	var errs []error
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(body))), "<!doctype html>") {
		errs = append(errs, errors.New("the page does not start with <!DOCTYPE html>"))
	}
	z := html.NewTokenizer(strings.NewReader(string(body)))
	var (
		title, inTitle bool
		rows           [][]string
		cell           *strings.Builder
		scripts        int
	)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); err != io.EOF {
				errs = append(errs, fmt.Errorf("parsing the page: %w", err))
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			switch tok.Data {
			case "script":
				scripts++
			case "title":
				inTitle = true
			case "tr":
				rows = append(rows, nil)
			case "td", "th":
				cell = &strings.Builder{}
			}
		case html.EndTagToken:
			switch tok.Data {
			case "title":
				inTitle = false
			case "td", "th":
				if cell != nil && len(rows) > 0 {
					rows[len(rows)-1] = append(rows[len(rows)-1], cell.String())
				}
				cell = nil
			}
		case html.TextToken:
			if inTitle && strings.TrimSpace(tok.Data) == "Fortunes" {
				title = true
			}
			if cell != nil {
				cell.WriteString(tok.Data)
			}
		}
	}
	if scripts > 0 {
		errs = append(errs, errors.New("the page contains a <script> element: the fortune was not escaped"))
	}
	if !title {
		errs = append(errs, errors.New("no <title>Fortunes</title>"))
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"id", "message"}) {
		return append(errs, errors.New("the table does not start with the header row id, message"))
	}
	rows = rows[1:]
	if len(rows) != len(expectedFortunes) {
		errs = append(errs, fmt.Errorf("%d fortune rows, want %d", len(rows), len(expectedFortunes)))
	}
	for i := range min(len(rows), len(expectedFortunes)) {
		want := []string{strconv.Itoa(expectedFortunes[i].ID), expectedFortunes[i].Message}
		got := rows[i]
		for j := range got {
			got[j] = strings.TrimSpace(got[j])
		}
		if !slices.Equal(got, want) {
			errs = append(errs, fmt.Errorf("row %d is %q, want %q", i+1, got, want))
		}
	}
	return errs
}

// clip shortens a body for an error message.
func clip(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// runCheck is the check subcommand.
func runCheck(ctx context.Context, impl, base, dsn string, names []string) (*CheckResult, error) {
	c := &checker{base: strings.TrimRight(base, "/"), client: &http.Client{Timeout: 30 * time.Second}}
	if dsn != "" {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("connecting to the database: %w", err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		c.db = pgRows{conn}
	}
	problems := c.checkAll(ctx, names)
	return &CheckResult{OK: len(problems) == 0, Problems: problems}, nil
}
