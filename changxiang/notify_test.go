package changxiang

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
)

func TestSeedDecodesFieldForField(t *testing.T) {
	// The published example, byte for byte, signed under the default rule
	// with the test secret (its own sign has no published secret).
	body := seedWithSign(t, seedSignSortedKey)
	n, err := newTestClient(t, DefaultRule).Verify(ctx, http.Header{"Content-Type": {"application/json"}}, body)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 11, 15, 14, 30, 0, 0, cntime.Zone)
	if n.ErrNo != "0" || n.ErrMsg != "success" || n.Status != "200" || string(n.Error) != "null" {
		t.Errorf("envelope: %q %q %q %q", n.ErrNo, n.ErrMsg, n.Status, n.Error)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"merchant_order_no", n.MerchantOrderNo, "M202411150001"},
		{"order_no", n.OrderNo, "cxka251115066acn"},
		{"complaint_type", n.ComplaintType, ComplaintAdded},
		{"complaint_type_text", n.ComplaintTypeText, "添加投诉"},
		{"wechat_nickname", n.WechatNickname == nil, true},
		{"qq", n.QQ == nil, true},
		{"buyer_mobile", n.BuyerMobile.Plain(), "18612045566"},
		{"zfb_complaint_no", n.ZFBComplaintNo, "ZFB20241115001"},
		{"complaint_at", n.ComplaintAt.Equal(at), true},
		{"complaint_at offset", n.ComplaintAt.Format(time.RFC3339), "2025-11-15T14:30:00+08:00"},
		{"final_refund_money", n.FinalRefundMoney == nil, true},
		{"refund_at", n.RefundAt.IsZero(), true},
		{"complaint_closed_at", n.ComplaintClosedAt.IsZero(), true},
		{"sign", n.Sign, seedSignSortedKey},
		{"fields", len(n.Fields), 13},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for i, k := range append(append([]string{}, documentedFields...), "sign") {
		if n.Fields[i].Key != k {
			t.Errorf("field %d = %q, want %q (received order)", i, n.Fields[i].Key, k)
		}
	}
	if f, _ := n.Lookup("complaint_type"); string(f.Raw) != `"1"` || f.Value != "1" {
		t.Errorf("complaint_type raw %s value %q", f.Raw, f.Value)
	}
	if f, ok := n.Lookup("qq"); !ok || !f.IsNull() || f.Value != "" {
		t.Errorf("qq: %v %v", f.Raw, ok)
	}
}

func TestPublishedSignDoesNotVerifyWithoutItsSecret(t *testing.T) {
	body := readFile(t, "seed.json")
	for _, r := range Candidates() {
		_, err := newTestClient(t, r).Verify(ctx, nil, body)
		if !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Errorf("%s: err = %v", r.Name(), err)
		}
	}
	// A custom rule that knows the answer shows the user-function path: the
	// example is then accepted and typed.
	known := NewRule("published", func([]Field, signing.Secret) string { return seedPublishedSign })
	n, err := newTestClient(t, known).Verify(ctx, nil, body)
	if err != nil || n.OrderNo != "cxka251115066acn" {
		t.Fatalf("custom rule: %v %v", n, err)
	}
	rule, err := FindRule(body, secret(), RuleSortedKey, known)
	if err != nil || rule.Name() != "published" {
		t.Fatalf("FindRule = %v, %v", rule, err)
	}
}

