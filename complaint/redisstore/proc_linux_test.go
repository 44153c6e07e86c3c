package redisstore_test

import "syscall"

// childAttr makes the kernel kill redis-server when the test binary dies
// (go test's timeout, a crash), so no server outlives its tests.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
