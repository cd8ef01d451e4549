// Package migrations holds the chat example's schema migrations.
package migrations

import "github.com/sinewdev/sinew/migrate"

// All lists the migrations in the order they apply.
var All = []migrate.Migration{
	m0001Initial,
}
