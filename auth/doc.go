// Package auth holds Sinew's users, groups and permissions, and the password hashing they
// rely on.
package auth
