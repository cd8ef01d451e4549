-- wrk script: a mix of list-articles (1 in 2, with tag, author or page variants) and
-- get-article requests over the slugs in slugs.txt; counts non-2xx answers.
local slugs = {}
for line in io.lines("slugs.txt") do slugs[#slugs + 1] = line end
local lists = {"/api/articles", "/api/articles?limit=10&offset=10", "/api/articles?tag=go",
  "/api/articles?author=writer1", "/api/articles?favorited=writer2"}
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", lists[(n / 2) % #lists + 1])
  end
  return wrk.format("GET", "/api/articles/" .. slugs[n % #slugs + 1])
end
local bad = 0
response = function(status)
  if status >= 400 then bad = bad + 1 end
end
done = function(summary)
  io.write(string.format("requests %d, errors %d (connect %d, read %d, write %d, timeout %d, status>=400 %d)\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout + summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status))
end
