package payjstest_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/payjs/payjstest"
)

// md5Upper signs a flat form the PHP way, written out independently here.
func md5Upper(v url.Values, key string) string {
	var keys []string
	for k := range v {
		if k != "sign" && v.Get(k) != "" && v.Get(k) != "0" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+v.Get(k))
	}
	sum := md5.Sum([]byte(strings.Join(parts, "&") + "&key=" + key))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func post(t *testing.T, u string, v url.Values) map[string]any {
	t.Helper()
	resp, err := http.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func signed(v url.Values) url.Values {
	v.Set("sign", md5Upper(v, payjstest.DefaultKey))
	return v
}

func TestRequestSignature(t *testing.T) {
	now := time.Date(2024, 11, 11, 12, 0, 0, 0, time.UTC)
	srv := payjstest.NewServer(payjstest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{TotalFee: 1000000, Paid: true, OutTradeNo: "T 1"})

	// Wrong sign: return_code 0 and the PAYJS-like text, unsigned.
	v := url.Values{"mchid": {payjstest.DefaultMchID}, "payjs_order_id": {o.PayJSOrderID}, "sign": {"00000000000000000000000000000000"}}
	m := post(t, srv.URL+"check", v)
	if m["return_code"] != json.Number("0") || m["return_msg"] != payjstest.MsgSignError || m["sign"] != nil {
		t.Fatal(m)
	}
	// An empty parameter sent along is not signed (PHP array_filter).
	v = signed(url.Values{"mchid": {payjstest.DefaultMchID}, "payjs_order_id": {o.PayJSOrderID}})
	v.Set("attach", "")
	m = post(t, srv.URL+"check", v)
	if m["return_code"] != json.Number("1") {
		t.Fatal(m)
	}
	// The answer is signed over its flat fields (check has no nesting).
	form := url.Values{}
	for k, x := range m {
		switch x := x.(type) {
		case string:
			form.Set(k, x)
		case json.Number:
			form.Set(k, x.String())
		}
	}
	if form.Get("total_fee") != "1000000" || form.Get("status") != "1" {
		t.Fatal(form)
	}
	if got := md5Upper(form, payjstest.DefaultKey); got != m["sign"] {
		t.Fatalf("answer sign %v, independent %s", m["sign"], got)
	}
	// Unknown merchant, unknown endpoint, wrong method, wrong path.
	if m := post(t, srv.URL+"check", signed(url.Values{"mchid": {"1"}})); m["return_msg"] != payjstest.MsgUnknownMchID {
		t.Fatal(m)
	}
	if m := post(t, srv.URL+"nothing", signed(url.Values{"mchid": {payjstest.DefaultMchID}})); m["return_code"] != json.Number("0") {
		t.Fatal(m)
	}
	resp, _ := http.Get(srv.URL + "check")
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatal(resp.StatusCode)
	}
	if srv.Calls("check") != 4 {
		t.Fatal(srv.Calls("check"))
	}
}

func TestComplaintRateLimitConfigurable(t *testing.T) {
	now := time.Date(2024, 11, 11, 12, 0, 0, 0, time.UTC)
	srv := payjstest.NewServer(payjstest.WithClock(func() time.Time { return now }), payjstest.WithComplaintInterval(time.Minute))
	defer srv.Close()
	req := func() map[string]any {
		return post(t, srv.URL+"complaint", signed(url.Values{"mchid": {payjstest.DefaultMchID}}))
	}
	if m := req(); m["return_code"] != json.Number("1") || m["complaints"] == nil {
		t.Fatal(m)
	}
	if m := req(); m["return_msg"] != payjstest.MsgRateLimited {
		t.Fatal(m)
	}
	now = now.Add(time.Minute)
	if m := req(); m["return_code"] != json.Number("1") {
		t.Fatal(m)
	}
}

func TestRepeatRefundUnsigned(t *testing.T) {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{TotalFee: 1, Paid: true})
	v := signed(url.Values{"mchid": {payjstest.DefaultMchID}, "payjs_order_id": {o.PayJSOrderID}})
	if m := post(t, srv.URL+"refund", v); m["return_code"] != json.Number("1") || m["sign"] == nil {
		t.Fatal(m)
	}
	if m := post(t, srv.URL+"refund", v); m["return_code"] != json.Number("1") || m["sign"] != nil || m["refund"] != "1" {
		t.Fatal(m)
	}
}

func TestNotificationSigned(t *testing.T) {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{TotalFee: 1000000, Paid: true, Type: "alipay", Attach: "a b"})
	v, err := srv.Notification(o.PayJSOrderID, map[string]string{"new_field": "x", "openid": ""})
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("type") != "alipay" || v.Get("new_field") != "x" || v.Has("openid") || v.Get("attach") != "a b" {
		t.Fatal(v)
	}
	if md5Upper(v, payjstest.DefaultKey) != v.Get("sign") {
		t.Fatal("notification sign differs from the independent computation")
	}
	if _, err := srv.Notification("missing", nil); err == nil {
		t.Fatal("unknown order")
	}
}
