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

	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/signing"
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

// TestSeedingForTheContract: AddComplaint stores the complained order (paid),
// so its refund succeeds; an unknown order answers PAYJS's not-found text;
// the complaint limit can be turned off; another merchant's credentials are
// served as configured.
func TestSeedingForTheContract(t *testing.T) {
	creds := payjs.Credentials{MchID: "88", Key: signing.NewSecret([]byte("another key"))}
	srv := payjstest.NewServer(payjstest.WithCredentials(creds), payjstest.WithComplaintInterval(0))
	defer srv.Close()
	if srv.MchID() != "88" || srv.Credentials().MchID != "88" || !srv.Credentials().Key.Equal(creds.Key) {
		t.Fatal(srv.Credentials())
	}
	at := time.Date(2024, 11, 11, 10, 0, 0, 0, time.UTC)
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: at, ComplaintID: "C1", OrderID: "O1", OutTradeNo: "T1", TotalFee: 250})
	kept := srv.AddOrder(payjstest.Order{PayJSOrderID: "O2", TotalFee: 9})
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: at, OrderID: "O2", TotalFee: 1})
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: at, OutTradeNo: "T3"}) // no order

	o, ok := srv.Order("O1")
	if !ok || !o.Paid || o.OutTradeNo != "T1" || o.TotalFee != 250 || !o.PaidTime.Equal(at) {
		t.Fatalf("%+v %v", o, ok)
	}
	if o, _ := srv.Order("O2"); o != kept {
		t.Fatalf("an existing order was replaced: %+v", o)
	}
	if _, ok := srv.Order(""); ok {
		t.Fatal("an order without an id was stored")
	}

	sign := func(v url.Values) url.Values { v.Set("sign", md5Upper(v, "another key")); return v }
	if m := post(t, srv.URL+"refund", sign(url.Values{"mchid": {"88"}, "payjs_order_id": {"O1"}})); m["return_code"] != json.Number("1") {
		t.Fatal(m)
	}
	if m := post(t, srv.URL+"refund", sign(url.Values{"mchid": {"88"}, "payjs_order_id": {"nope"}})); m["return_code"] != json.Number("0") ||
		m["return_msg"] != payjstest.MsgOrderNotFound || m["sign"] != nil {
		t.Fatal(m)
	}
	// The default key is refused now.
	if m := post(t, srv.URL+"check", signed(url.Values{"mchid": {"88"}, "payjs_order_id": {"O1"}})); m["return_msg"] != payjstest.MsgSignError {
		t.Fatal(m)
	}
	for range 3 { // no limit
		m := post(t, srv.URL+"complaint", sign(url.Values{"mchid": {"88"}}))
		if m["return_code"] != json.Number("1") || len(m["complaints"].([]any)) != 3 {
			t.Fatal(m)
		}
	}
}
