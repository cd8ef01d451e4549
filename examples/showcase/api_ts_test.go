package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
)

// TestShowcaseTypeScriptClient generates the TypeScript client with `./app openapi ts`,
// compiles it with tsc and drives the running showcase with it from Node: typed calls,
// a create/update/delete round trip with an API token, and the problem details of errors.
// It needs tsc (npm install -g typescript) and node; without them it only checks that the
// command writes a client.
func TestShowcaseTypeScriptClient(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	gen := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stdout: &out, Stderr: io.Discard})
	if err := setup(gen); err != nil {
		t.Fatal(err)
	}
	if err := gen.RunArgs(t.Context(), []string{"openapi", "ts"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("export function createClient")) {
		t.Fatalf("openapi ts wrote no client:\n%.500s", out.String())
	}
	golden(t, "client.ts", out.Bytes())
	tsc, err1 := exec.LookPath("tsc")
	node, err2 := exec.LookPath("node")
	if err1 != nil || err2 != nil {
		t.Skip("tsc or node not found (npm install -g typescript): the client is not compiled and run")
	}
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("client.ts", out.String())
	write("package.json", `{"type":"module"}`)
	write("run.mjs", `import { createClient, ApiError } from "./client.js";
const c = createClient({ baseUrl: process.argv[2], headers: { Authorization: "Bearer " + process.argv[3] } });
const out = {};
out.greet = (await c.greet({ name: "Ada", excited: true })).message;
out.kelvin = (await c.convertTemperature({ celsius: 100 })).kelvin;
const page = await c.listPost({ per_page: 2, order: "-Views" });
out.listed = page.items.length;
out.total = page.total;
const created = await c.createPost({ Title: "From TypeScript", AuthorID: 1, Body: "typed", Published: true, Views: 0 });
out.created = created.Title;
out.patched = (await c.updatePost({ id: created.id }, { Views: 7 })).Views;
await c.deletePost({ id: created.id });
try { await c.getPost({ id: created.id }); } catch (e) { out.gone = e instanceof ApiError ? e.status : String(e); }
try { await c.convertTemperature({ celsius: -500 }); } catch (e) { out.invalid = e.problem.errors[0].location; }
console.log(JSON.stringify(out));
`)
	if b, err := exec.Command(tsc, "--strict", "--target", "es2022", "--module", "es2022", "--lib", "es2022,dom",
		"--outDir", dir, filepath.Join(dir, "client.ts")).CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, b)
	}

	app := newTestApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := orm.WithDB(t.Context(), app.DB())
	admin, err := auth.NewUser("ts@example.com", "a long typescript password", auth.PasswordConfig{})
	if err != nil {
		t.Fatal(err)
	}
	admin.IsSuperuser = true
	if err := orm.Create(ctx, admin); err != nil {
		t.Fatal(err)
	}
	token, _, err := auth.CreateToken(ctx, admin, auth.TokenOptions{Name: "ts", Scopes: []string{"read", "write"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := exec.CommandContext(t.Context(), node, filepath.Join(dir, "run.mjs"), srv.URL, token).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	want := map[string]any{"greet": "Hello, Ada!", "kelvin": 373.15, "listed": 2.0, "total": 5.0,
		"created": "From TypeScript", "patched": 7.0, "gone": 404.0, "invalid": "body.celsius"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %s)", k, got[k], v, b)
		}
	}
}
