// Package ratelimit counts events per key in fixed windows and refuses those over a limit:
// the brute-force protection of logins and password resets, and the rate limits of APIs.
// A Limiter applies one Limit (so many events per duration) to many keys over a Store;
// Allow returns a Decision, Check returns a *LimitError that handlers return to answer 429,
// and Middleware limits whole routes, answering 429 with Retry-After and the RateLimit-*
// headers.
//
// Counters live in a Store. DBStore keeps them in the app's database (table
// sinew_ratelimits, one atomic upsert per event on SQLite, PostgreSQL and MySQL/MariaDB),
// RedisStore in Redis (one Lua script per event), and MemoryStore in the process. The
// database and Redis stores make a limit hold across every instance of an app, which is
// what brute-force protection needs; OpenStore picks one from SINEW_RATELIMIT_STORE. All
// stores pass one conformance suite, ratelimit/ratelimittest, including exact counts under
// concurrent hits.
package ratelimit