func md5Upper(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func TestCandidateRules(t *testing.T) {
	// The strings each candidate signs for the seed's data, written out by
	// hand; the constants are coreutils md5sum of them.
	const (
		sorted = "buyer_mobile=18612045566&complaint_at=2025-11-15 14:30:00&complaint_type=1&complaint_type_text=添加投诉" +
			"&merchant_order_no=M202411150001&order_no=cxka251115066acn&zfb_complaint_no=ZFB20241115001"
		fixed = "merchant_order_no=M202411150001&order_no=cxka251115066acn&complaint_type=1&complaint_type_text=添加投诉" +
			"&wechat_nickname=&qq=&buyer_mobile=18612045566&zfb_complaint_no=ZFB20241115001&complaint_at=2025-11-15 14:30:00" +
			"&final_refund_money=&refund_at=&complaint_closed_at="
	)
	cases := []struct {
		rule   Rule
		name   string
		str    string
		vector string
	}{
		{RuleSortedKey, "sorted-key", sorted + "&key=" + testSecret, seedSignSortedKey},
		{RuleFixedOrder, "fixed-order", fixed + "&key=" + testSecret, seedSignFixedOrder},
		{RuleSortedConcat, "sorted-concat", sorted + testSecret, seedSignSortedConcat},
	}
	fields := dataFields(t, readFile(t, "seed.json"))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.rule.Name() != c.name || c.rule.String() != "changxiang.Rule("+c.name+")" {
				t.Errorf("name %q %q", c.rule.Name(), c.rule.String())
			}
			if got := md5Upper(c.str); got != c.vector {
				t.Fatalf("vector: md5 %s, want %s", got, c.vector)
			}
			if got := c.rule.Sign(fields, secret()); got != c.vector {
				t.Fatalf("Sign = %s, want %s", got, c.vector)
			}
			body := seedWithSign(t, c.vector)
			for _, other := range cases {
				_, err := newTestClient(t, other.rule).Verify(ctx, nil, body)
				if (err == nil) != (other.name == c.name) {
					t.Errorf("client with %s: err = %v", other.name, err)
				}
			}
			if err := c.rule.Verify(fields, secret(), strings.ToLower(c.vector)); !errors.Is(err, complaint.ErrSignatureInvalid) {
				t.Errorf("lower-case sign accepted: %v", err)
			}
			if err := c.rule.Verify(fields, signing.NewSecret("other"), c.vector); !errors.Is(err, complaint.ErrSignatureInvalid) {
				t.Errorf("other secret accepted: %v", err)
			}
			found, err := FindRule(body, secret())
			if err != nil || found.Name() != c.name {
				t.Errorf("FindRule = %v, %v", found, err)
			}
		})
	}
	if DefaultRule.Name() != RuleSortedKey.Name() {
		t.Errorf("default rule is %s", DefaultRule.Name())
	}
	if got := []string{Candidates()[0].Name(), Candidates()[1].Name(), Candidates()[2].Name()}; fmt.Sprint(got) != "[sorted-key fixed-order sorted-concat]" || len(Candidates()) != 3 {
		t.Errorf("candidates %v", got)
	}
}

func TestValuesSignedAsReceived(t *testing.T) {
	// A number keeps its literal: 100000.10 is signed as "100000.10", never
	// 100000.1 or 1.000001e+05; a string keeps its escapes decoded.
	fields := []Field{
		JSONField("order_no", []byte(`"a\u0026b"`)),
		JSONField("final_refund_money", []byte(`100000.10`)),
		JSONField("flag", []byte(`true`)),
		JSONField("obj", []byte(`{"x": [1, 2]}`)),
		JSONField("empty", []byte(`""`)),
		JSONField("nil", []byte(`null`)),
	}
	want := md5Upper(`final_refund_money=100000.10&flag=true&obj={"x": [1, 2]}&order_no=a&b&key=` + testSecret)
	if got := RuleSortedKey.Sign(fields, secret()); got != want {
		t.Fatalf("sign %s, want %s", got, want)
	}
	body := buildBody(signed(fields, RuleSortedKey))
	if _, err := newTestClient(t, RuleSortedKey).Verify(ctx, nil, bytes.Replace(body, []byte(`100000.10`), []byte(`100000.1`), 1)); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatalf("re-formatted number verified: %v", err)
	}
	fixed := md5Upper("merchant_order_no=&order_no=a&b&complaint_type=&complaint_type_text=&wechat_nickname=&qq=&buyer_mobile=" +
		"&zfb_complaint_no=&complaint_at=&final_refund_money=100000.10&refund_at=&complaint_closed_at=&key=" + testSecret)
	if got := RuleFixedOrder.Sign(fields, secret()); got != fixed {
		t.Fatalf("fixed-order sign %s, want %s", got, fixed)
	}
	enc := EncodeNotification([]Field{{Key: "a", Value: "x<"}, JSONField("b", []byte(`1.50`)), JSONField("c", []byte(`null`))})
	if string(enc) != `{"err_no":0,"err_msg":"success","results":{"status":200,"error":null,"data":{"a":"x\u003c","b":1.50,"c":null}}}` {
		t.Errorf("EncodeNotification = %s", enc)
	}
	// Strings: escapes decoded (also a leading one), invalid UTF-8 as
	// encoding/json reads it, and broken text (never handed over by the
	// decoder) as "".
	for raw, want := range map[string]string{`"\u0041b"`: "Ab", `"a\"b"`: `a"b`, "\"\xffa\"": "\uFFFDa", `"`: "", `"abc`: "", `""`: "", `"x"`: "x"} {
		if got := JSONField("k", []byte(raw)).Value; got != want {
			t.Errorf("JSONField(%s).Value = %q, want %q", raw, got, want)
		}
	}
	if got := JSONField("k", nil).Value; got != "" {
		t.Errorf("empty raw: %q", got)
	}
}

