package allinpay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/wxcomplaint/wxcomplainttest"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// historyRecords answers wxcomplainthistory with items[offset:offset+limit],
// total_count only for offset 0, as Allinpay documents.
func historyRecords(t testing.TB, items []string) func(string, url.Values) (map[string]string, string) {
	return func(method string, form url.Values) (map[string]string, string) {
		if method != "wxcomplainthistory" {
			return nil, "unknown method " + method
		}
		var limit, offset int
		fmt.Sscan(form.Get("limit"), &limit)
		fmt.Sscan(form.Get("offset"), &offset)
		if limit == 0 {
			limit = 100
		}
		end := min(offset+limit, len(items))
		page := items[min(offset, len(items)):end]
		body := `{"data":[` + strings.Join(page, ",") + fmt.Sprintf(`],"limit":%d,"offset":%d`, limit, offset)
		if offset == 0 {
			body += fmt.Sprintf(`,"total_count":%d`, len(items))
		}
		return map[string]string{"records": records(t, body+"}")}, ""
	}
}

func historyItems(n int) []string {
	var items []string
	for i := range n {
		items = append(items, wxcomplainttest.HistoryItem(fmt.Sprintf("log-%d", i), "USER_RESPONSE", `,"operate_details":"第`+fmt.Sprint(i)+`条"`))
	}
	return items
}

// The request form: the documented common fields and nothing else, version
// 12, empty values absent, a fresh randomstr per call, a signature the fake
// verifies independently; the caller's request is not modified.
func TestRequestForm(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = historyRecords(t, historyItems(3))
			req := &ListHistoryRequest{ComplaintID: "200000020230530232256940819"}
			before := *req
			for range 2 {
				p, err := c.ListHistory(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Data) != 3 || p.TotalCount != 3 || p.Data[2].LogID != "log-2" || p.Data[0].OperateDetails != "第0条" {
					t.Fatalf("page: %+v", p)
				}
			}
			if *req != before {
				t.Fatalf("request modified: %+v", *req)
			}
			if len(f.requests) != 2 {
				t.Fatalf("%d requests", len(f.requests))
			}
			r := f.requests[0]
			var keys []string
			for k := range r {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			want := []string{"appid", "complaint_id", "cusid", "offset", "randomstr", "sign", "signtype", "version"}
			if !reflect.DeepEqual(keys, want) {
				t.Fatalf("fields %v, want %v (limit 0 and orgid empty must be absent)", keys, want)
			}
			if r.Get("appid") != testAppID || r.Get("cusid") != testCusID || r.Get("version") != "12" ||
				r.Get("signtype") != string(st) || r.Get("offset") != "0" || r.Get("complaint_id") != req.ComplaintID {
				t.Fatalf("form %v", r)
			}
			if a, b := r.Get("randomstr"), f.requests[1].Get("randomstr"); a == b || len(a) != 24 {
				t.Fatalf("randomstr %q then %q", a, b)
			}
			if f.methods[0] != "wxcomplainthistory" {
				t.Fatalf("method %s", f.methods[0])
			}
			if ct := f.headers[0].Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Fatalf("content type %q", ct)
			}
			// The fake answers FAIL to a bad signature; prove it checks.
			if !f.checkRequest(r) {
				t.Fatal("independent check refuses the client's signature")
			}
			bad := url.Values{}
			for k, v := range r {
				bad[k] = slices.Clone(v)
			}
			bad.Set("offset", "1")
			if f.checkRequest(bad) {
				t.Fatal("independent check accepts a tampered request")
			}
		})
	}
}

