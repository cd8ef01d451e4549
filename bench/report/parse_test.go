package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseWrk(t *testing.T) {
	t.Parallel()
	good := `Running 3s test @ http://127.0.0.1:8080/json
  1 threads and 64 connections
  Latency Distribution
     50%  770.00us
     99%    1.47ms
  240000 requests in 3.00s, 33.00MB read
Requests/sec:  80000.00
TFBJSON {"duration_us":3000000,"requests":240000,"bytes":34603008,"connect":0,"read":1,"write":0,"status":7,"timeout":2,"p50_us":770.0,"p99_us":1470.0,"max_us":5130.0}
`
	res, err := parseWrk([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := TestResult{RPS: 80000, Requests: 240000, DurationSec: 3, P50Ms: 0.77, P99Ms: 1.47, MaxMs: 5.13,
		Errors: Errors{Read: 1, Status: 7, Timeout: 2}}
	if *res != want {
		t.Fatalf("parseWrk = %+v, want %+v", *res, want)
	}
	if res.Errors.Total() != 10 {
		t.Fatalf("Total = %d, want 10", res.Errors.Total())
	}
	for _, bad := range []string{
		"Requests/sec: 1\n",
		"TFBJSON {\"duration_us\":0,\"requests\":5}\n",
		"TFBJSON {not json}\n",
	} {
		if _, err := parseWrk([]byte(bad)); err == nil {
			t.Errorf("parseWrk(%q) succeeded", bad)
		}
	}
}

func TestParseStat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in        string
		pid, ppid int
		ok        bool
	}{
		{"123 (gunicorn) S 1 123 123 0 -1", 123, 1, true},
		{"77 (a b) c)) R 42 77 77 0", 77, 42, true},
		{"garbage", 0, 0, false},
		{"12 (x)", 0, 0, false},
	}
	for _, tc := range cases {
		pid, ppid, ok := parseStat([]byte(tc.in))
		if pid != tc.pid || ppid != tc.ppid || ok != tc.ok {
			t.Errorf("parseStat(%q) = %d, %d, %v; want %d, %d, %v", tc.in, pid, ppid, ok, tc.pid, tc.ppid, tc.ok)
		}
	}
}

func TestProcessTreeAndStatus(t *testing.T) {
	t.Parallel()
	tree := processTree(os.Getpid())
	if len(tree) == 0 || tree[0] != os.Getpid() {
		t.Fatalf("processTree(self) = %v", tree)
	}
	kb, err := treeKB(os.Getpid(), "VmRSS")
	if err != nil || kb <= 0 {
		t.Fatalf("treeKB(self, VmRSS) = %d, %v", kb, err)
	}
	if _, err := statusKB(os.Getpid(), "NoSuchField"); err == nil {
		t.Fatal("statusKB of a missing field succeeded")
	}
}

func TestParseCPULine(t *testing.T) {
	t.Parallel()
	idle, irq, total, err := parseCPULine("cpu  100 5 50 800 40 2 3 0 7 0")
	if err != nil || idle != 840 || irq != 5 || total != 1000 {
		t.Fatalf("parseCPULine = %d, %d, %d, %v; want 840, 5, 1000, nil (guest time is part of user)", idle, irq, total, err)
	}
	for _, bad := range []string{"cpu0 1 2 3 4 5", "cpu 1 2 x 4 5", "cpu 1"} {
		if _, _, _, err := parseCPULine(bad); err == nil {
			t.Errorf("parseCPULine(%q) succeeded", bad)
		}
	}
}

