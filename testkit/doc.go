// Package testkit makes an application's tests short: New builds the app the way its main
// does, on an isolated database (a private in-memory SQLite database by default, a fresh
// PostgreSQL schema or MariaDB/MySQL database when the test asks for one and the server is
// named by SINEW_TEST_POSTGRES_URL or SINEW_TEST_MYSQL_URL), applies its migrations, serves
// it on a real listener on 127.0.0.1 and registers the cleanup, so every test gets an app of
// its own and tests run with t.Parallel().
//
// An App hands out Clients: an HTTP client with a cookie jar that handles CSRF tokens by
// itself (it asks the app for a token of its session, exactly as a page's {{csrfField}}
// would render one, and sends it in the X-CSRF-Token header of unsafe requests), logs in as
// a user with LoginAs, and returns Responses with assertions on status, headers, JSON
// (whole documents or dotted paths) and HTML (simple CSS selectors). Make and Factory fill
// models with sequenced values and save them; LoadFixtures reads rows from YAML or JSON
// files, with labels that later rows and tests refer to.
package testkit