func TestTamperingEveryField(t *testing.T) {
	base := dataFields(t, readFile(t, "seed.json"))
	base = with(base, "new_field", `"v1"`)
	for _, r := range Candidates() {
		c := newTestClient(t, r)
		good := signed(base, r)
		if _, err := c.Verify(ctx, nil, buildBody(good)); err != nil {
			t.Fatalf("%s: untampered: %v", r.Name(), err)
		}
		for _, f := range good {
			if f.Key == "sign" {
				continue
			}
			for _, raw := range []string{`"tampered"`, `"1 "`, `12`} {
				body := buildBody(with(good, f.Key, raw))
				_, err := c.Verify(ctx, nil, body)
				// The fixed order covers only the documented fields: a field
				// the platform adds later is not signed under it.
				covered := r.Name() != "fixed-order" || f.Key != "new_field"
				if covered && !errors.Is(err, complaint.ErrSignatureInvalid) {
					t.Errorf("%s: %s=%s: err = %v", r.Name(), f.Key, raw, err)
				}
				if !covered && err != nil {
					t.Errorf("%s: unsigned %s: err = %v", r.Name(), f.Key, err)
				}
			}
		}
		sig, _ := lookup(good, "sign")
		for _, bad := range []string{"", flip(sig.Value), strings.ToLower(sig.Value), sig.Value + "0", sig.Value[:31], "Z" + sig.Value[1:]} {
			raw := fmt.Sprintf("%q", bad)
			_, err := c.Verify(ctx, nil, buildBody(with(good, "sign", raw)))
			if !errors.Is(err, complaint.ErrSignatureInvalid) {
				t.Errorf("%s: sign %q: err = %v", r.Name(), bad, err)
			}
		}
		if _, err := c.Verify(ctx, nil, buildBody(with(good, "sign", "null"))); !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Errorf("%s: null sign: %v", r.Name(), err)
		}
	}
	// The envelope is not signed: changing it does not fail verification,
	// and the package reports it as received.
	body := bytes.Replace(seedWithSign(t, seedSignSortedKey), []byte(`"err_no": 0`), []byte(`"err_no": 7`), 1)
	n, err := newTestClient(t, RuleSortedKey).Verify(ctx, nil, body)
	if err != nil || n.ErrNo != "7" {
		t.Fatalf("envelope: %v %v", n, err)
	}
}

// flip changes the last hex digit of an upper-case sign.
func flip(s string) string {
	last := s[len(s)-1]
	if last == '0' {
		last = '1'
	} else {
		last = '0'
	}
	return s[:len(s)-1] + string(last)
}

func TestNullEmptyAndAbsent(t *testing.T) {
	base := dataFields(t, readFile(t, "seed.json"))
	c := newTestClient(t, RuleSortedKey)
	fields := with(with(base, "wechat_nickname", `""`), "qq", `"123456789"`)
	fields = without(fields, "merchant_order_no")
	n, err := c.Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey)))
	if err != nil {
		t.Fatal(err)
	}
	if n.WechatNickname == nil || *n.WechatNickname != "" {
		t.Errorf("empty nickname: %v", n.WechatNickname)
	}
	if n.QQ == nil || *n.QQ != "123456789" {
		t.Errorf("qq: %v", n.QQ)
	}
	if f, ok := n.Lookup("wechat_nickname"); !ok || f.IsNull() || string(f.Raw) != `""` {
		t.Errorf("lookup nickname: %v %v", f, ok)
	}
	if _, ok := n.Lookup("merchant_order_no"); ok || n.MerchantOrderNo != "" {
		t.Error("absent field found")
	}
	// Every documented field null except order_no: all typed as empty.
	nulls := []Field{JSONField("order_no", []byte(`"cxka1"`))}
	for _, k := range documentedFields {
		if k != "order_no" {
			nulls = append(nulls, JSONField(k, []byte("null")))
		}
	}
	n, err = c.Verify(ctx, nil, buildBody(signed(nulls, RuleSortedKey)))
	if err != nil {
		t.Fatal(err)
	}
	if n.ComplaintType != "" || n.BuyerMobile != "" || !n.ComplaintAt.IsZero() || n.FinalRefundMoney != nil || n.WechatNickname != nil || n.QQ != nil {
		t.Errorf("nulls typed as %+v", n.Fields)
	}
	if n.Kind() != complaint.KindOther || n.State() != complaint.StatePending {
		t.Errorf("kind %s state %s", n.Kind(), n.State())
	}
	// Under the sorted rules null and "" are both left out, so a null sent
	// as "" verifies alike; under the fixed order both are "k=".
	for _, r := range Candidates() {
		a := r.Sign(with(base, "qq", `null`), secret())
		b := r.Sign(with(base, "qq", `""`), secret())
		if a != b {
			t.Errorf("%s: null and \"\" sign differently", r.Name())
		}
	}
}

