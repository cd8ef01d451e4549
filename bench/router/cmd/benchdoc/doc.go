// Command benchdoc turns the benchstat summary of the router benchmarks into
// the "## Router" section of docs/benchmarks.md. It reads benchstat's CSV
// output (made with -col /router, so that each router is a column), writes
// one table per metric (ns/op, B/op, allocs/op) with a row per benchmark and
// a column per router, and adds the ratio of the base router (Sinew) to the
// fastest of the reference peers (gin, echo, httprouter) for each benchmark.
//
// The section also records the machine, the Go and benchstat versions, the
// exact command, benchstat's own text output and, if given, the top of a CPU
// profile. benchdoc replaces only the "## Router" section of the document,
// up to the next level-two heading, and keeps every other section as it is;
// it creates the document if it does not exist. run.sh is its only caller.
package main
