package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	res, err := run(ctx, &out)
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	text := out.String()

	// Every provider's events arrive: pushed (WeChat Pay: created, the
	// missed one found by the poller with its overdue alert, the buyer's
	// message; Allinpay: a WeChat and an Alipay complaint; 畅想) or polled
	// (PAYJS).
	wantEvents := map[complaint.Provider]int{complaint.WeChatPay: 4, complaint.Allinpay: 2, complaint.Changxiang: 1, complaint.PAYJS: 1}
	for p, n := range wantEvents {
		if res.events[p] != n {
			t.Errorf("%s: %d events reached the sink, want %d", p, res.events[p], n)
		}
	}
	// The table lists every provider with a Source.
	wantListed := map[complaint.Provider]int{complaint.WeChatPay: 2, complaint.Allinpay: 2, complaint.PAYJS: 1}
	for p, n := range wantListed {
		if res.listed[p] != n {
			t.Errorf("%s: %d complaints listed, want %d", p, res.listed[p], n)
		}
	}
	// Forged and stale callbacks are refused; duplicates dispatch nothing;
	// a redelivery in flight is told to retry.
	for what, status := range res.answers {
		want := http.StatusUnauthorized
		if what == "redelivery in flight" {
			want = http.StatusServiceUnavailable
		}
		if status != want {
			t.Errorf("%s: answered %d, want %d", what, status, want)
		}
	}
	if len(res.answers) != 5 {
		t.Errorf("%d refused deliveries recorded, want 5: %v", len(res.answers), res.answers)
	}
	if res.duplicates != 0 {
		t.Errorf("duplicate deliveries dispatched %d events", res.duplicates)
	}

	for _, want := range []string{
		// pushed, in the common model
		"WeChat Pay: complaint created  200 OK  created  wechatpay   -        200201820251115100000000001  pending  99.00",
		"Allinpay: WeChat complaint     200 OK  created  allinpay    wechat   200201820251115080000000003  pending  15.00",
		"Allinpay: Alipay complaint     200 OK  created  allinpay    alipay   2025111500000004             pending  39.90",
		"畅想: complaint added          200 OK  created  changxiang  -        cxka251115000005             pending  -",
		// polled
		"created  payjs      -        PC20251115001                (not reported)  12800.00  only the poller sees PAYJS complaints",
		"overdue  wechatpay  -        200201820251112020000000002  pending         29.90     past its deadline with no reply",
		// one table, every Source
		"errors.Is(err, complaint.ErrRateLimited) = true",
		"wechatpay  -        200201820251112020000000002  pending         29.90     11-12 02:00  OVERDUE since 11-15 02:00",
		"allinpay   wechat   200201820251115080000000003  pending         15.00     11-15 08:00  by 11-18 08:00 (72h rule of thumb)",
		"allinpay   alipay   2025111500000004             pending         39.90     11-15 07:00  by 11-17 07:00 (provider's)",
		"payjs      -        PC20251115001                (not reported)  12800.00  11-15 09:00  -",
		"changxiang Client.Source() matches errors.ErrUnsupported = true",
		// Responder and history
		"state resolved (WeChat: PROCESSED)",
		"11-15 14:00  merchant  completed       MERCHANT_CONFIRM_COMPLETE",
		// refused, once, in flight
		"  the same event redelivered meanwhile  503 Service Unavailable  no: WeChat retries later",
		"  the first delivery finishes           200 OK                   yes, once",
		"WeChat: created, delivered again        200 OK                   no",
		"Allinpay: WeChat complaint, twice more  200 OK, 200 OK           no",
		"畅想: complaint added, again            200 OK                   no",
		"WeChat: signed 10 minutes ago (stale)   401 Unauthorized         no",
		"畅想: forged sign                       401 Unauthorized         no",
		"done: 8 events reached the sink (wechatpay 4, allinpay 2, changxiang 1, payjs 1), each once",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// No personal data or secrets: the buyers' phone numbers are seeded
	// (畅想's in clear, WeChat's encrypted) and must never be printed.
	for _, leak := range []string{"18612045566", "1380013", "secret", "PRIVATE KEY"} {
		if strings.Contains(text, leak) {
			t.Errorf("demo printed %q", leak)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", text)
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "畅想": 4, "畅想: x": 7, "你好，": 6, "¥": 1} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
