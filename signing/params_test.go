package signing_test

import (
	"crypto/md5"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
)

func md5Upper(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func md5Lower(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// payjsRule is PAYJS's PHP rule: array_filter, ksort, raw values, &key=.
var payjsRule = signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitPHPFalsy, Placement: signing.KeyAppend}

func TestPAYJSParamString(t *testing.T) {
	params := []signing.Param{
		{Key: "total_fee", Value: "1"},
		{Key: "mchid", Value: "123456"},
		{Key: "body", Value: "测试 订单"}, // raw: a literal space and UTF-8, no URL encoding
		{Key: "sign", Value: "ABC"},
		{Key: "attach", Value: ""},    // PHP falsy: dropped
		{Key: "hide", Value: "0"},     // PHP falsy: dropped
		{Key: "auto", Value: " "},     // truthy in PHP: kept
		{Key: "amount", Value: "0.0"}, // the string "0.0" is truthy in PHP: kept
		{Key: "Zeta", Value: "z"},     // ksort is byte order: upper case first
		{Key: "_u", Value: "u"},       // '_' (0x5F) sorts between upper and lower case
		{Key: "notify_url", Value: "https://example.com/n?a=1&b=2"},
	}
	const want = "Zeta=z&_u=u&amount=0.0&auto= &body=测试 订单&mchid=123456&notify_url=https://example.com/n?a=1&b=2&total_fee=1&key=xxxxxx"
	if got := string(payjsRule.Build(params, []byte("xxxxxx"))); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	s := signing.MD5Signer{Rule: payjsRule, Secret: signing.NewSecret("xxxxxx"), Case: signing.Upper}
	sig := s.Sign(params)
	if sig != md5Upper(want) {
		t.Fatalf("sign %s want %s", sig, md5Upper(want))
	}
	if err := s.Verify(params, sig); err != nil {
		t.Fatal(err)
	}
	// The doc example: only mchid, key xxxxxx.
	if got := string(payjsRule.Build([]signing.Param{{Key: "mchid", Value: "123456"}}, []byte("xxxxxx"))); got != "mchid=123456&key=xxxxxx" {
		t.Fatalf("doc example: %s", got)
	}
	// Nothing left after filtering: just the key.
	if got := string(payjsRule.Build([]signing.Param{{Key: "a", Value: "0"}}, []byte("k"))); got != "key=k" {
		t.Fatalf("empty: %q", got)
	}
}

func TestPAYJSNestedParams(t *testing.T) {
	// PHP http_build_query of a nested response: ksort sorts only top-level keys;
	// nested pairs keep the provider's order; nested "" is kept; nested "0" is
	// kept (array_filter does not recurse).
	params := []signing.Param{
		{Key: "return_code", Value: "1"},
		{Key: "user", Path: "[name]", Value: ""},
		{Key: "user", Path: "[age]", Value: "0"},
		{Key: "user", Path: "[sex]", Value: "test3"},
		{Key: "complaints", Path: "[0][out_trade_no]", Value: "B"},
		{Key: "complaints", Path: "[0][complaint_at]", Value: "2024-01-01 10:00:00"},
		{Key: "complaints", Path: "[1][out_trade_no]", Value: "A"},
		{Key: "a1", Value: "x"}, // "a1" vs "a": sorted by key, not by the "k=v" text
		{Key: "a", Path: "[0]", Value: "y"},
		{Key: "total", Value: "0"},
	}
	const want = "a[0]=y&a1=x&complaints[0][out_trade_no]=B&complaints[0][complaint_at]=2024-01-01 10:00:00&complaints[1][out_trade_no]=A&return_code=1&user[name]=&user[age]=0&user[sex]=test3&key=K"
	if got := string(payjsRule.Build(params, []byte("K"))); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	// Build does not reorder the caller's slice.
	if params[0].Key != "return_code" || params[8].Key != "a" {
		t.Fatal("Build mutated its input")
	}
}

func TestAllinpayParamString(t *testing.T) {
	params := allinpayParams()
	params = append(params, signing.Param{Key: "trxreserved", Value: " "}) // spaces are kept
	const want = "appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&trxreserved= &version=11"
	if got := string(allinpayRule.Build(params, []byte("ignored"))); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	// From url.Values, as a notification arrives.
	v := url.Values{}
	for _, p := range allinpayParams() {
		v.Set(p.Key, p.Value)
	}
	if got := string(allinpayRule.Build(signing.ParamsFromValues(v), nil)); got != allinpayExample {
		t.Fatalf("from url.Values: %s", got)
	}
	m := map[string]string{}
	for _, p := range allinpayParams() {
		m[p.Key] = p.Value
	}
	if got := string(allinpayRule.Build(signing.ParamsFromMap(m), nil)); got != allinpayExample {
		t.Fatalf("from map: %s", got)
	}
}

func TestAllinpayLegacyMD5KeySorted(t *testing.T) {
	// The demo puts key=<appkey> into the TreeMap, so "key" sorts among the
	// fields, then MD5 lower-case; verification ignores case.
	rule := signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty, Placement: signing.KeySorted}
	params := []signing.Param{
		{Key: "appid", Value: "00000051"}, {Key: "trxid", Value: "1"}, {Key: "keyword", Value: "k"},
		{Key: "cusid", Value: "990"}, {Key: "sign", Value: "x"}, {Key: "empty", Value: ""}, {Key: "key", Value: "ignored?"},
	}
	// A stray "key" field stays and the secret pair follows it (stable sort).
	const want = "appid=00000051&cusid=990&key=ignored?&key=APPKEY&keyword=k&trxid=1"
	if got := string(rule.Build(params, []byte("APPKEY"))); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	s := signing.MD5Signer{Rule: rule, Secret: signing.NewSecret("APPKEY"), Case: signing.Lower, AnyCase: true}
	if s.Sign(params) != md5Lower(want) {
		t.Fatal("md5 differs")
	}
	if err := s.Verify(params, strings.ToUpper(md5Lower(want))); err != nil {
		t.Fatalf("AnyCase must accept upper case: %v", err)
	}
	// Secret pair goes last when every key sorts before "key".
	if got := string(rule.Build([]signing.Param{{Key: "a", Value: "1"}}, []byte("S"))); got != "a=1&key=S" {
		t.Fatal(got)
	}
	if got := string(rule.Build([]signing.Param{{Key: "z", Value: "1"}}, []byte("S"))); got != "key=S&z=1" {
		t.Fatal(got)
	}
	if got := string(rule.Build(nil, []byte("S"))); got != "key=S" {
		t.Fatal(got)
	}
}

