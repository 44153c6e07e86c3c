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
		"redelivery while the first runs    -> HTTP 503",
		"complaint fetched by enrichment: state pending",
		"user message callback              -> HTTP 200",
		"the same callback again            -> HTTP 200",
		"probe signature                    -> HTTP 401",
		"5-byte GCM nonce                   -> HTTP 400",
		"2 MiB body                         -> HTTP 413",
		"is resolved (PROCESSED)",
		"merchant  completed        MERCHANT_CONFIRM_COMPLETE",
		"¥12800.00",
		"rate limited = true",
		"approved the refund of 2019101503054900456615858: order refunded = true",
		"already refunded = true",
		"payment sink: SHOP-1001 paid ¥12800.00",
		"payment notification               -> HTTP 200",
		"the same notification              -> HTTP 200",
		"amount tampered                    -> HTTP 401",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "13800130000") {
		t.Errorf("demo printed a decrypted phone number in clear:\n%s", out.String())
	}
}
