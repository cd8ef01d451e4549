// Package session keeps server-side sessions: a Manager whose middleware gives handlers a
// *Session (From, FromContext) with values, typed reads (Get[T]), flash messages, ID
// renewal at login (Renew) and logout (Destroy). The browser holds only a cookie with a
// random ID (32 bytes from crypto/rand, base64url): HttpOnly, SameSite=Lax, Path=/, and
// Secure whenever the request came over HTTPS, directly or through a trusted proxy. The
// session is read from the store only when a handler uses it, and written, with its
// cookie, only when it changed; sessions end after Config.IdleTimeout without use
// (default two weeks) and Config.AbsoluteTimeout after creation (default 30 days).
//
// Sessions live in a Store: the app's database by default (DBStore, table sinew_sessions
// created by Migrations, rows keyed by a SHA-256 hash of the ID so a leaked table holds no
// usable session), or Redis (RedisStore, one key with a TTL per session) when
// SINEW_SESSION_STORE is a redis:// URL (OpenStore chooses). Both pass the conformance
// suite in session/sessiontest. Values are encoded as JSON, so they must be
// JSON-serialisable; a session is at most Config.MaxSize bytes (64 KiB by default). A
// cookie that is malformed, forged, unknown or expired is treated as no session, never as
// an error. Two concurrent requests of one client do not merge their changes: the last
// to save wins. The App installs a Manager by default (app.Sessions()), and its CSRF
// protection keeps the per-session secret here (CSRFSecret, CSRFToken for templates).
package session
