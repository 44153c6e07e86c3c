module github.com/tousu-go/tousu

go 1.24

require github.com/tjfoc/gmsm v1.4.1
