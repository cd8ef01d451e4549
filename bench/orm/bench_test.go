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

func BenchmarkGetByPK_Raw_SQLite(b *testing.B)     { benchOp(b, RawLib(), SQLite, "GetByPK") }
func BenchmarkGetByPK_Sinew_SQLite(b *testing.B)   { benchOp(b, SinewLib(), SQLite, "GetByPK") }
func BenchmarkGetByPK_GORM_SQLite(b *testing.B)    { benchOp(b, GORMLib(), SQLite, "GetByPK") }
func BenchmarkGetByPK_Bun_SQLite(b *testing.B)     { benchOp(b, BunLib(), SQLite, "GetByPK") }
func BenchmarkGetByPK_Raw_Postgres(b *testing.B)   { benchOp(b, RawLib(), Postgres, "GetByPK") }
func BenchmarkGetByPK_Sinew_Postgres(b *testing.B) { benchOp(b, SinewLib(), Postgres, "GetByPK") }
func BenchmarkGetByPK_GORM_Postgres(b *testing.B)  { benchOp(b, GORMLib(), Postgres, "GetByPK") }
func BenchmarkGetByPK_Bun_Postgres(b *testing.B)   { benchOp(b, BunLib(), Postgres, "GetByPK") }
func BenchmarkGetByPK_Pgx_Postgres(b *testing.B)   { benchOp(b, PgxLib(), Postgres, "GetByPK") }

func BenchmarkFetch20_Raw_SQLite(b *testing.B)     { benchOp(b, RawLib(), SQLite, "Fetch20") }
func BenchmarkFetch20_Sinew_SQLite(b *testing.B)   { benchOp(b, SinewLib(), SQLite, "Fetch20") }
func BenchmarkFetch20_GORM_SQLite(b *testing.B)    { benchOp(b, GORMLib(), SQLite, "Fetch20") }
func BenchmarkFetch20_Bun_SQLite(b *testing.B)     { benchOp(b, BunLib(), SQLite, "Fetch20") }
func BenchmarkFetch20_Raw_Postgres(b *testing.B)   { benchOp(b, RawLib(), Postgres, "Fetch20") }
func BenchmarkFetch20_Sinew_Postgres(b *testing.B) { benchOp(b, SinewLib(), Postgres, "Fetch20") }
func BenchmarkFetch20_GORM_Postgres(b *testing.B)  { benchOp(b, GORMLib(), Postgres, "Fetch20") }
func BenchmarkFetch20_Bun_Postgres(b *testing.B)   { benchOp(b, BunLib(), Postgres, "Fetch20") }
func BenchmarkFetch20_Pgx_Postgres(b *testing.B)   { benchOp(b, PgxLib(), Postgres, "Fetch20") }

func BenchmarkInsertOne_Raw_SQLite(b *testing.B)     { benchOp(b, RawLib(), SQLite, "InsertOne") }
func BenchmarkInsertOne_Sinew_SQLite(b *testing.B)   { benchOp(b, SinewLib(), SQLite, "InsertOne") }
func BenchmarkInsertOne_GORM_SQLite(b *testing.B)    { benchOp(b, GORMLib(), SQLite, "InsertOne") }
func BenchmarkInsertOne_Bun_SQLite(b *testing.B)     { benchOp(b, BunLib(), SQLite, "InsertOne") }
func BenchmarkInsertOne_Raw_Postgres(b *testing.B)   { benchOp(b, RawLib(), Postgres, "InsertOne") }
func BenchmarkInsertOne_Sinew_Postgres(b *testing.B) { benchOp(b, SinewLib(), Postgres, "InsertOne") }
func BenchmarkInsertOne_GORM_Postgres(b *testing.B)  { benchOp(b, GORMLib(), Postgres, "InsertOne") }
func BenchmarkInsertOne_Bun_Postgres(b *testing.B)   { benchOp(b, BunLib(), Postgres, "InsertOne") }
func BenchmarkInsertOne_Pgx_Postgres(b *testing.B)   { benchOp(b, PgxLib(), Postgres, "InsertOne") }

func BenchmarkInsertBulk1000_Raw_SQLite(b *testing.B) { benchOp(b, RawLib(), SQLite, "InsertBulk1000") }
func BenchmarkInsertBulk1000_Sinew_SQLite(b *testing.B) {
	benchOp(b, SinewLib(), SQLite, "InsertBulk1000")
}
func BenchmarkInsertBulk1000_GORM_SQLite(b *testing.B) {
	benchOp(b, GORMLib(), SQLite, "InsertBulk1000")
}
func BenchmarkInsertBulk1000_Bun_SQLite(b *testing.B) { benchOp(b, BunLib(), SQLite, "InsertBulk1000") }
func BenchmarkInsertBulk1000_Raw_Postgres(b *testing.B) {
	benchOp(b, RawLib(), Postgres, "InsertBulk1000")
}
func BenchmarkInsertBulk1000_Sinew_Postgres(b *testing.B) {
	benchOp(b, SinewLib(), Postgres, "InsertBulk1000")
}
func BenchmarkInsertBulk1000_GORM_Postgres(b *testing.B) {
	benchOp(b, GORMLib(), Postgres, "InsertBulk1000")
}
func BenchmarkInsertBulk1000_Bun_Postgres(b *testing.B) {
	benchOp(b, BunLib(), Postgres, "InsertBulk1000")
}
func BenchmarkInsertBulk1000_Pgx_Postgres(b *testing.B) {
	benchOp(b, PgxLib(), Postgres, "InsertBulk1000")
}

func BenchmarkUpdateOne_Raw_SQLite(b *testing.B)     { benchOp(b, RawLib(), SQLite, "UpdateOne") }
func BenchmarkUpdateOne_Sinew_SQLite(b *testing.B)   { benchOp(b, SinewLib(), SQLite, "UpdateOne") }
func BenchmarkUpdateOne_GORM_SQLite(b *testing.B)    { benchOp(b, GORMLib(), SQLite, "UpdateOne") }
func BenchmarkUpdateOne_Bun_SQLite(b *testing.B)     { benchOp(b, BunLib(), SQLite, "UpdateOne") }
func BenchmarkUpdateOne_Raw_Postgres(b *testing.B)   { benchOp(b, RawLib(), Postgres, "UpdateOne") }
func BenchmarkUpdateOne_Sinew_Postgres(b *testing.B) { benchOp(b, SinewLib(), Postgres, "UpdateOne") }
func BenchmarkUpdateOne_GORM_Postgres(b *testing.B)  { benchOp(b, GORMLib(), Postgres, "UpdateOne") }
func BenchmarkUpdateOne_Bun_Postgres(b *testing.B)   { benchOp(b, BunLib(), Postgres, "UpdateOne") }
func BenchmarkUpdateOne_Pgx_Postgres(b *testing.B)   { benchOp(b, PgxLib(), Postgres, "UpdateOne") }
