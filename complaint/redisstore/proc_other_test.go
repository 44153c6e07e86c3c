//go:build !linux

package redisstore_test

import "syscall"

// childAttr: outside Linux there is no parent-death signal; runTests stops
// the server when the tests end normally.
func childAttr() *syscall.SysProcAttr { return nil }