func TestMissingAndUnknownFields(t *testing.T) {
	base := dataFields(t, readFile(t, "seed.json"))
	c := newTestClient(t, RuleSortedKey)
	_, err := c.Verify(ctx, nil, buildBody(signed(without(base, "order_no"), RuleSortedKey)))
	if !errors.Is(err, complaint.ErrMalformedNotification) || !strings.Contains(err.Error(), "order_no") {
		t.Errorf("no order_no: %v", err)
	}
	_, err = c.Verify(ctx, nil, buildBody(signed(with(base, "order_no", `""`), RuleSortedKey)))
	if !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("empty order_no: %v", err)
	}
	_, err = c.Verify(ctx, nil, buildBody(without(base, "sign")))
	if !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("no sign: %v", err)
	}
	n, err := c.Verify(ctx, nil, buildBody(signed(without(base, "complaint_type"), RuleSortedKey)))
	if err != nil || n.ComplaintType != "" || n.Kind() != complaint.KindOther {
		t.Errorf("no complaint_type: %v %v", n, err)
	}
	// Unknown fields are kept, signed (sorted rules), and an unknown code is
	// never rejected.
	fields := with(with(base, "complaint_type", `"9"`), "complaint_type_text", `"新类型"`)
	fields = with(fields, "zz_new", `{"a": [1, null]}`)
	fields = with(fields, "aa_new", `0`)
	n, err = c.Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey)))
	if err != nil {
		t.Fatal(err)
	}
	if n.ComplaintType != "9" || n.ComplaintTypeText != "新类型" || n.Kind() != complaint.KindOther {
		t.Errorf("unknown code: %q %q %s", n.ComplaintType, n.ComplaintTypeText, n.Kind())
	}
	if f, ok := n.Lookup("zz_new"); !ok || string(f.Raw) != `{"a": [1, null]}` {
		t.Errorf("unknown object: %s", f.Raw)
	}
	if f, ok := n.Lookup("aa_new"); !ok || f.Value != "0" {
		t.Errorf("unknown number: %v", f)
	}
}

func TestMalformedBodies(t *testing.T) {
	c := newTestClient(t, RuleSortedKey)
	good := string(buildBody(signed(dataFields(t, readFile(t, "seed.json")), RuleSortedKey)))
	bodies := map[string]string{
		"empty":           ``,
		"not json":        `sign=1`,
		"array":           `[]`,
		"no results":      `{"err_no":0}`,
		"results string":  `{"results":"x"}`,
		"no data":         `{"results":{"status":200}}`,
		"data array":      `{"results":{"data":[]}}`,
		"data null":       `{"results":{"data":null}}`,
		"duplicate data":  `{"results":{"data":{"order_no":"a","order_no":"b","sign":"x"}}}`,
		"trailing":        good + `{}`,
		"truncated":       good[:len(good)-3],
		"bad member":      `{"results":{"data":{"a":}}}`,
		"bad key":         `{"results":{"data":{1:2}}}`,
		"unclosed object": `{"results":{"data":{"a":1,`,
		"broken file":     string(readFile(t, "broken.json")),
		"bad time":        strings.Replace(good, `2025-11-15 14:30:00`, `15/11/2025`, 1),
		"bad amount":      strings.Replace(good, `"final_refund_money":null`, `"final_refund_money":"12.345"`, 1),
		"amount as bool":  strings.Replace(good, `"final_refund_money":null`, `"final_refund_money":true`, 1),
	}
	for name, body := range bodies {
		_, err := c.Verify(ctx, nil, []byte(body))
		if name == "bad time" || name == "bad amount" || name == "amount as bool" {
			// These fail the signature first; signed, they are malformed.
			fields := dataFields(t, []byte(body))
			_, err = c.Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey)))
		}
		if !errors.Is(err, complaint.ErrMalformedNotification) {
			t.Errorf("%s: err = %v", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "18612045566") {
			t.Errorf("%s: error quotes the phone: %v", name, err)
		}
	}
	// The envelope is not signed: of two results members the last is read,
	// as encoding/json does, and its data must verify.
	goodResults := good[strings.Index(good, `"results":`) : len(good)-1]
	if _, err := c.Verify(ctx, nil, []byte(`{`+goodResults+`,"results":{"data":{"order_no":"x","sign":"AA"}}}`)); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("forged last results: %v", err)
	}
	if _, err := c.Verify(ctx, nil, []byte(`{"results":{"data":{"order_no":"x"}},`+goodResults+`}`)); err != nil {
		t.Errorf("valid last results: %v", err)
	}
	if _, err := c.Verify(ctx, http.Header{"Content-Type": {"text/plain"}}, []byte(good)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("text/plain: %v", err)
	}
	if _, err := c.Verify(ctx, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, []byte(good)); err != nil {
		t.Errorf("json with charset: %v", err)
	}
	if _, err := c.Verify(ctx, http.Header{"Content-Type": {"bad/"}}, []byte(good)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("bad content type: %v", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.Verify(nil, nil, []byte(good)); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Errorf("nil ctx: %v", err)
	}
}

