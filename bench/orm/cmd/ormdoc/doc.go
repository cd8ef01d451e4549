// Command ormdoc turns the benchstat summary of the ORM benchmarks into the
// "## ORM" section of docs/benchmarks.md. It reads benchstat's CSV output
// (made with -col /lib, so that each library is a column and each row is an
// operation on an engine, such as "GetByPK/db=SQLite"), and writes a summary of
// the goal (the Sinew ORM within 10% of the hand-written code's time,
// and fewer allocations than GORM and bun), then one table per metric with a
// row per operation and engine and a column per library.
//
// The section also records the machine, the load, the versions, the exact
// command, benchstat's own text output and, if given, the top of the CPU and
// allocation profiles of Sinew's slowest paths. ormdoc replaces only the
// "## ORM" section of the document, up to the next level-one or level-two
// heading, and keeps every other section as it is. With -worst it instead
// prints the name of the Sinew benchmark furthest from the hand-written code,
// for run.sh to profile. run.sh is its only caller.
package main