// Agent mode: orgid is sent and signed when configured; a request's cusid
// (the sub-merchant) replaces the client's.
func TestAgentFields(t *testing.T) {
	f := newFake(t, SignSM2)
	f.handle = historyRecords(t, nil)
	creds := testCreds(t, SignSM2)
	creds.OrgID = "990440148166000"
	c, err := NewClient(creds, option.WithTransport(f.transport()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x", CusID: "990581007426999", Limit: 5}); err != nil {
		t.Fatal(err)
	}
	r := f.requests[0]
	if r.Get("orgid") != creds.OrgID || r.Get("cusid") != "990581007426999" || r.Get("limit") != "5" {
		t.Fatalf("form %v", r)
	}
}

// retcode=FAIL is an *APIError with the bounded retmsg, mapped onto the
// shared sentinels; so is a request Allinpay refuses for its signature.
func TestFailIsAPIError(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = func(string, url.Values) (map[string]string, string) {
				return nil, "投诉单不存在\r\nforged log line" + strings.Repeat("长", 300)
			}
			p, err := c.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "missing"})
			var ae *APIError
			if p != nil || !errors.As(err, &ae) {
				t.Fatalf("got %v, %v", p, err)
			}
			if ae.Method != "wxcomplainthistory" || ae.RetCode != "FAIL" || ae.HTTPStatus != 200 {
				t.Fatalf("%+v", ae)
			}
			if strings.ContainsAny(err.Error(), "\r\n") || len([]rune(ae.RetMsg)) > httpc.MaxProviderText+1 {
				t.Fatalf("retmsg not bounded to one line: %q", err.Error())
			}
			if !errors.Is(err, complaint.ErrNotFound) || errors.Is(err, complaint.ErrUnauthorized) {
				t.Fatalf("mapping: %v", err)
			}
			// A key Allinpay does not hold for this merchant: the fake answers
			// FAIL 签名验证失败, which maps onto ErrUnauthorized.
			other := testCreds(t, st)
			other.PrivateKey = signing.NewSecret(readTestdata(t, "tl_"+strings.ToLower(string(st))+"_key.b64"))
			c2, err := NewClient(other, option.WithTransport(f.transport()))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c2.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x"})
			if !errors.As(err, &ae) || !errors.Is(err, complaint.ErrUnauthorized) || errors.Is(err, complaint.ErrNotFound) {
				t.Fatalf("bad request signature: %v", err)
			}
		})
	}
}

func TestAPIErrorIs(t *testing.T) {
	cases := []struct {
		status int
		msg    string
		want   error // nil: no sentinel
	}{
		{200, "签名验证失败", complaint.ErrUnauthorized},
		{200, "验签失败", complaint.ErrUnauthorized},
		{200, "商户不存在", complaint.ErrUnauthorized},
		{200, "APPID不存在", complaint.ErrUnauthorized},
		{200, "无权限访问", complaint.ErrUnauthorized},
		{200, "投诉单不存在", complaint.ErrNotFound},
		{200, "未找到投诉记录", complaint.ErrNotFound},
		{200, "请求过于频繁", complaint.ErrRateLimited},
		{200, "参数错误:complaint_id不能为空", complaint.ErrInvalidRequest},
		{200, "系统繁忙", nil},
		{200, "", nil},
		{429, "", complaint.ErrRateLimited},
		{404, "", complaint.ErrNotFound},
		{403, "", complaint.ErrUnauthorized},
		{400, "", complaint.ErrInvalidRequest},
		{502, "", nil},
	}
	all := []error{complaint.ErrUnauthorized, complaint.ErrNotFound, complaint.ErrRateLimited, complaint.ErrInvalidRequest}
	for _, tc := range cases {
		e := newAPIError("m", tc.status, "FAIL", tc.msg)
		for _, s := range all {
			if got := errors.Is(e, s); got != (s == tc.want) {
				t.Errorf("%d %q: Is(%v) = %v", tc.status, tc.msg, s, got)
			}
		}
	}
}

// A reply whose fields were changed after signing, or that gained or lost a
// field, or lost its sign, fails verification and nothing is decoded.
func TestTamperedReply(t *testing.T) {
	tampers := map[string]func(map[string]string){
		"records changed": func(m map[string]string) {
			m["records"] = records(t, `{"data":[],"limit":100,"offset":0,"total_count":9}`)
		},
		"field added":     func(m map[string]string) { m["cusid"] = testCusID },
		"field removed":   func(m map[string]string) { delete(m, "randomstr") },
		"sign removed":    func(m map[string]string) { delete(m, "sign") },
		"sign not base64": func(m map[string]string) { m["sign"] = "%%%" },
		"sign of another": func(m map[string]string) { m["sign"] = signing.EncodeBase64(make([]byte, 64)) },
	}
	for _, st := range signTypes {
		for name, tamper := range tampers {
			t.Run(string(st)+"/"+name, func(t *testing.T) {
				c, f := newTestClient(t, st)
				f.handle = historyRecords(t, historyItems(1))
				f.tamper = tamper
				p, err := c.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x"})
				if p != nil || !errors.Is(err, complaint.ErrSignatureInvalid) {
					t.Fatalf("got %v, %v", p, err)
				}
			})
		}
	}
}

