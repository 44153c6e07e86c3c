package changxiangtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
)

var at = time.Date(2025, 11, 15, 14, 30, 0, 0, cntime.Zone)

func seedComplaint() changxiangtest.Complaint {
	return changxiangtest.Complaint{MerchantOrderNo: "M202411150001", OrderNo: "cxka251115066acn", Type: "1",
		TypeText: "添加投诉", BuyerMobile: "18612045566", ZFBComplaintNo: "ZFB20241115001", ComplaintAt: at}
}

// TestBodyIsThePublishedLayout: the sender's notification for the example's
// complaint is the published example, compacted, with the sign that
// coreutils md5sum gives for the default rule's string (see
// changxiang's tests) instead of the example's.
func TestBodyIsThePublishedLayout(t *testing.T) {
	s := changxiangtest.NewSender(changxiangtest.WithSecret(signing.NewSecret("cx-test-secret")))
	body, err := s.Body(seedComplaint())
	if err != nil {
		t.Fatal(err)
	}
	seed, err := os.ReadFile("../testdata/notifications/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	seed = bytes.Replace(seed, []byte("1B93A9D90503A2B7245C6CD89463AB2B"), []byte("6B01C8C47289A25AE9C07AF171AFC2AC"), 1)
	var want bytes.Buffer
	if err := json.Compact(&want, seed); err != nil {
		t.Fatal(err)
	}
	// encoding/json escapes nothing in this example, so the bytes match.
	if string(body) != want.String() {
		t.Fatalf("body\n%s\nwant\n%s", body, want.String())
	}
	forged, err := s.BodyWithSign(seedComplaint(), "X")
	if err != nil || !strings.Contains(string(forged), `"sign":"X"}`) {
		t.Fatalf("BodyWithSign: %s %v", forged, err)
	}
	if _, err := s.Body(changxiangtest.Complaint{Extra: []changxiangtest.Field{{"bad", func() {}}}}); err == nil {
		t.Error("unencodable extra accepted")
	}
}

func TestStatesAndOptions(t *testing.T) {
	now := time.Date(2025, 11, 15, 14, 30, 0, 500, cntime.Zone)
	s := changxiangtest.NewSender(changxiangtest.WithClock(func() time.Time { return now }), changxiangtest.WithRule(changxiang.RuleFixedOrder))
	if s.Rule().Name() != "fixed-order" || !s.Credentials().Secret.Equal(signing.NewSecret(changxiangtest.DefaultSecret)) ||
		s.Credentials().AppKey != changxiangtest.DefaultAppKey || s.Credentials().MchID != changxiangtest.DefaultMchID {
		t.Fatal("options")
	}
	a := s.Add(changxiangtest.Complaint{})
	b := s.Add(changxiangtest.Complaint{})
	if a.OrderNo != "cxka251115001x" || b.OrderNo != "cxka251115002x" || !a.ComplaintAt.Equal(now.Truncate(time.Second)) ||
		a.Type != changxiangtest.TypeAdded || a.TypeText != changxiangtest.TypeAddedText {
		t.Fatalf("Add: %+v %+v", a, b)
	}
	got, err := s.Refund(a.OrderNo, "12.50", now)
	if err != nil || got.Type != changxiangtest.TypeRefunded || got.TypeText != changxiangtest.TypeRefundedText || got.FinalRefundMoney != "12.50" || !got.RefundAt.Equal(now) {
		t.Fatalf("Refund: %+v %v", got, err)
	}
	got, err = s.Close(a.OrderNo, now)
	if err != nil || got.Type != changxiangtest.TypeClosed || got.TypeText != changxiangtest.TypeClosedText || !got.ClosedAt.Equal(now) || got.FinalRefundMoney != "12.50" {
		t.Fatalf("Close: %+v %v", got, err)
	}
	if stored, ok := s.Complaint(a.OrderNo); !ok || stored.Type != changxiangtest.TypeClosed {
		t.Fatal("stored state")
	}
	if _, ok := s.Complaint("nope"); ok {
		t.Error("unknown complaint found")
	}
	if _, err := s.Refund("nope", "1", now); err == nil {
		t.Error("refund of unknown complaint")
	}
	if _, err := s.Close("nope", now); err == nil {
		t.Error("close of unknown complaint")
	}
	if _, err := s.Notify(context.Background(), "http://127.0.0.1:1", "nope"); err == nil {
		t.Error("notify of unknown complaint")
	}
}

func TestNotifyPostsSignedJSON(t *testing.T) {
	var gotBody []byte
	var gotType, gotMethod string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotBody, _ = io.ReadAll(r.Body)
		gotType, gotMethod = r.Header.Get("Content-Type"), r.Method
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	s := changxiangtest.NewSender(changxiangtest.WithHTTPClient(srv.Client()))
	nick, qq := "小明", "12345"
	cpl := seedComplaint()
	cpl.WechatNickname, cpl.QQ, cpl.FinalRefundMoney, cpl.RefundNumber = &nick, &qq, "100000.01", true
	cpl.Extra = []changxiangtest.Field{{"zz", json.Number("1.50")}, {"nul", nil}}
	s.Add(cpl)
	res, err := s.Notify(context.Background(), srv.URL, cpl.OrderNo)
	if err != nil || res.Status != 200 || res.Body != "{}" || res.ContentType != "application/json" {
		t.Fatalf("%+v %v", res, err)
	}
	if gotMethod != http.MethodPost || gotType != "application/json" {
		t.Errorf("%s %s", gotMethod, gotType)
	}
	for _, want := range []string{`"final_refund_money":100000.01,`, `"wechat_nickname":"小明"`, `"qq":"12345"`, `"zz":1.50,"nul":null,"sign":"`} {
		if !strings.Contains(string(gotBody), want) {
			t.Errorf("body %s lacks %s", gotBody, want)
		}
	}
	c, _ := changxiang.NewClient(s.Credentials())
	n, err := c.Verify(context.Background(), nil, gotBody)
	if err != nil || *n.FinalRefundMoney != 10000001 || *n.WechatNickname != "小明" {
		t.Fatalf("verify: %v %v", n, err)
	}
	if _, err := s.Post(context.Background(), "http://127.0.0.1:1", "application/json", nil); err == nil {
		t.Error("post to a closed port")
	}
	if _, err := s.Post(context.Background(), "::bad", "application/json", nil); err == nil {
		t.Error("bad url")
	}
}

func TestPaymentForm(t *testing.T) {
	s := changxiangtest.NewSender(changxiangtest.WithSecret(signing.NewSecret("cx-test-secret")))
	f := s.PaymentForm(changxiangtest.Payment{TotalFee: "12.50", TradeNo: "cxka251115066acn", OutTradeNo: "M202411150001",
		TimeEnd: time.Date(2025, 11, 15, 14, 31, 2, 0, cntime.Zone), PayType: "alipay", Cards: "c", Extra: map[string][]string{"x": {"1"}}})
	// The sign is coreutils md5sum of the documented fixed-order string (see
	// changxiang's payment tests).
	if f.Get("sign") != "1f34f6ce2eac008edeaf1bc52bb8033b" || f.Get("mch_id") != changxiangtest.DefaultMchID ||
		f.Get("result_code") != "SUCCESS" || f.Get("cards") != "c" || f.Get("x") != "1" {
		t.Fatalf("form %v", f)
	}
	if g := s.PaymentForm(changxiangtest.Payment{TradeNo: "t"}); g.Get("time_end") != "" {
		t.Errorf("zero time: %q", g.Get("time_end"))
	}
}