func TestBigRefundsExact(t *testing.T) {
	base := dataFields(t, readFile(t, "seed.json"))
	c := newTestClient(t, RuleSortedKey)
	for raw, fen := range map[string]int64{
		`"100000.00"`:            10000000,
		`100000.01`:              10000001,
		`"123456789.99"`:         12345678999,
		`999999999999.99`:        99999999999999,
		`"92233720368547758.07"`: 9223372036854775807,
		`"0.10"`:                 10,
		`0`:                      0,
		`""`:                     -1,
	} {
		fields := with(with(base, "final_refund_money", raw), "refund_at", `"2025-11-16 09:00:00"`)
		n, err := c.Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey)))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if fen < 0 {
			if n.FinalRefundMoney != nil {
				t.Errorf("%s: %d", raw, *n.FinalRefundMoney)
			}
			continue
		}
		if n.FinalRefundMoney == nil || *n.FinalRefundMoney != fen {
			t.Errorf("%s: got %v, want %d", raw, n.FinalRefundMoney, fen)
			continue
		}
		cpl := n.Complaint()
		if cpl.Refund.Refunded.Amount != fen || cpl.Orders[0].Refunded.Amount != fen || cpl.Refund.Refunded.Currency != "" {
			t.Errorf("%s: complaint refund %+v", raw, cpl.Refund)
		}
	}
	fields := with(base, "final_refund_money", `"92233720368547758.08"`)
	if _, err := c.Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey))); !errors.Is(err, ErrAmount) || !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("overflow: %v", err)
	}
}

func TestParseYuan(t *testing.T) {
	good := map[string]int64{
		"0": 0, "0.0": 0, "0.00": 0, "1": 100, "0.1": 10, "0.01": 1, "12.5": 1250, "12.50": 1250,
		"1.500": 150, "1.5000000": 150, "007.05": 705, "100000.00": 10000000, "100000.01": 10000001,
		"92233720368547758.07": 9223372036854775807, "92233720368547758": 9223372036854775800,
	}
	for s, want := range good {
		got, err := ParseYuan(s)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", ".", ".5", "1.", "-1", "+1", " 1", "1 ", "1e5", "1E2", "0x10", "1.005", "1.001",
		"12.345", "1,000.00", "１", "92233720368547758.08", "92233720368547759", "999999999999999999999", "1.2.3", "NaN"} {
		if got, err := ParseYuan(s); !errors.Is(err, ErrAmount) || got != 0 {
			t.Errorf("ParseYuan(%q) = %d, %v; want ErrAmount", s, got, err)
		}
	}
}

