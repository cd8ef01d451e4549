package orm

// The benchmarks, named Benchmark<operation>_<library>_<engine> so that run.sh
// can turn the library into a benchstat column. The database/sql libraries run
// on both engines; Pgx (native pgx) on PostgreSQL only.
//
//	GetByPK          read one row by primary key (keys 1..1000 in turn)
//	Fetch20          read the 20 newest published rows (WHERE, ORDER BY, LIMIT)
//	InsertOne        insert one row and read its generated key
//	InsertBulk1000   insert 1,000 rows with one statement and read their keys
//	UpdateOne        write every column of one row but the key and created_at

import "testing"

func BenchmarkGetByPK_Raw_SQLite(b *testing.B)     { benchGetByPK(b, RawLib(), SQLite) }
func BenchmarkGetByPK_Sinew_SQLite(b *testing.B)   { benchGetByPK(b, SinewLib(), SQLite) }
func BenchmarkGetByPK_GORM_SQLite(b *testing.B)    { benchGetByPK(b, GORMLib(), SQLite) }
func BenchmarkGetByPK_Bun_SQLite(b *testing.B)     { benchGetByPK(b, BunLib(), SQLite) }
func BenchmarkGetByPK_Raw_Postgres(b *testing.B)   { benchGetByPK(b, RawLib(), Postgres) }
func BenchmarkGetByPK_Sinew_Postgres(b *testing.B) { benchGetByPK(b, SinewLib(), Postgres) }
func BenchmarkGetByPK_GORM_Postgres(b *testing.B)  { benchGetByPK(b, GORMLib(), Postgres) }
func BenchmarkGetByPK_Bun_Postgres(b *testing.B)   { benchGetByPK(b, BunLib(), Postgres) }
func BenchmarkGetByPK_Pgx_Postgres(b *testing.B)   { benchGetByPK(b, PgxLib(), Postgres) }

func BenchmarkFetch20_Raw_SQLite(b *testing.B)     { benchFetch20(b, RawLib(), SQLite) }
func BenchmarkFetch20_Sinew_SQLite(b *testing.B)   { benchFetch20(b, SinewLib(), SQLite) }
func BenchmarkFetch20_GORM_SQLite(b *testing.B)    { benchFetch20(b, GORMLib(), SQLite) }
func BenchmarkFetch20_Bun_SQLite(b *testing.B)     { benchFetch20(b, BunLib(), SQLite) }
func BenchmarkFetch20_Raw_Postgres(b *testing.B)   { benchFetch20(b, RawLib(), Postgres) }
func BenchmarkFetch20_Sinew_Postgres(b *testing.B) { benchFetch20(b, SinewLib(), Postgres) }
func BenchmarkFetch20_GORM_Postgres(b *testing.B)  { benchFetch20(b, GORMLib(), Postgres) }
func BenchmarkFetch20_Bun_Postgres(b *testing.B)   { benchFetch20(b, BunLib(), Postgres) }
func BenchmarkFetch20_Pgx_Postgres(b *testing.B)   { benchFetch20(b, PgxLib(), Postgres) }

func BenchmarkInsertOne_Raw_SQLite(b *testing.B)     { benchInsertOne(b, RawLib(), SQLite) }
func BenchmarkInsertOne_Sinew_SQLite(b *testing.B)   { benchInsertOne(b, SinewLib(), SQLite) }
func BenchmarkInsertOne_GORM_SQLite(b *testing.B)    { benchInsertOne(b, GORMLib(), SQLite) }
func BenchmarkInsertOne_Bun_SQLite(b *testing.B)     { benchInsertOne(b, BunLib(), SQLite) }
func BenchmarkInsertOne_Raw_Postgres(b *testing.B)   { benchInsertOne(b, RawLib(), Postgres) }
func BenchmarkInsertOne_Sinew_Postgres(b *testing.B) { benchInsertOne(b, SinewLib(), Postgres) }
func BenchmarkInsertOne_GORM_Postgres(b *testing.B)  { benchInsertOne(b, GORMLib(), Postgres) }
func BenchmarkInsertOne_Bun_Postgres(b *testing.B)   { benchInsertOne(b, BunLib(), Postgres) }
func BenchmarkInsertOne_Pgx_Postgres(b *testing.B)   { benchInsertOne(b, PgxLib(), Postgres) }

func BenchmarkInsertBulk1000_Raw_SQLite(b *testing.B)     { benchInsertBulk(b, RawLib(), SQLite) }
func BenchmarkInsertBulk1000_Sinew_SQLite(b *testing.B)   { benchInsertBulk(b, SinewLib(), SQLite) }
func BenchmarkInsertBulk1000_GORM_SQLite(b *testing.B)    { benchInsertBulk(b, GORMLib(), SQLite) }
func BenchmarkInsertBulk1000_Bun_SQLite(b *testing.B)     { benchInsertBulk(b, BunLib(), SQLite) }
func BenchmarkInsertBulk1000_Raw_Postgres(b *testing.B)   { benchInsertBulk(b, RawLib(), Postgres) }
func BenchmarkInsertBulk1000_Sinew_Postgres(b *testing.B) { benchInsertBulk(b, SinewLib(), Postgres) }
func BenchmarkInsertBulk1000_GORM_Postgres(b *testing.B)  { benchInsertBulk(b, GORMLib(), Postgres) }
func BenchmarkInsertBulk1000_Bun_Postgres(b *testing.B)   { benchInsertBulk(b, BunLib(), Postgres) }
func BenchmarkInsertBulk1000_Pgx_Postgres(b *testing.B)   { benchInsertBulk(b, PgxLib(), Postgres) }

func BenchmarkUpdateOne_Raw_SQLite(b *testing.B)     { benchUpdateOne(b, RawLib(), SQLite) }
func BenchmarkUpdateOne_Sinew_SQLite(b *testing.B)   { benchUpdateOne(b, SinewLib(), SQLite) }
func BenchmarkUpdateOne_GORM_SQLite(b *testing.B)    { benchUpdateOne(b, GORMLib(), SQLite) }
func BenchmarkUpdateOne_Bun_SQLite(b *testing.B)     { benchUpdateOne(b, BunLib(), SQLite) }
func BenchmarkUpdateOne_Raw_Postgres(b *testing.B)   { benchUpdateOne(b, RawLib(), Postgres) }
func BenchmarkUpdateOne_Sinew_Postgres(b *testing.B) { benchUpdateOne(b, SinewLib(), Postgres) }
func BenchmarkUpdateOne_GORM_Postgres(b *testing.B)  { benchUpdateOne(b, GORMLib(), Postgres) }
func BenchmarkUpdateOne_Bun_Postgres(b *testing.B)   { benchUpdateOne(b, BunLib(), Postgres) }
func BenchmarkUpdateOne_Pgx_Postgres(b *testing.B)   { benchUpdateOne(b, PgxLib(), Postgres) }