func TestChangxiangV3FixedOrder(t *testing.T) {
	rule := signing.ParamRule{
		Fields:    []string{"mch_id", "total_fee", "result_code", "trade_no", "out_trade_no", "time_end", "pay_type"},
		Placement: signing.KeyAppend,
	}
	params := signing.ParamsFromMap(map[string]string{
		"pay_type": "wxpay", "time_end": "20240101120000", "out_trade_no": "O1", "trade_no": "T1",
		"result_code": "SUCCESS", "total_fee": "100", "mch_id": "M1", "cards": "[...]", "sign": "x",
	})
	const want = "mch_id=M1&total_fee=100&result_code=SUCCESS&trade_no=T1&out_trade_no=O1&time_end=20240101120000&pay_type=wxpay&key=SECRET"
	if got := string(rule.Build(params, []byte("SECRET"))); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	s := signing.MD5Signer{Rule: rule, Secret: signing.NewSecret("SECRET"), Case: signing.Lower}
	sig := s.Sign(params)
	if sig != md5Lower(want) {
		t.Fatal("md5 differs")
	}
	if err := s.Verify(params, strings.ToUpper(sig)); err == nil {
		t.Fatal("upper case accepted without AnyCase")
	}
	// A missing field is signed empty, in place.
	delete := params[:0:0]
	for _, p := range params {
		if p.Key != "trade_no" {
			delete = append(delete, p)
		}
	}
	if got := string(rule.Build(delete, []byte("S"))); !strings.Contains(got, "&result_code=SUCCESS&trade_no=&out_trade_no=O1&") {
		t.Fatal(got)
	}
	// With Omit, a missing field is dropped instead.
	rule.Omit = signing.OmitEmpty
	if got := string(rule.Build(delete, []byte("S"))); !strings.Contains(got, "&result_code=SUCCESS&out_trade_no=O1&") {
		t.Fatal(got)
	}
}

