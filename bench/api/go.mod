module github.com/sinewdev/sinew/bench/api

go 1.26.0

replace github.com/sinewdev/sinew => ../..

require (
	github.com/danielgtaylor/huma/v2 v2.36.0
	github.com/sinewdev/sinew v0.0.0-00010101000000-000000000000
)

require (
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
