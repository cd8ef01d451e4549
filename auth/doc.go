// Package auth holds Sinew's users, groups, permissions and API tokens, the password
// hashing they rely on, and the login flows. User logs in with an e-mail address (stored
// lower-cased, unique) and a password hashed with argon2id in PHC string format
// (PasswordConfig: parameters, rules, a check against the 10,000 most common passwords);
// Group collects permissions; Permission is a codename such as "change_post"; Token is a
// personal access token for `Authorization: Bearer` (random, stored as its SHA-256, with
// scopes, expiry, last use and revocation). Register adds the models (their tables come as
// the app's migration set "auth"), the createsuperuser and syncpermissions commands, the
// authentication middleware and the flows under /auth/: signup, login, logout, password
// change, password reset by an e-mailed single-use link, and e-mail verification, as HTML
// pages with overridable templates and as JSON for API clients.
//
// The flows are hardened by default: a login renews the session ID and the CSRF secret
// (session fixation), unknown and known addresses get the same answer and cost the same
// hashing (no account enumeration), attempts are limited per account and per client IP
// through package ratelimit (429 with Retry-After), next= only leads to same-site paths
// (SafeNext), a password whose hash used older parameters is rehashed at login, and a
// session ends by itself when its user's password, active flag or privileges change.
// Handlers get the user with CurrentUser and protect routes with RequireLogin,
// RequirePerm and RequireScope; User.HasPerm answers from one query cached on the user.
// Bearer requests are authenticated by token only, never by the session cookie, which
// is why the App's CSRF protection exempts them. docs/security.md is the guide.
package auth