func TestEpayKeyConcat(t *testing.T) {
	rule := signing.ParamRule{Exclude: []string{"sign", "sign_type"}, Omit: signing.OmitEmpty, Placement: signing.KeyConcat}
	params := []signing.Param{
		{Key: "pid", Value: "1001"}, {Key: "type", Value: "alipay"}, {Key: "sign_type", Value: "MD5"},
		{Key: "param", Value: ""}, {Key: "money", Value: "1.00"}, {Key: "trade_status", Value: "TRADE_SUCCESS"},
		{Key: "name", Value: "VIP 会员"}, {Key: "sign", Value: "x"},
	}
	const want = "money=1.00&name=VIP 会员&pid=1001&trade_status=TRADE_SUCCESS&type=alipayKEY123"
	if got := string(rule.Build(params, []byte("KEY123"))); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
}

func TestParamRuleOptions(t *testing.T) {
	params := []signing.Param{{Key: "b", Value: "x y"}, {Key: "a", Value: "1&2"}}
	r := signing.ParamRule{Escape: url.QueryEscape, Placement: signing.KeyAppend, KeyName: "secret"}
	if got := string(r.Build(params, []byte("s"))); got != "a=1%262&b=x+y&secret=s" {
		t.Fatal(got)
	}
	// KeySorted with Escape escapes the secret pair too, consistently.
	r = signing.ParamRule{Escape: url.QueryEscape, Placement: signing.KeySorted}
	if got := string(r.Build(params, []byte("a b"))); got != "a=1%262&b=x+y&key=a+b" {
		t.Fatal(got)
	}
	// Zero rule: sorted, everything kept, no secret.
	var zero signing.ParamRule
	if got := string(zero.Build(append(params, signing.Param{Key: "c"}), []byte("s"))); got != "a=1&2&b=x y&c=" {
		t.Fatal(got)
	}
	// Append reuses dst.
	dst := []byte("prefix:")
	if got := string(zero.Append(dst, params, nil)); got != "prefix:a=1&2&b=x y" {
		t.Fatal(got)
	}
	// Omit only applies at the top level; Exclude applies to nested pairs too.
	r = signing.ParamRule{Omit: signing.OmitEmpty, Exclude: []string{"sign"}}
	nested := []signing.Param{{Key: "o", Path: "[x]", Value: ""}, {Key: "sign", Path: "[0]", Value: "s"}, {Key: "e", Value: ""}}
	if got := string(r.Build(nested, nil)); got != "o[x]=" {
		t.Fatal(got)
	}
	if (signing.Param{Key: "a", Path: "[0][b]"}).Name() != "a[0][b]" {
		t.Fatal("Name")
	}
}

func TestParamsFromValuesFirstValue(t *testing.T) {
	v := url.Values{"b": {"2", "3"}, "a": {}, "c": {"1"}}
	got := signing.ParamsFromValues(v)
	want := []signing.Param{{Key: "a"}, {Key: "b", Value: "2"}, {Key: "c", Value: "1"}}
	if len(got) != len(want) {
		t.Fatal(got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%d: %+v", i, got[i])
		}
	}
}

func TestOmitFuncs(t *testing.T) {
	for v, want := range map[string]bool{"": true, "0": true, " ": false, "0.0": false, "00": false, "false": false, "null": false} {
		if got := signing.OmitPHPFalsy(v); got != want {
			t.Errorf("OmitPHPFalsy(%q) = %v", v, got)
		}
	}
	for v, want := range map[string]bool{"": true, "0": false, " ": false} {
		if got := signing.OmitEmpty(v); got != want {
			t.Errorf("OmitEmpty(%q) = %v", v, got)
		}
	}
}
