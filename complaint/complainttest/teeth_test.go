package complainttest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// brokenVariant returns the name of the broken variant a child process of
// checkCaught is to run the contract against ("" in a normal run).
func brokenVariant(t *testing.T, env string) string {
	t.Helper()
	broken := os.Getenv(env)
	if broken == "" {
		t.Skip("run as a child process of a ...HasTeeth test")
	}
	return broken
}

// checkCaught runs test (a Test function that checks a broken variant,
// named by env) in a child process once per variant, and fails unless the
// contract failed that variant in the subtest meant for it: each way of
// breaking a contract is caught by the check of that part.
func checkCaught(t *testing.T, test, env string, caughtBy map[string]string) {
	t.Helper()
	if testing.Short() {
		t.Skip("spawns test processes")
	}
	for broken, subtest := range caughtBy {
		t.Run(broken, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), env+"="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the contract passed an implementation that is broken (%s):\n%s", broken, out)
			}
			if !strings.Contains(string(out), "--- FAIL: "+test+"/"+subtest) {
				t.Fatalf("broken (%s) was not caught by %s:\n%s", broken, subtest, out)
			}
		})
	}
}
