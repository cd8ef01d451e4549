package auth

import "github.com/sinewdev/sinew/migrate"

// Migrations returns the migrations that create the auth tables (auth_users, auth_groups,
// auth_permissions and the join tables), written by migrate.Make from Models, for apps and
// tests that assemble their migration list by hand: put them first, and number the app's
// own migrations above them.
//
//	app.Migrations(append(auth.Migrations(), myMigrations...)) // mine start at 0002
//
// An app that uses `./app makemigrations` does not list them: makemigrations wants a file
// in the app's migrations directory for every migration it is given, so there the auth
// tables come into the app's own migrations, from the models Register adds. Their names
// start with "000N_auth_"; they never change once released (later changes to the auth
// models come as new migrations).
func Migrations() []migrate.Migration {
	return []migrate.Migration{m0001AuthInitial, m0002AuthTokens}
}
