package auth

import "github.com/sinewdev/sinew/migrate"

// Migrations returns the migrations that create the auth tables (auth_users, auth_groups,
// auth_permissions, auth_tokens and the join tables), written by migrate.Make from Models.
// Register gives them to the app as its migration set "auth" (history table
// sinew_auth_migrations): auto-migrate in dev and test, and `./app migrate` in production,
// apply them before the app's own migrations, and the app's `./app makemigrations` starts
// from the schema they create, so it never writes the auth tables again while the app's
// models may point to auth_users with fk=User. Their names start with "000N_auth_"; they
// never change once released (later changes to the auth models come as new migrations).
func Migrations() []migrate.Migration {
	return []migrate.Migration{m0001AuthInitial, m0002AuthTokens}
}