func TestKindStateAndEvent(t *testing.T) {
	s := func(v string) *string { return &v }
	fen := int64(1250)
	created := time.Date(2025, 11, 15, 14, 30, 0, 0, cntime.Zone)
	refunded := created.Add(20 * time.Hour)
	closed := refunded.Add(time.Hour)
	cases := []struct {
		name  string
		n     Notification
		kind  complaint.Kind
		state complaint.State
		at    time.Time
	}{
		{"added", Notification{ComplaintType: "1", ComplaintAt: created}, complaint.KindCreated, complaint.StatePending, created},
		{"added with refund", Notification{ComplaintType: "1", ComplaintAt: created, FinalRefundMoney: &fen}, complaint.KindCreated, complaint.StateProcessing, created},
		{"refund amount", Notification{ComplaintType: "3", ComplaintAt: created, FinalRefundMoney: &fen}, complaint.KindRefunded, complaint.StateProcessing, created},
		{"refund time", Notification{ComplaintType: "3", ComplaintAt: created, RefundAt: refunded}, complaint.KindRefunded, complaint.StateProcessing, refunded},
		{"closed", Notification{ComplaintType: "4", ComplaintAt: created, RefundAt: refunded, ComplaintClosedAt: closed}, complaint.KindStateChanged, complaint.StateResolved, closed},
		{"closed before refund time", Notification{ComplaintType: "4", ComplaintAt: created, RefundAt: closed, ComplaintClosedAt: refunded}, complaint.KindStateChanged, complaint.StateResolved, closed},
		{"unknown", Notification{ComplaintType: "2", ComplaintAt: created}, complaint.KindOther, complaint.StatePending, created},
	}
	for _, c := range cases {
		c.n.OrderNo, c.n.MerchantOrderNo, c.n.ZFBComplaintNo = "cxka1", "M1", "ZFB1"
		c.n.ComplaintTypeText, c.n.BuyerMobile, c.n.WechatNickname, c.n.QQ = "文本", "18612045566", s("小明"), s("12345")
		if k := c.n.Kind(); k != c.kind {
			t.Errorf("%s: kind %s, want %s", c.name, k, c.kind)
		}
		if st := c.n.State(); st != c.state {
			t.Errorf("%s: state %s, want %s", c.name, st, c.state)
		}
		e := c.n.Event()
		want := complaint.Ref{Provider: complaint.Changxiang, ID: "cxka1", OrderID: "cxka1"}
		if e.Ref != want || e.Complaint.Ref() != want || e.Kind != c.kind || e.ProviderKind != string(c.n.ComplaintType) || !e.Time.Equal(c.at) || e.Raw != &c.n {
			t.Errorf("%s: event %+v", c.name, e)
		}
		cpl := e.Complaint
		if cpl.Provider != complaint.Changxiang || cpl.ID != "cxka1" || cpl.ChannelID != "ZFB1" || cpl.State != c.state ||
			cpl.ProviderState != string(c.n.ComplaintType) || cpl.Problem.Description != "文本" || cpl.Raw != &c.n ||
			len(cpl.Orders) != 1 || cpl.Orders[0].OutTradeNo != "M1" || cpl.Orders[0].ProviderOrderID != "cxka1" ||
			cpl.Contact.Phone.Plain() != "18612045566" || cpl.Contact.Name != "小明" || cpl.Contact.Other["qq"] != "12345" ||
			!cpl.CreatedAt.Equal(created) || !cpl.UpdatedAt.Equal(c.at) || !cpl.ClosedAt.Equal(c.n.ComplaintClosedAt) ||
			!cpl.Refund.RefundedAt.Equal(c.n.RefundAt) {
			t.Errorf("%s: complaint %#v", c.name, *cpl)
		}
	}
	// No qq, an empty one: no Other map.
	n := Notification{OrderNo: "x", QQ: s("")}
	if n.Complaint().Contact.Other != nil {
		t.Error("empty qq kept")
	}
}

func TestEventIDChangesWithTheComplaint(t *testing.T) {
	base := dataFields(t, readFile(t, "seed.json"))
	c := newTestClient(t, RuleSortedKey)
	id := func(fields []Field) string {
		t.Helper()
		n, err := c.Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey)))
		if err != nil {
			t.Fatal(err)
		}
		if n.Event().ID != n.EventID() {
			t.Fatal("Event().ID differs from EventID()")
		}
		return n.EventID()
	}
	first := id(base)
	want := complaint.DeriveEventID("cxka251115066acn", "1", "2025-11-15 14:30:00", "", "", "")
	if first != want {
		t.Fatalf("id %s, want %s", first, want)
	}
	// Fields outside the change (buyer data, texts, unknown fields, the
	// envelope, key order) leave the id alone.
	if id(with(with(base, "complaint_type_text", `"x"`), "zz", `1`)) != first {
		t.Error("id depends on a field outside the change")
	}
	seen := map[string]string{first: "base"}
	for _, ch := range []struct{ key, raw string }{
		{"order_no", `"cxka2"`}, {"complaint_type", `"3"`}, {"complaint_at", `"2025-11-15 14:30:01"`},
		{"final_refund_money", `"1.00"`}, {"refund_at", `"2025-11-16 09:00:00"`}, {"complaint_closed_at", `"2025-11-17 09:00:00"`},
	} {
		got := id(with(base, ch.key, ch.raw))
		if prev, dup := seen[got]; dup {
			t.Errorf("changing %s gives the id of %s", ch.key, prev)
		}
		seen[got] = ch.key
	}
}

