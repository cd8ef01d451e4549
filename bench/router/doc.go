// Package router benchmarks Sinew's router against the routers Go developers
// already use: julienschmidt/httprouter, gin, echo, chi and the standard
// library's http.ServeMux. It holds the route sets (the GitHub API v3 set, the
// static set of the Go website, and the Parse and Google+ APIs), an adapter per
// router that registers a route set in that router's own syntax, and a
// ResponseWriter that discards everything so that the harness itself does not
// allocate.
//
// The package lives in its own Go module so that the peers it compares against
// never enter the main Sinew module's go.mod. Its benchmarks follow the classic
// go-http-routing-benchmark: BenchmarkGitHubAll_<Router> serves every route of
// the GitHub set once per iteration, the single-route and parameter benchmarks
// isolate one lookup, and handlers do nothing (or write one parameter) so the
// router is what is measured. A correctness test checks that every router
// answers every route with the expected handler and parameters, so no router
// wins by not matching. run.sh runs the suite, summarises it with benchstat and
// writes the table into docs/benchmarks.md.
package router
