// Package orm is Sinew's model layer: a registry of model metadata read once from struct
// tags, generic typed queries, relations loaded by batched prefetching, transactions that
// travel in the context, hooks, and typed errors that are the same on SQLite, PostgreSQL and
// MySQL/MariaDB. The registry's Meta is also what the migrations, the admin site, forms and
// REST resources read, so a model is declared once, as a plain struct:
//
//	type Post struct {
//		orm.Model                       // ID, CreatedAt, UpdatedAt
//		Title    string `orm:"size=200,index"`
//		Body     string `orm:"text"`
//		AuthorID int64  `orm:"fk=User,ondelete=cascade"`
//		Author   *User  // loaded by Prefetch("Author")
//		Tags     []Tag  `orm:"m2m"`
//	}
//
// Register models on a Registry at start-up (tag typos and bad references are reported
// there, not on the first request), open a DB with a driver (orm/sqlite, orm/postgres or
// orm/mysql), and put it in the context with WithDB; the web layer does that for every
// request. Then Q[T](ctx) builds queries (Filter and OrderBy accept user input safely),
// Create, Save and Delete write single objects, CreateMany and Upsert write in bulk, and
// DB.Tx runs a transaction that every call made with its context joins, with savepoints
// when nested. Values are always bound as parameters, and identifiers come only from the
// registry. The guide in docs/orm.md covers the tag syntax and every feature.
package orm
