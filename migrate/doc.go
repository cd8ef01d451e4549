// Package migrate evolves the database schema with the models: it writes migration files
// from model changes (makemigrations), and applies, lists and rolls them back on SQLite,
// PostgreSQL and MySQL/MariaDB. A migration is a Go value holding declarative, dialect-neutral
// operations, so one set of migrations serves SQLite in development and PostgreSQL or
// MariaDB in production, and reads well in a pull request:
//
//	var m0002AddPostsSlug = migrate.Migration{
//		Name: "0002_add_posts_slug",
//		Operations: []migrate.Operation{
//			migrate.AddColumn{Table: "posts", Column: migrate.Column{Name: "slug", Kind: orm.KindString, Size: 100, Nullable: true}},
//		},
//	}
//
// Folding the operations of the existing migrations gives a Schema without touching a
// database (SchemaOf); ModelSchema derives the Schema the registered models describe, Diff
// computes the operations between the two (renames are declared with the
// `orm:"renamed_from=old"` tag or MakeConfig.Renames, never guessed), and Make or
// MakeMigrations write them as the next numbered file, with migrations.go listing every
// migration in order for the app to pass to New or FromORM. The Migrator turns operations
// into each dialect's DDL with ariga.io/atlas's planners (SQLite rebuilds a table where it
// has no ALTER), runs each migration in a transaction where the database allows (on
// MySQL/MariaDB, whose DDL commits at once, a failure runs the inverse of what already
// ran), records it with a checksum in the sinew_migrations table, and takes a lock
// (pg_advisory_lock, GET_LOCK, or SQLite's write lock) so that instances starting together
// apply each migration exactly once. MakeMigrationsCommand and MigrateCommand are the CLI
// subcommands; docs/migrations.md is the guide.
package migrate
