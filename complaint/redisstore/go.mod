module github.com/tousu-go/tousu/complaint/redisstore

go 1.24.0

require (
	github.com/redis/go-redis/v9 v9.22.0
	github.com/tousu-go/tousu v0.0.0-00010101000000-000000000000
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-resty/resty/v2 v2.17.2 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/net v0.43.0 // indirect
	golang.org/x/sys v0.35.0 // indirect
)

replace github.com/tousu-go/tousu => ../..