// Every returned field is signed, not a fixed list: a reply with fields this
// package does not know verifies, and changing one of them is caught.
func TestEveryFieldSigned(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"records": records(t, `{"a":1}`), "brand_new": "值", "blank": ""}, ""
	}
	r, err := c.Call(context.Background(), "wxnewmethod", url.Values{"x": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Fields["brand_new"] != "值" || r.Fields["retcode"] != "SUCCESS" {
		t.Fatalf("fields %v", r.Fields)
	}
	if b, err := r.Records(); err != nil || string(b) != `{"a":1}` {
		t.Fatalf("records %s, %v", b, err)
	}
	if f.requests[0].Get("version") != "11" || f.requests[0].Get("x") != "1" {
		t.Fatalf("raw form %v", f.requests[0])
	}
	f.tamper = func(m map[string]string) { m["brand_new"] = "改" }
	if _, err := c.Call(context.Background(), "wxnewmethod", nil); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatalf("tampered unknown field: %v", err)
	}
}

// Replies that are not what Allinpay sends: ErrMalformed (or the size
// limit), never a partial result.
func TestMalformedReplies(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	cases := map[string]func(string, url.Values) (map[string]string, string){
		"records not base64": func(string, url.Values) (map[string]string, string) {
			return map[string]string{"records": "!!not base64!!"}, ""
		},
		"records not json": func(string, url.Values) (map[string]string, string) {
			return map[string]string{"records": records(t, `{"data":[{`)}, ""
		},
		"records of the wrong shape": func(string, url.Values) (map[string]string, string) {
			return map[string]string{"records": records(t, `{"data":{"log_id":1}}`)}, ""
		},
		"negative total": func(string, url.Values) (map[string]string, string) {
			return map[string]string{"records": records(t, `{"data":[],"total_count":"-1"}`)}, ""
		},
		"no records": func(string, url.Values) (map[string]string, string) { return nil, "" },
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			f.handle = h
			p, err := c.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x"})
			if p != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, %v", p, err)
			}
		})
	}
	bodies := map[string]string{
		"not json":       `<html>502</html>`,
		"array":          `["retcode"]`,
		"duplicate key":  `{"retcode":"SUCCESS","retcode":"FAIL"}`,
		"trailing data":  `{"retcode":"FAIL"} {}`,
		"no retcode":     `{"retmsg":"x"}`,
		"truncated":      `{"retcode":"SUCC`,
		"non-string key": `{1:"x"}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			if r, err := c.readResponse("m", 200, []byte(body)); r != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, %v", r, err)
			}
		})
	}
}

// Lenient records: numbers as strings, an empty time, complaint_media_list
// as an object, and a bare array of items.
func TestLenientHistoryRecords(t *testing.T) {
	item := wxcomplainttest.HistoryItem("l1", "MERCHANT_REFUSE_RERUND",
		`,"complaint_media_list":{"media_type":"OPERATION_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/a"]}`)
	empty := `{"log_id":"l2","operator":"商家","operate_time":"","operate_type":"MERCHANT_RESPONSE"}`
	p, err := decodeHistory([]byte(`{"total_count":"2","offset":"0","limit":"100","data":[` + item + `,` + empty + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalCount != 2 || p.Limit != 100 || len(p.Data) != 2 || !p.Data[1].OperateTime.IsZero() ||
		len(p.Data[0].ComplaintMediaList) != 1 || p.Data[0].ComplaintMediaList[0].MediaType != "OPERATION_IMAGE" ||
		p.Data[0].OperateType != "MERCHANT_REFUSE_RERUND" {
		t.Fatalf("%+v", p)
	}
	want := time.Date(2025, 5, 20, 13, 29, 35, 120e6, time.FixedZone("", 8*3600))
	if !p.Data[0].OperateTime.Equal(want) {
		t.Fatalf("time %v", p.Data[0].OperateTime)
	}
	a, err := decodeHistory([]byte(`[` + item + `]`))
	if err != nil || len(a.Data) != 1 || a.Data[0].LogID != "l1" {
		t.Fatalf("array form: %+v, %v", a, err)
	}
}

// A reply larger than option.WithMaxResponseBytes is an error, not a
// truncated reply.
func TestOversizeReply(t *testing.T) {
	c, f := newTestClient(t, SignRSA, option.WithMaxResponseBytes(2048))
	f.handle = historyRecords(t, historyItems(40))
	p, err := c.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x"})
	if p != nil || !errors.Is(err, httpc.ErrResponseTooLarge) {
		t.Fatalf("got %v, %v", p, err)
	}
}

// A non-200 answer is an *APIError with the status; a 5xx to a query is
// retried under the client's policy, a raw Call (a write) is not.
func TestHTTPStatus(t *testing.T) {
	f := newFake(t, SignRSA)
	f.handle = historyRecords(t, historyItems(1))
	mt := httpmock.NewMockTransport()
	fails := 1
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if fails > 0 {
			fails--
			return httpmock.NewStringResponse(http.StatusServiceUnavailable, "<html>busy</html>"), nil
		}
		return f.respond(r)
	})
	c, err := NewClient(testCreds(t, SignRSA), option.WithTransport(mt),
		option.WithRetry(option.Retry{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x"}); err != nil {
		t.Fatalf("query not retried after 503: %v", err)
	}
	fails = 1
	_, err = c.Call(context.Background(), "complaintsComplete", url.Values{"complaint_id": {"x"}})
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusServiceUnavailable || ae.RetCode != "" {
		t.Fatalf("write after 503: %v", err)
	}
	if n := mt.GetTotalCallCount(); n != 3 {
		t.Fatalf("%d calls, want 3 (503 + retry, then one 503)", n)
	}
}

// nil and cancelled contexts: a typed error, nothing sent.
func TestContexts(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	f.handle = historyRecords(t, historyItems(1))
	var nilCtx context.Context
	req := &ListHistoryRequest{ComplaintID: "x"}
	if _, err := c.ListHistory(nilCtx, req); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatalf("ListHistory(nil): %v", err)
	}
	if _, err := c.Call(nilCtx, "m", nil); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatalf("Call(nil): %v", err)
	}
	for _, err := range c.AllHistory(nilCtx, req) {
		if !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Fatalf("AllHistory(nil): %v", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ListHistory(ctx, req); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	n := 0
	for _, err := range c.AllHistory(ctx, req) {
		n++
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("AllHistory cancelled: %v", err)
		}
	}
	if n != 1 || len(f.requests) != 0 {
		t.Fatalf("%d yields, %d requests sent", n, len(f.requests))
	}
}

// Requests the client refuses before sending anything.
func TestRequestValidation(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	ctx := context.Background()
	for name, r := range map[string]*ListHistoryRequest{
		"nil": nil, "no id": {}, "negative limit": {ComplaintID: "x", Limit: -1}, "negative offset": {ComplaintID: "x", Offset: -1},
	} {
		if _, err := c.ListHistory(ctx, r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, p := range map[string]url.Values{
		"reserved appid":  {"appid": {"x"}},
		"reserved sign":   {"sign": {"x"}},
		"reserved orgid":  {"orgid": {"x"}},
		"two values":      {"complaint_id": {"a", "b"}},
		"signtype chosen": {"signtype": {"SM2"}},
	} {
		before := fmt.Sprint(p)
		if _, err := c.Call(ctx, "m", p); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
		if fmt.Sprint(p) != before {
			t.Errorf("%s: params modified", name)
		}
	}
	for _, m := range []string{"", "a/b", "../x", "m?x=1", "m#f", strings.Repeat("m", 65)} {
		if _, err := c.Call(ctx, m, nil); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("method %q: %v", m, err)
		}
	}
	if len(f.requests) != 0 {
		t.Fatalf("%d requests sent", len(f.requests))
	}
}

// The version: ep's default, WithVersion per method, or the raw params'.
func TestVersions(t *testing.T) {
	c, f := newTestClient(t, SignRSA, WithVersion("wxcomplainthistory", "11"), WithVersion("other", "13"))
	f.handle = func(m string, form url.Values) (map[string]string, string) {
		return historyRecords(t, nil)("wxcomplainthistory", form)
	}
	ctx := context.Background()
	if _, err := c.ListHistory(ctx, &ListHistoryRequest{ComplaintID: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Call(ctx, "other", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Call(ctx, "other", url.Values{"version": {"12"}}); err != nil {
		t.Fatal(err)
	}
	got := []string{f.requests[0].Get("version"), f.requests[1].Get("version"), f.requests[2].Get("version")}
	if !reflect.DeepEqual(got, []string{"11", "13", "12"}) {
		t.Fatalf("versions %v", got)
	}
}

// parseFields takes numbers and booleans as their literal text, null as
// empty, and nested values as their JSON text as received.
func TestParseFieldValues(t *testing.T) {
	fields, err := parseFields([]byte(`{"s":"文本","n":1.50,"t":true,"z":null,"o":{"a":[1,{"b":2}]},"e":""}`))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range fields {
		got[p.Key] = p.Value
	}
	want := map[string]string{"s": "文本", "n": "1.50", "t": "true", "z": "", "o": `{"a":[1,{"b":2}]}`, "e": ""}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	if string(rule.Build(fields, nil)) != `n=1.50&o={"a":[1,{"b":2}]}&s=文本&t=true` {
		t.Fatalf("string to sign %s", rule.Build(fields, nil))
	}
}
