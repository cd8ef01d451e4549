// Package api benchmarks Sinew's typed handlers (package api) against the same endpoint
// written by hand on web.Ctx and against Huma (github.com/danielgtaylor/huma/v2), the Go
// framework closest to FastAPI. The endpoint binds a path parameter and a JSON body of five
// fields, validates them (the same rules in each implementation: a required title of at most
// 100 characters, a quantity between 1 and 1000, an e-mail address, ...), and answers a JSON
// object built from them.
//
// The package lives in its own Go module so that Huma never enters the main Sinew module's
// go.mod. A correctness test checks that the three implementations give the same answer to a
// valid request and refuse the same invalid ones, so that none wins by doing less.
// BenchmarkUpdate_* serve one request per iteration through a reused request and a
// discarding response writer, so the harness itself allocates nothing; run.sh runs them with
// -count and summarises the ratios.
package api
