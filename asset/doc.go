// Package asset is Sinew's static asset pipeline. [New] reads every file of an fs.FS (an
// embed.FS in production, os.DirFS in development) once, at start-up, and builds a
// manifest: each file gets a fingerprinted name carrying a hash of its content
// ("site.css" becomes "site.3f9a1c2b.css"), text files get precompressed gzip and brotli
// variants, and url(...) and @import references inside CSS files are rewritten to the
// fingerprinted names of the files they point at. [Set.URL] turns a logical name into its
// fingerprinted URL; plug it into view.Config.StaticURL and {{static "site.css"}} emits
// "/static/site.3f9a1c2b.css".
//
// [Set.Serve] answers requests from memory: a fingerprinted name is cached for a year with
// "immutable" (its content can never change under that name), a logical name for a short
// time, both with a strong ETag, Vary: Accept-Encoding when variants exist, the brotli or
// gzip variant when Accept-Encoding allows it, and Range and conditional requests (304)
// through net/http's ServeContent. Only names in the manifest are served, so no request
// path, however encoded, can reach outside it. The work happens at start-up rather than in
// a go generate step so that nothing generated has to be kept in sync with the files and
// the same code serves os.DirFS in development; BenchmarkNew measures what it costs.
package asset
