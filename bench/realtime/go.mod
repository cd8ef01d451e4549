module github.com/sinewdev/sinew/bench/realtime

go 1.26.0

replace github.com/sinewdev/sinew => ../..

require (
	github.com/coder/websocket v1.8.15
	github.com/sinewdev/sinew v0.0.0-00010101000000-000000000000
)
