-- Printed by wrk after the run: the summary as one JSON line for bench/report, latencies in
-- microseconds. Requests are wrk's default GETs; this script changes nothing about them.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'TFBJSON {"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%.1f,"p99_us":%.1f,"max_us":%.1f}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
