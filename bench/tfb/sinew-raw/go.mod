module github.com/sinewdev/sinew/bench/tfb/sinew-raw

go 1.26.0

replace github.com/sinewdev/sinew => ../../..

require (
	github.com/jackc/pgx/v5 v5.12.0
	github.com/sinewdev/sinew v0.0.0-00010101000000-000000000000
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/text v0.42.0 // indirect
)