func TestPrintingMasksBuyerData(t *testing.T) {
	base := dataFields(t, readFile(t, "seed.json"))
	fields := with(with(base, "wechat_nickname", `"王小明"`), "qq", `"987654321"`)
	fields = with(fields, "final_refund_money", `"1.00"`)
	fields = with(with(fields, "refund_at", `"2025-11-16 09:00:00"`), "complaint_closed_at", `"2025-11-17 09:00:00"`)
	n, err := newTestClient(t, RuleSortedKey).Verify(ctx, nil, buildBody(signed(fields, RuleSortedKey)))
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"18612045566", "王小明", "小明", "987654321"}
	e := n.Event()
	var buf bytes.Buffer
	outs := []string{n.String(), n.GoString(), n.LogValue().String(), fmt.Sprintf("%v|%+v|%#v|%s|%q|%x", n, n, n, n, n, n),
		fmt.Sprintf("%v %+v", *n, n.Fields), fmt.Sprint(e), fmt.Sprintf("%+v", n.Fields[6])}
	for _, f := range n.Fields {
		outs = append(outs, f.String(), f.GoString(), f.LogValue().String())
	}
	logJSON(&buf, n, e)
	outs = append(outs, buf.String())
	for _, out := range outs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%q leaks %q", out, s)
			}
		}
	}
	s := n.String()
	for _, want := range []string{"order_no=cxka251115066acn", "buyer_mobile=186******66", "wechat_nickname=王**", "qq=987****21",
		"final_refund_fen=100", "refund_at=", "complaint_closed_at=", "complaint_at="} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %s, missing %s", s, want)
		}
	}
	if f := (Field{Key: "order_no", Value: "cxka1", Raw: []byte(`"cxka1"`)}); f.String() != "order_no=cxka1" {
		t.Errorf("plain field: %s", f)
	}
	if f := (Field{Key: "qq", Raw: []byte(`null`)}); f.String() != "qq=null" {
		t.Errorf("null field: %s", f)
	}
	if f := (Field{Key: "cards", Value: "卡密abc"}); f.String() != "cards=*****" {
		t.Errorf("cards: %s", f)
	}
}

func TestClientConstruction(t *testing.T) {
	_, err := NewClient(Credentials{})
	var ve *complaint.ValidationError
	if !errors.As(err, &ve) || ve.Field != "Secret" {
		t.Fatalf("empty secret: %v", err)
	}
	if _, err := NewClient(Credentials{Secret: secret()}, WithRule(Rule{})); !errors.Is(err, errZeroRule) {
		t.Errorf("zero rule: %v", err)
	}
	for _, st := range []int{200, 204, 299} {
		if _, err := NewClient(Credentials{Secret: secret()}, WithAck(complaint.Ack{Status: st})); err != nil {
			t.Errorf("ack status %d refused: %v", st, err)
		}
	}
	for _, st := range []int{199, 300, 500} {
		if _, err := NewClient(Credentials{Secret: secret()}, WithAck(complaint.Ack{Status: st})); err == nil {
			t.Errorf("ack status %d accepted", st)
		}
	}
	c, err := NewClient(Credentials{Secret: secret(), AppKey: " k "})
	if err != nil || c.Rule().Name() != DefaultRule.Name() || c.creds.AppKey != "k" {
		t.Fatalf("defaults: %v %v", c, err)
	}
	if s := c.String(); strings.Contains(s, testSecret) || !strings.Contains(s, signing.Redacted) || !strings.Contains(s, "rule=sorted-key") {
		t.Errorf("String = %s", s)
	}
	src, err := c.Source()
	if src != nil || !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, ErrPushOnly) {
		t.Errorf("Source = %v, %v", src, err)
	}
	var zero Rule
	if !zero.IsZero() || RuleSortedKey.IsZero() || NewRule("f", func([]Field, signing.Secret) string { return "" }).IsZero() {
		t.Error("IsZero")
	}
	if zero.Sign(nil, secret()) != "" || !errors.Is(zero.Verify(nil, secret(), "x"), errZeroRule) {
		t.Error("zero rule signs or verifies")
	}
}

