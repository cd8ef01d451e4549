// Package auth holds Sinew's users, groups and permissions, and the password hashing they
// rely on. User logs in with an e-mail address (stored lower-cased, unique) and a password
// hashed with argon2id in PHC string format (PasswordConfig: parameters, rules, a check
// against the 10,000 most common passwords); Group collects permissions; Permission is a
// codename such as "change_post". Register adds the models and the createsuperuser command
// to an App, and Migrations returns the migrations that create their tables, to put ahead
// of the app's own.
//
// SyncPermissions creates the view, add, change and delete permissions of every registered
// model, plus the custom ones a model declares with a `Permissions() []auth.Perm` method.
// User.HasPerm answers whether a user may do something: active superusers may do anything,
// inactive users nothing, and other users what their own and their groups' permissions
// allow, loaded with one query and cached on the user value for the rest of the request.
// Sessions live in package session; login flows, CSRF, API tokens and rate limits build on
// this package.
package auth