func TestVersionsFromManifests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gomod := "module x\n\ngo 1.26.0\n\nrequire github.com/gin-gonic/gin v1.12.0\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.12.0\n\tgolang.org/x/net v0.62.0 // indirect\n)\n"
	lock := `{"lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/express":{"version":"5.3.0"},"node_modules/@fastify/view":{"version":"12.0.0"}}}`
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		c    Component
		want string
	}{
		{Component{"Gin", "gomod", "github.com/gin-gonic/gin"}, "v1.12.0"},
		{Component{"pgx", "gomod", "github.com/jackc/pgx/v5"}, "v5.12.0"},
		{Component{"x/net", "gomod", "golang.org/x/net"}, "v0.62.0"},
		{Component{"Express", "npm", "express"}, "5.3.0"},
		{Component{"view", "npm", "@fastify/view"}, "12.0.0"},
	}
	for _, tc := range cases {
		got, err := componentVersion(tc.c, dir, dir)
		if err != nil || got != tc.want {
			t.Errorf("componentVersion(%s) = %q, %v; want %q", tc.c.Name, got, err, tc.want)
		}
	}
	for _, c := range []Component{{"missing", "gomod", "example.com/none"}, {"missing", "npm", "none"}, {"bad", "nope", ""}} {
		if _, err := componentVersion(c, dir, dir); err == nil {
			t.Errorf("componentVersion(%+v) succeeded", c)
		}
	}
}

func TestAssembleImpls(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "records.jsonl")
	lines := strings.Join([]string{
		`{"kind":"check","impl":"gin","check":{"ok":true}}`,
		`{"kind":"test","impl":"gin","test":"json","result":{"rps":5}}`,
		`{"kind":"test","impl":"sinew-raw","test":"json","result":{"rps":6}}`,
		``,
		`{"kind":"error","impl":"express","error":"build failed"}`,
		`{"kind":"startup","impl":"sinew-showcase","startup":{"median_ms":4}}`,
		`{"kind":"test","impl":"gin","test":"json","result":{"rps":7}}`,
	}, "\n")
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := readRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	irs, err := assembleImpls(recs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ir := range irs {
		names = append(names, ir.Name)
	}
	if want := []string{"sinew-raw", "gin", "express", "sinew-showcase"}; !slices.Equal(names, want) {
		t.Fatalf("order %v, want %v", names, want)
	}
	if irs[1].Tests["json"].RPS != 7 || !irs[1].Check.OK || irs[2].Error != "build failed" || irs[3].Startup.MedianMs != 4 {
		t.Fatalf("assembled %+v", irs)
	}
	for _, bad := range []string{
		`{"kind":"test","impl":"gin","test":"nope","result":{"rps":5}}`,
		`{"kind":"weird","impl":"gin"}`,
	} {
		if _, err := assembleImpls([]record{mustRecord(t, bad)}); err == nil {
			t.Errorf("assembleImpls(%s) succeeded", bad)
		}
	}
	if err := os.WriteFile(path, []byte(`{"kind":"test"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readRecords(path); err == nil {
		t.Error("readRecords accepted a record without impl")
	}
}

func mustRecord(t *testing.T, s string) record {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := readRecords(path)
	if err != nil || len(recs) != 1 {
		t.Fatalf("readRecords(%s) = %v, %v", s, recs, err)
	}
	return recs[0]
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 81358.4: "81,358", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestPostgresServes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cmdline string
		want    bool
	}{
		{"postgres: 15/main: postgres tfb 127.0.0.1(47672) idle", true},
		{"postgres: 15/main: root test 127.0.0.1(40000) SELECT", false},
		{"postgres: 15/main: postgres tfb [local] idle", true},
		{"postgres: 15/main: walwriter", true},
		{"postgres: 15/main: autovacuum worker test", true},
		{"postgres: 15/main: checkpointer", true},
		{"/usr/lib/postgresql/15/bin/postgres\x00-D\x00/var/lib/postgresql/15/main", true},
	}
	for _, tc := range cases {
		if got := postgresServes(tc.cmdline, "tfb"); got != tc.want {
			t.Errorf("postgresServes(%q) = %v, want %v", tc.cmdline, got, tc.want)
		}
	}
}

func TestForeignShareCountsOnlyOtherWork(t *testing.T) {
	t.Parallel()
	before, err := snapshotCPU([]int{os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	share, err := foreignShare(before, []int{os.Getpid()}, 0)
	if err != nil || share < 0 || share > 1 {
		t.Fatalf("foreignShare = %v, %v; want a share in 0..1", share, err)
	}
	if _, ok := procTicks(os.Getpid()); !ok {
		t.Fatal("procTicks(self) failed")
	}
	if _, ok := procTicks(-1); ok {
		t.Fatal("procTicks(-1) succeeded")
	}
}