func TestReceiverAndAck(t *testing.T) {
	c := newTestClient(t, RuleSortedKey)
	r := NewReceiver(c)
	if r.Provider() != complaint.Changxiang {
		t.Fatal(r.Provider())
	}
	body := seedWithSign(t, seedSignSortedKey)
	evs, err := r.Receive(ctx, &complaint.Delivery{Method: http.MethodPost, Body: body})
	if err != nil || len(evs) != 1 || evs[0].Complaint == nil || evs[0].Kind != complaint.KindCreated {
		t.Fatalf("Receive = %v, %v", evs, err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := r.Receive(nil, &complaint.Delivery{Body: body}); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Errorf("nil ctx: %v", err)
	}
	if _, err := r.Receive(ctx, nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("nil delivery: %v", err)
	}
	if _, err := (&Receiver{}).Receive(ctx, &complaint.Delivery{Body: body}); !errors.Is(err, complaint.ErrInternal) {
		t.Errorf("zero receiver: %v", err)
	}
	if _, err := r.Receive(ctx, &complaint.Delivery{Body: seedWithSign(t, seedSignFixedOrder)}); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("forged: %v", err)
	}
	ok := r.Ack(nil)
	if ok.Status != 200 || ok.ContentType != "application/json" || string(ok.Body) != "{}" {
		t.Errorf("ack %+v", ok)
	}
	ok.Body[0] = 'x' // the answer is a copy
	if string(r.Ack(nil).Body) != "{}" || string((&Receiver{}).Ack(nil).Body) != "{}" {
		t.Error("ack body shared")
	}
	for err, st := range map[error]int{
		complaint.ErrSignatureInvalid: 401, complaint.ErrMalformedNotification: 400, complaint.ErrBodyTooLarge: 413,
		complaint.ErrInFlight: 503, complaint.ErrInternal: 500,
	} {
		a := r.Ack(err)
		if a.Status != st || a.ContentType != "application/json" || string(a.Body) != `{"err_no":1,"err_msg":"fail"}` {
			t.Errorf("Ack(%v) = %+v", err, a)
		}
	}
	custom, err := NewClient(Credentials{Secret: secret()}, WithAck(complaint.Ack{ContentType: "text/plain", Body: []byte("OK")}))
	if err != nil {
		t.Fatal(err)
	}
	if a := NewReceiver(custom).Ack(nil); a.Status != 200 || a.ContentType != "text/plain" || string(a.Body) != "OK" {
		t.Errorf("custom ack %+v", a)
	}
	if a := NewReceiver(custom).Ack(complaint.ErrSignatureInvalid); a.Status != 401 {
		t.Errorf("custom ack failure %+v", a)
	}
}

func TestParseNotification(t *testing.T) {
	c := newTestClient(t, RuleSortedKey)
	body := seedWithSign(t, seedSignSortedKey)
	req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	n, err := c.ParseNotification(req)
	if err != nil || n.OrderNo != "cxka251115066acn" {
		t.Fatalf("%v %v", n, err)
	}
	var again bytes.Buffer
	_, _ = again.ReadFrom(req.Body)
	if !bytes.Equal(again.Bytes(), body) {
		t.Error("body not restored")
	}
	if _, err := c.ParseNotification(httptest.NewRequest(http.MethodGet, "/notify", bytes.NewReader(body))); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("GET: %v", err)
	}
	if _, err := c.ParseNotification(nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("nil request: %v", err)
	}
	big := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(make([]byte, complaint.DefaultMaxBodyBytes+1)))
	if _, err := c.ParseNotification(big); !errors.Is(err, complaint.ErrBodyTooLarge) {
		t.Errorf("oversize: %v", err)
	}
}

func TestFindRule(t *testing.T) {
	if _, err := FindRule([]byte(`{}`), secret()); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("malformed: %v", err)
	}
	noSign := buildBody(without(dataFields(t, readFile(t, "seed.json")), "sign"))
	if _, err := FindRule(noSign, secret()); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("no sign: %v", err)
	}
	_, err := FindRule(readFile(t, "seed.json"), secret())
	if !errors.Is(err, complaint.ErrSignatureInvalid) || !strings.Contains(err.Error(), "sorted-key, fixed-order, sorted-concat") ||
		strings.Contains(err.Error(), seedPublishedSign) {
		t.Errorf("none: %v", err)
	}
	lower := NewMD5Rule("sorted-key-lower", signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty, Placement: signing.KeyAppend}, signing.Lower)
	body := seedWithSign(t, strings.ToLower(seedSignSortedKey))
	if r, err := FindRule(body, secret()); err == nil {
		t.Errorf("lower-case found %s", r.Name())
	}
	if r, err := FindRule(body, secret(), RuleSortedKey, lower); err != nil || r.Name() != "sorted-key-lower" {
		t.Errorf("custom candidates: %v %v", r, err)
	}
}

// logJSON logs n and e through slog's JSON handler, which marshals values
// without a LogValue method.
func logJSON(buf *bytes.Buffer, n *Notification, e complaint.Event) {
	slog.New(slog.NewJSONHandler(buf, nil)).Info("n", "n", n, "nv", *n, "e", e, "field", n.Fields[6])
}
