// Command report is the Go half of Sinew's TechEmpower-style benchmark harness. The bash
// script bench/run builds and starts each implementation under bench/tfb pinned to one core
// and calls report's subcommands for the careful parts: check verifies every endpoint's
// responses against the benchmark's rules (and the database), load drives wrk on the other
// core and records requests/s, latency percentiles, errors and the server's peak RSS,
// startup times a cold start to the first served request and reads the idle RSS, and
// assemble turns those records into a results file under bench/results.
//
// With no subcommand (or "docs"), report reads the newest results file, or every file
// named on the command line taking the median of each cell, and rewrites the "Full-stack
// (TechEmpower tests)" section of docs/benchmarks.md, leaving its other sections alone,
// with the tables, the machine, the exact command, every peer's versions and PNG bar
// charts under docs/img in which Sinew's bars stand out.
package main
