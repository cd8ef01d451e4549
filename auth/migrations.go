package auth

import "github.com/sinewdev/sinew/migrate"

// Migrations returns the migrations that create the auth tables (auth_users, auth_groups,
// auth_permissions and the join tables), written by migrate.Make from Models. Put them
// ahead of the app's own migrations, whose numbers must then start above theirs:
//
//	app.Migrations(append(auth.Migrations(), migrations.All...))
//
// Their names start with "0001_auth_"; they never change once released (later changes to
// the auth models come as new migrations).
func Migrations() []migrate.Migration {
	return []migrate.Migration{m0001AuthInitial}
}
