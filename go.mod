module github.com/tousu-go/tousu

go 1.24

require github.com/tjfoc/gmsm v1.4.1

require github.com/google/go-querystring v1.2.0

require (
	github.com/go-resty/resty/v2 v2.17.2
	github.com/jarcoal/httpmock v1.4.2
	golang.org/x/net v0.43.0 // indirect
)
