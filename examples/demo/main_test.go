package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemoRuns(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"verifies with the appid: true, with the default id: false",
		"new complaint            -> HTTP 204",
		"same event redelivered   -> HTTP 204",
		"forged signature         -> HTTP 401",
		"malformed body           -> HTTP 400",
		"oversize body            -> HTTP 413",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
