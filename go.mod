module github.com/sinewdev/sinew

go 1.26
