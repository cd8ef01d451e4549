// Package realtime is the load benchmark of Sinew's realtime hub against a Node.js server
// on the ws package: many concurrent WebSocket clients on loopback, the memory each idle
// connection costs the server, and how long one broadcast takes to reach all of them.
// server/ is the Sinew side, node/ the Node.js peer speaking the same protocol, loadgen/
// the client both are measured with; run.sh runs the whole comparison and writes the
// "Realtime" section of docs/benchmarks.md.
package realtime
