package allinpay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/yuan"
	"github.com/tousu-go/tousu/option"
)

const (
	testComplaintID = "200000020230530232256940819"
	testPhone       = "13912345678"
	testContent     = "充电宝归还后仍在扣费"
)

// wxNotification are the fields of a COMPLAINT notification for the test
// merchant, signtype included.
func wxNotification(st SignType, action string) map[string]string {
	return map[string]string{
		"appid": testAppID, "cusid": testCusID, "signtype": string(st), "risktype": "COMPLAINT",
		"resource": `{"complaint_id":"` + testComplaintID + `","action_type":"` + action + `"}`,
	}
}

// alipayFields are the fields of an Alipay complaint notification (§5.2).
func alipayNotifyFields(st SignType) map[string]string {
	return map[string]string{
		"appid": testAppID, "cusid": testCusID, "signtype": string(st),
		"id": "2024052300000123", "task_id": "TK20240523000001", "status": "WAIT_PROCESS",
		"status_description": "待处理", "complain_amount": "12.50", "complain_content": testContent,
		"complaint_trade_info_list": `[{"trade_no":"2024052322001","out_no":"O1","amount":"12.50"}]`,
		"contact":                   testPhone, "gmt_complain": "2024-05-23 10:11:12", "gmt_overdue": "2024-05-26 10:11:12",
		"gmt_process": "", "gmt_risk_finish_time": "2024-05-23 10:11:15", "opposite_name": "张三小卖部",
		"opposite_pid": "2088000000000001", "paychnl": "ALIPAY",
	}
}

func body(form url.Values) []byte { return []byte(form.Encode()) }

func mustVerify(t *testing.T, c *Client, form url.Values) *Notification {
	t.Helper()
	n, err := c.Verify(context.Background(), nil, body(form))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return n
}

// isMalformed checks the notification error contract for bad input.
func isMalformed(err error) bool {
	return errors.Is(err, complaint.ErrMalformedNotification) && errors.Is(err, ErrMalformed)
}

func TestVerifyComplaintNotification(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			m := wxNotification(st, "CREATE_COMPLAINT")
			m["newfield"] = "added later"
			form := f.notification(m)
			n := mustVerify(t, c, form)
			if n.AppID != testAppID || n.CusID != testCusID || n.OrgID != "" || n.SignType != st || n.RiskType != RiskComplaint {
				t.Fatalf("common fields: %+v", *n)
			}
			if n.Resource != m["resource"] {
				t.Fatalf("resource %q", n.Resource)
			}
			if n.Complaint == nil || n.Complaint.ComplaintID != testComplaintID || n.Complaint.ActionType != ActionCreateComplaint {
				t.Fatalf("complaint resource: %+v", n.Complaint)
			}
			if n.Violation != nil || n.Alipay != nil {
				t.Fatal("other parts decoded")
			}
			if len(n.Fields) != len(form) || len(form) != 7 || n.Fields.Get("newfield") != "added later" || n.Fields.Get("sign") != form.Get("sign") {
				t.Fatalf("fields: %d of %d", len(n.Fields), len(form))
			}
			for k, v := range m {
				if n.Fields[k] != v {
					t.Fatalf("field %s = %q, want %q", k, n.Fields[k], v)
				}
			}
		})
	}
}

func TestVerifyComplaintV2AndNumericID(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	m := wxNotification(SignSM2, "")
	m["risktype"] = "COMPLAINTV2"
	m["resource"] = `{"complaint_id":200000020230530232256940819,"extra":{"a":[1]}}`
	n := mustVerify(t, c, f.notification(m))
	if n.RiskType != RiskComplaintV2 || n.Complaint == nil || n.Complaint.ComplaintID != testComplaintID || n.Complaint.ActionType != "" {
		t.Fatalf("COMPLAINTV2: %+v", n.Complaint)
	}
}

func TestVerifyViolation(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	m := map[string]string{"appid": testAppID, "cusid": testCusID, "signtype": "RSA", "risktype": "VIOLATION",
		"resource": `{"sub_mchid":"1900000109","company_name":"某某公司","record_id":"R1","punish_plan":"限制收款",` +
			`"punish_time":"2024-05-23T10:00:00+08:00","punish_description":"d","risk_type":"TRADE_RISK","risk_description":"rd"}`}
	n := mustVerify(t, c, f.notification(m))
	want := Violation{SubMchID: "1900000109", CompanyName: "某某公司", RecordID: "R1", PunishPlan: "限制收款",
		PunishTime: time.Date(2024, 5, 23, 10, 0, 0, 0, cntime.Zone), PunishDescription: "d", RiskType: "TRADE_RISK", RiskDescription: "rd"}
	if n.Violation == nil || !n.Violation.PunishTime.Equal(want.PunishTime) {
		t.Fatalf("violation %+v", n.Violation)
	}
	got := *n.Violation
	got.PunishTime = want.PunishTime
	if got != want || n.Complaint != nil || n.Alipay != nil {
		t.Fatalf("violation %+v", got)
	}
	// A China-time punish_time, and none at all.
	m["resource"] = `{"record_id":"R2","punish_time":"2024-05-23 10:00:00"}`
	if n := mustVerify(t, c, f.notification(m)); !n.Violation.PunishTime.Equal(want.PunishTime) {
		t.Fatalf("punish_time %v", n.Violation.PunishTime)
	}
	m["resource"] = `{"record_id":"R3"}`
	if n := mustVerify(t, c, f.notification(m)); !n.Violation.PunishTime.IsZero() || n.Violation.RecordID != "R3" {
		t.Fatalf("violation %+v", n.Violation)
	}
}

func TestVerifyAlipayNotification(t *testing.T) {
	for _, st := range signTypes {
		c, f := newTestClient(t, st)
		m := alipayNotifyFields(st)
		n := mustVerify(t, c, f.notification(m))
		a := n.Alipay
		if n.RiskType != "" || a == nil || n.Complaint != nil || n.Violation != nil {
			t.Fatalf("%s: %+v", st, n)
		}
		checks := map[string]bool{
			"id":             a.ID == "2024052300000123",
			"task_id":        a.TaskID == "TK20240523000001",
			"status":         a.Status == AlipayStatusWaitProcess && a.StatusDescription == "待处理",
			"amount (fen)":   a.ComplainAmount == 1250,
			"content":        a.ComplainContent == testContent,
			"trades":         len(a.ComplaintTradeInfoList) == 1 && a.ComplaintTradeInfoList[0] == AlipayTrade{TradeNo: "2024052322001", OutNo: "O1", Amount: 1250},
			"contact":        a.Contact == testPhone,
			"opposite":       a.OppositeName == "张三小卖部" && a.OppositePID == "2088000000000001",
			"own merchant":   a.CusID == "",
			"gmt_complain":   a.GmtComplain.Equal(time.Date(2024, 5, 23, 10, 11, 12, 0, cntime.Zone)),
			"gmt_overdue":    a.GmtOverdue.Equal(time.Date(2024, 5, 26, 10, 11, 12, 0, cntime.Zone)),
			"gmt_process":    a.GmtProcess.IsZero(), // sent empty
			"gmt_risk":       a.GmtRiskFinishTime.Equal(time.Date(2024, 5, 23, 10, 11, 15, 0, cntime.Zone)),
			"raw, no sign":   strings.Contains(string(a.Raw), `"task_id":"TK20240523000001"`) && !strings.Contains(string(a.Raw), `"sign"`),
			"fields (empty)": n.Fields.Get("gmt_process") == "" && len(n.Fields) == len(m) && len(m) == 19,
		}
		for name, ok := range checks {
			if !ok {
				t.Errorf("%s: %s wrong: %+v", st, name, a)
			}
		}
	}
	// No paychnl is Alipay too; another paychnl is a notification of a kind
	// this package does not know.
	c, f := newTestClient(t, SignRSA)
	m := alipayNotifyFields(SignRSA)
	delete(m, "paychnl")
	if n := mustVerify(t, c, f.notification(m)); n.Alipay == nil || n.Alipay.TaskID != m["task_id"] {
		t.Fatal("no paychnl: not decoded as Alipay")
	}
	m["paychnl"] = "alipay"
	if n := mustVerify(t, c, f.notification(m)); n.Alipay == nil {
		t.Fatal("lower-case paychnl")
	}
	m["paychnl"] = "UNIONPAY"
	if n := mustVerify(t, c, f.notification(m)); n.Alipay != nil || n.Fields.Get("task_id") != m["task_id"] {
		t.Fatal("UNIONPAY decoded as Alipay")
	}
}

func TestVerifyUnknownRiskType(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	m := map[string]string{"appid": testAppID, "cusid": testCusID, "signtype": "RSA", "risktype": "FREEZE", "resource": "not json {"}
	n := mustVerify(t, c, f.notification(m))
	if n.RiskType != "FREEZE" || n.Resource != "not json {" || n.Complaint != nil || n.Violation != nil || n.Alipay != nil {
		t.Fatalf("unknown risk type: %+v", n)
	}
}

// Tampering with any field, or adding or removing one, breaks the
// signature, and nothing is returned.
func TestVerifyTampered(t *testing.T) {
	for _, st := range signTypes {
		c, f := newTestClient(t, st)
		for _, m := range []map[string]string{wxNotification(st, "USER_RESPONSE"), alipayNotifyFields(st)} {
			form := f.notification(m)
			for k := range form {
				if k == "sign" || form.Get(k) == "" {
					continue
				}
				bad := cloneForm(form)
				bad.Set(k, form.Get(k)+"1")
				n, err := c.Verify(context.Background(), nil, body(bad))
				if !errors.Is(err, complaint.ErrSignatureInvalid) || n != nil {
					t.Fatalf("%s: tampered %s: %v %v", st, k, n, err)
				}
			}
			for name, change := range map[string]func(url.Values){
				"added":          func(v url.Values) { v.Set("extra", "1") },
				"removed":        func(v url.Values) { v.Del("appid") },
				"empty made set": func(v url.Values) { v.Set("gmt_process", "2024-05-23 11:00:00") },
				"no sign":        func(v url.Values) { v.Del("sign") },
				"sign not b64":   func(v url.Values) { v.Set("sign", "%%%") },
				"other signtype": func(v url.Values) { v.Set("signtype", string(other(st))) },
			} {
				bad := cloneForm(form)
				change(bad)
				if n, err := c.Verify(context.Background(), nil, body(bad)); !errors.Is(err, complaint.ErrSignatureInvalid) || n != nil {
					t.Fatalf("%s: %s: %v %v", st, name, n, err)
				}
			}
		}
	}
}

func other(st SignType) SignType {
	if st == SignRSA {
		return SignSM2
	}
	return SignRSA
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// The notification's own signtype picks the verification; one this package
// cannot verify is refused; none means the client's.
func TestVerifySignType(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	for _, bad := range []string{"RSA2", "MD5", "rsa", "SM3"} {
		m := wxNotification(SignRSA, "CREATE_COMPLAINT")
		m["signtype"] = bad
		if n, err := c.Verify(context.Background(), nil, body(f.notification(m))); !errors.Is(err, complaint.ErrSignatureInvalid) || n != nil {
			t.Fatalf("signtype %s: %v", bad, err)
		}
	}
	m := wxNotification(SignRSA, "CREATE_COMPLAINT")
	delete(m, "signtype")
	n := mustVerify(t, c, f.notification(m))
	if n.SignType != SignRSA {
		t.Fatalf("sign type %q", n.SignType)
	}
	// An SM2 client takes an RSA notification by its signtype, with the
	// published RSA key (which the test key is not): refused. Without
	// signtype it is checked as SM2: refused as well.
	sc, _ := newTestClient(t, SignSM2)
	for _, m := range []map[string]string{wxNotification(SignRSA, "CREATE_COMPLAINT"), m} {
		if _, err := sc.Verify(context.Background(), nil, body(f.notification(m))); !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Fatalf("RSA notification at an SM2 client: %v", err)
		}
	}
}

func TestVerifyMalformedForm(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	good := body(f.notification(wxNotification(SignRSA, "CREATE_COMPLAINT")))
	for name, b := range map[string][]byte{
		"repeated key":  append(append([]byte(nil), good...), "&risktype=VIOLATION"...),
		"repeated sign": append(append([]byte(nil), good...), "&sign=AA%3D%3D"...),
		"bad escape":    append(append([]byte(nil), good...), "&x=%zz"...),
		"semicolon":     append(append([]byte(nil), good...), ";x=1"...),
		"empty name":    append(append([]byte(nil), good...), "&=1"...),
		"not utf-8":     append(append([]byte(nil), good...), "&x=%ff"...),
		"not utf-8 key": append(append([]byte(nil), good...), "&%ff=1"...),
	} {
		n, err := c.Verify(context.Background(), nil, b)
		if !isMalformed(err) || n != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if complaint.StatusFor(err) != http.StatusBadRequest {
			t.Fatalf("%s: status %d", name, complaint.StatusFor(err))
		}
	}
	// No error quotes what was sent.
	_, err := c.Verify(context.Background(), nil, []byte("contact=13912345678&contact=13912345678"))
	if !isMalformed(err) || strings.Contains(err.Error(), testPhone) {
		t.Fatalf("repeated contact: %v", err)
	}
	_, err = c.Verify(context.Background(), nil, []byte("contact=13912345678%zz"))
	if !isMalformed(err) || strings.Contains(err.Error(), "1391234") {
		t.Fatalf("bad escape: %v", err)
	}
	// Empty and junk bodies carry no signature.
	for _, b := range []string{"", "{}", "sign="} {
		if _, err := c.Verify(context.Background(), nil, []byte(b)); !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Fatalf("body %q: %v", b, err)
		}
	}
}

func TestVerifyBodyLimit(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	m := wxNotification(SignRSA, "CREATE_COMPLAINT")
	m["pad"] = strings.Repeat("a", int(MaxNotificationBytes))
	b := body(f.notification(m))
	if _, err := c.Verify(context.Background(), nil, b); !errors.Is(err, complaint.ErrBodyTooLarge) {
		t.Fatalf("Verify: %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(b))
	if _, err := c.ParseNotification(req); !errors.Is(err, complaint.ErrBodyTooLarge) {
		t.Fatalf("ParseNotification: %v", err)
	}
	// The limit is inclusive: a body of exactly MaxNotificationBytes is
	// read (and here refused for having no signature).
	exact := []byte("a=" + strings.Repeat("b", int(MaxNotificationBytes)-2))
	if _, err := c.Verify(context.Background(), nil, exact); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatalf("body of exactly the limit: %v", err)
	}
	if _, err := c.Verify(context.Background(), nil, append(exact, 'b')); !errors.Is(err, complaint.ErrBodyTooLarge) {
		t.Fatalf("body of the limit plus one: %v", err)
	}
	// A signed one near the limit verifies.
	m["pad"] = strings.Repeat("a", int(MaxNotificationBytes)-2000)
	if _, err := c.Verify(context.Background(), nil, body(f.notification(m))); err != nil {
		t.Fatal(err)
	}
}

func TestParseNotification(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	b := body(f.notification(wxNotification(SignSM2, "USER_RESPONSE")))
	req := httptest.NewRequest(http.MethodPost, "/notify?shop=1", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	n, err := c.ParseNotification(req)
	if err != nil || n.Complaint.ActionType != ActionUserResponse {
		t.Fatalf("%v %v", n, err)
	}
	if n.Fields.Get("shop") != "" {
		t.Fatal("query field read")
	}
	// The body is restored for later readers.
	if err := req.ParseForm(); err != nil || req.PostForm.Get("sign") == "" {
		t.Fatalf("body not restored: %v", err)
	}
	if _, err := c.ParseNotification(nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatalf("nil request: %v", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.Verify(nil, nil, b); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Fatalf("nil ctx: %v", err)
	}
}

func TestVerifyMalformedContent(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	wx := func(risk, resource string) map[string]string {
		m := wxNotification(SignRSA, "")
		m["risktype"], m["resource"] = risk, resource
		return m
	}
	ali := func(k, v string) map[string]string {
		m := alipayNotifyFields(SignRSA)
		m[k] = v
		return m
	}
	for name, m := range map[string]map[string]string{
		"complaint: no resource":        wx("COMPLAINT", ""),
		"complaint: not json":           wx("COMPLAINT", "{complaint_id:1}"),
		"complaint: array":              wx("COMPLAINT", `[{"complaint_id":"1"}]`),
		"complaint: string":             wx("COMPLAINT", `"1"`),
		"complaint: no complaint_id":    wx("COMPLAINT", `{"action_type":"CREATE_COMPLAINT"}`),
		"complaint: empty complaint_id": wx("COMPLAINT", `{"complaint_id":""}`),
		"complaint: id object":          wx("COMPLAINT", `{"complaint_id":{"a":1}}`),
		"complaint: id bool":            wx("COMPLAINT", `{"complaint_id":true}`),
		"complaint: action number":      wx("COMPLAINT", `{"complaint_id":"1","action_type":[1]}`),
		"complaint: trailing":           wx("COMPLAINT", `{"complaint_id":"1"} x`),
		"v2: no resource":               wx("COMPLAINTV2", ""),
		"violation: not json":           wx("VIOLATION", "x"),
		"violation: no resource":        wx("VIOLATION", ""),
		"violation: bad time":           wx("VIOLATION", `{"punish_time":"yesterday"}`),
		"violation: field object":       wx("VIOLATION", `{"record_id":{}}`),
		"alipay: bad time":              ali("gmt_complain", "23/05/2024"),
		"alipay: bad risk time":         ali("gmt_risk_finish_time", "x"),
		"alipay: trades not json":       ali("complaint_trade_info_list", "[{"),
		"alipay: amount finer than fen": ali("complain_amount", "12.505"),
		"alipay: negative amount":       ali("complain_amount", "-1.00"),
		"alipay: trade amount":          ali("complaint_trade_info_list", `[{"trade_no":"1","amount":"1e3"}]`),
		"no cusid":                      func() map[string]string { m := wxNotification(SignRSA, "X"); delete(m, "cusid"); return m }(),
	} {
		n, err := c.Verify(context.Background(), nil, body(f.notification(m)))
		if !isMalformed(err) || n != nil {
			t.Fatalf("%s: %v %v", name, n, err)
		}
		if strings.Contains(err.Error(), "yesterday") || strings.Contains(err.Error(), "23/05") {
			t.Fatalf("%s: error quotes the value: %v", name, err)
		}
	}
	// The reason survives without the value: the yuan sentinel of a bad
	// amount, the field of a wrong type, the kind of anything else.
	for _, tc := range []struct {
		k, v string
		is   error
		text string
	}{
		{"complain_amount", "12.505", yuan.ErrPrecision, "amount: yuan: amount finer than a fen"},
		{"complain_amount", "-1.00", yuan.ErrNegative, "amount: yuan: negative amount"},
		{"complaint_trade_info_list", `{"trade_no":"1"}`, nil, "has the wrong type"},
		{"gmt_complain", "23/05/2024", nil, "wrong shape"},
	} {
		m := alipayNotifyFields(SignRSA)
		m[tc.k] = tc.v
		_, err := c.Verify(context.Background(), nil, body(f.notification(m)))
		if (tc.is != nil && !errors.Is(err, tc.is)) || err == nil || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s=%s: %v, want %v and %q", tc.k, tc.v, err, tc.is, tc.text)
		}
	}
}

// Allinpay signs every merchant's notifications with one key: the client
// checks that the notification is its own.
func TestVerifyRecipient(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	for name, change := range map[string]func(map[string]string){
		"other appid": func(m map[string]string) { m["appid"] = "00000052" },
		"other cusid": func(m map[string]string) { m["cusid"] = "990581007426002" },
	} {
		m := wxNotification(SignRSA, "CREATE_COMPLAINT")
		change(m)
		n, err := c.Verify(context.Background(), nil, body(f.notification(m)))
		if !errors.Is(err, ErrOtherMerchant) || !errors.Is(err, complaint.ErrMalformedNotification) || n != nil ||
			!strings.Contains(err.Error(), strings.Fields(name)[1]) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// No appid is taken (the cusid still binds); an orgid is not checked for
	// a merchant.
	m := wxNotification(SignRSA, "CREATE_COMPLAINT")
	delete(m, "appid")
	m["orgid"] = "660581000000001"
	if n := mustVerify(t, c, f.notification(m)); n.AppID != "" || n.OrgID != "660581000000001" {
		t.Fatalf("%+v", n)
	}

	// An agent takes any sub-merchant, and refuses another agent's orgid.
	creds := testCreds(t, SignRSA)
	creds.OrgID, creds.CusID = "660581000000001", "660581000000001"
	agent, err := NewClient(creds)
	if err != nil {
		t.Fatal(err)
	}
	for cusid, orgid := range map[string]string{"990581007426009": "660581000000001", "990581007426010": ""} {
		m := wxNotification(SignRSA, "CREATE_COMPLAINT")
		m["cusid"] = cusid
		if orgid != "" {
			m["orgid"] = orgid
		}
		if n := mustVerify(t, agent, f.notification(m)); n.CusID != cusid {
			t.Fatalf("agent: %+v", n)
		}
	}
	m = wxNotification(SignRSA, "CREATE_COMPLAINT")
	m["orgid"] = "660581000000002"
	if _, err := agent.Verify(context.Background(), nil, body(f.notification(m))); !errors.Is(err, ErrOtherMerchant) {
		t.Fatalf("other orgid: %v", err)
	}
	// Without orgid the appid binds; with its own orgid, a sub-merchant's
	// own appid is taken.
	m = wxNotification(SignRSA, "CREATE_COMPLAINT")
	m["appid"] = "00000052"
	if _, err := agent.Verify(context.Background(), nil, body(f.notification(m))); !errors.Is(err, ErrOtherMerchant) || !strings.Contains(err.Error(), "appid") {
		t.Fatalf("agent, other appid: %v", err)
	}
	m["orgid"] = creds.OrgID
	if n := mustVerify(t, agent, f.notification(m)); n.AppID != "00000052" {
		t.Fatalf("agent, sub-merchant appid: %+v", n)
	}
	m["orgid"] = "660581000000002"
	if _, err := agent.Verify(context.Background(), nil, body(f.notification(m))); !errors.Is(err, ErrOtherMerchant) || !strings.Contains(err.Error(), "orgid") {
		t.Fatalf("agent, other orgid and appid: %v", err)
	}
}

func receive(t *testing.T, r *Receiver, form url.Values) complaint.Event {
	t.Helper()
	evs, err := r.Receive(context.Background(), &complaint.Delivery{Method: http.MethodPost, Body: body(form)})
	if err != nil || len(evs) != 1 {
		t.Fatalf("Receive: %d events, %v", len(evs), err)
	}
	return evs[0]
}

func TestReceiverEvents(t *testing.T) {
	received := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	// The receipt time is the client's clock.
	c, f := newTestClient(t, SignRSA, option.WithClock(func() time.Time { return received }))
	r := NewReceiver(c)
	if r.Provider() != complaint.Allinpay {
		t.Fatal("provider")
	}

	e := receive(t, r, f.notification(wxNotification(SignRSA, "CREATE_COMPLAINT")))
	wantRef := complaint.Ref{Provider: complaint.Allinpay, ID: testComplaintID, Channel: complaint.ChannelWeChat}
	if e.Ref != wantRef || e.Kind != complaint.KindCreated || e.ProviderKind != "CREATE_COMPLAINT" ||
		e.Complaint != nil || !e.Time.Equal(received) || len(e.ID) != 32 {
		t.Fatalf("COMPLAINT event: %+v", e)
	}
	if n, ok := e.Raw.(*Notification); !ok || n.Complaint.ComplaintID != testComplaintID {
		t.Fatalf("raw %T", e.Raw)
	}
	// WeChat's mapping of action types, and an unknown one kept.
	for action, kind := range map[string]complaint.Kind{
		"CONTINUE_COMPLAINT": complaint.KindContinued, "USER_RESPONSE": complaint.KindUserMessage,
		"RESPONSE_BY_PLATFORM": complaint.KindPlatformMessage, "MERCHANT_APPROVE_REFUND": complaint.KindRefundApproved,
		"NEW_ACTION": complaint.KindOther,
	} {
		if e := receive(t, r, f.notification(wxNotification(SignRSA, action))); e.Kind != kind || e.ProviderKind != action {
			t.Fatalf("%s: %s %s", action, e.Kind, e.ProviderKind)
		}
	}

	m := wxNotification(SignRSA, "")
	m["risktype"], m["resource"] = "COMPLAINTV2", `{"complaint_id":"`+testComplaintID+`"}`
	if e := receive(t, r, f.notification(m)); e.Ref != wantRef || e.Kind != complaint.KindUpdated || e.ProviderKind != "COMPLAINTV2" {
		t.Fatalf("COMPLAINTV2 event: %+v", e)
	}

	m = wxNotification(SignRSA, "")
	m["risktype"], m["resource"] = "VIOLATION", `{"record_id":"R1","punish_time":"2024-05-23 10:00:00"}`
	e = receive(t, r, f.notification(m))
	if e.Ref != (complaint.Ref{Provider: complaint.Allinpay, Channel: complaint.ChannelWeChat}) || e.Kind != KindViolation ||
		e.ProviderKind != "VIOLATION" || !e.Time.Equal(time.Date(2024, 5, 23, 10, 0, 0, 0, cntime.Zone)) {
		t.Fatalf("VIOLATION event: %+v", e)
	}

	m = wxNotification(SignRSA, "")
	m["risktype"], m["resource"] = "FREEZE", "?"
	e = receive(t, r, f.notification(m))
	if e.Ref != (complaint.Ref{Provider: complaint.Allinpay}) || e.Kind != complaint.KindOther || e.ProviderKind != "FREEZE" || !e.Time.Equal(received) {
		t.Fatalf("unknown event: %+v", e)
	}
	if n := e.Raw.(*Notification); n.Resource != "?" {
		t.Fatal("raw resource")
	}

	am := alipayNotifyFields(SignRSA)
	e = receive(t, r, f.notification(am))
	if e.Ref != (complaint.Ref{Provider: complaint.Allinpay, ID: am["id"], Channel: complaint.ChannelAlipay}) ||
		e.Kind != complaint.KindCreated || e.ProviderKind != "WAIT_PROCESS" ||
		!e.Time.Equal(time.Date(2024, 5, 23, 10, 11, 15, 0, cntime.Zone)) {
		t.Fatalf("Alipay event: %+v", e)
	}
	// The notification carries the whole complaint: the event has it,
	// converted as the list and detail are, and it names the same complaint.
	if cp := e.Complaint; cp == nil || cp.Ref() != e.Ref || cp.State != complaint.StatePending ||
		cp.Amount != complaint.CNY(1250) || cp.Content != testContent || cp.Raw != e.Raw.(*Notification).Alipay ||
		!cp.DueAt.Equal(time.Date(2024, 5, 26, 10, 11, 12, 0, cntime.Zone)) || len(cp.Orders) != 1 || cp.Orders[0].OutTradeNo != "O1" {
		t.Fatalf("Alipay event complaint: %+v", e.Complaint)
	}
	// Time falls back to gmt_process, then gmt_complain, then receipt.
	am["gmt_risk_finish_time"], am["gmt_process"] = "", "2024-05-24 09:00:00"
	if e := receive(t, r, f.notification(am)); !e.Time.Equal(time.Date(2024, 5, 24, 9, 0, 0, 0, cntime.Zone)) {
		t.Fatalf("time %v", e.Time)
	}
	am["gmt_process"] = ""
	if e := receive(t, r, f.notification(am)); !e.Time.Equal(time.Date(2024, 5, 23, 10, 11, 12, 0, cntime.Zone)) {
		t.Fatalf("time %v", e.Time)
	}
	am["gmt_complain"] = ""
	delete(am, "id")
	if e := receive(t, r, f.notification(am)); !e.Time.Equal(received) || e.Ref.ID != "" {
		t.Fatalf("time %v, ref %v", e.Time, e.Ref)
	}
}

func TestAlipayStatusKind(t *testing.T) {
	for status, kind := range map[AlipayStatus]complaint.Kind{
		"WAIT_PROCESS": complaint.KindCreated, "PROCESSING": complaint.KindStateChanged,
		"OVERDUE": complaint.KindStateChanged, "PART_OVERDUE": complaint.KindStateChanged,
		"PROCESSED": complaint.KindCompleted, "OVERDUE_PROCESSED": complaint.KindCompleted,
		"DROP_COMPLAIN": complaint.KindWithdrawn, "DROP_OVERDUE_COMPLAIN": complaint.KindWithdrawn,
		"DROP_OVERDUE_PROCESSED": complaint.KindWithdrawn, "DROP_PROCESSED": complaint.KindWithdrawn,
		"": complaint.KindStateChanged, "NEW_STATUS": complaint.KindStateChanged,
	} {
		if got := alipayStatusKind(status); got != kind {
			t.Errorf("%q: %s, want %s", status, got, kind)
		}
	}
}

// A resend has the same event id; any field that differs gives another.
func TestEventIDs(t *testing.T) {
	for _, st := range signTypes {
		c, f := newTestClient(t, st)
		r := NewReceiver(c)
		first := receive(t, r, f.notification(wxNotification(st, "CREATE_COMPLAINT")))
		// Signed again: SM2 signatures differ, the id does not.
		again := receive(t, r, f.notification(wxNotification(st, "CREATE_COMPLAINT")))
		if first.ID != again.ID {
			t.Fatalf("%s: resend has another id", st)
		}
		later := receive(t, r, f.notification(wxNotification(st, "USER_RESPONSE")))
		if later.ID == first.ID || later.Ref != first.Ref {
			t.Fatalf("%s: a later action: %s %v", st, later.ID, later.Ref)
		}
		m := wxNotification(st, "USER_RESPONSE")
		m["notify_time"] = "2024-05-23 10:00:00" // a field Allinpay may add
		if e := receive(t, r, f.notification(m)); e.ID == later.ID {
			t.Fatalf("%s: an added field does not change the id", st)
		}
		am := alipayNotifyFields(st)
		a1 := receive(t, r, f.notification(am))
		am["status"], am["gmt_process"] = "PROCESSED", "2024-05-24 09:00:00"
		a2 := receive(t, r, f.notification(am))
		am["gmt_risk_finish_time"] = "2024-05-24 09:00:05"
		a3 := receive(t, r, f.notification(am))
		if a1.ID == a2.ID || a2.ID == a3.ID || a1.Ref != a2.Ref {
			t.Fatalf("%s: Alipay ids %s %s %s", st, a1.ID, a2.ID, a3.ID)
		}
	}
	// The id is DeriveEventID over the fields but sign, sorted by name.
	f := Fields{"b": "2", "a": "1", "sign": "x"}
	if got, want := notificationEventID(f), complaint.DeriveEventID("a", "1", "b", "2"); got != want {
		t.Fatalf("id %s, want %s", got, want)
	}
	f["sign"] = "y"
	if notificationEventID(f) != complaint.DeriveEventID("a", "1", "b", "2") {
		t.Fatal("sign changes the id")
	}
}

// The sub-merchant of an agent travels in the Ref; the client's own merchant
// does not repeat its number.
func TestEventMerchant(t *testing.T) {
	creds := testCreds(t, SignRSA)
	creds.OrgID, creds.CusID = "660581000000001", "660581000000001"
	f := newFake(t, SignRSA)
	agent, err := NewClient(creds)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReceiver(agent)
	m := wxNotification(SignRSA, "CREATE_COMPLAINT")
	m["orgid"] = creds.OrgID
	if e := receive(t, r, f.notification(m)); e.Ref.MerchantID != testCusID {
		t.Fatalf("sub-merchant ref %v", e.Ref)
	}
	m["cusid"] = creds.CusID
	if e := receive(t, r, f.notification(m)); e.Ref.MerchantID != "" {
		t.Fatalf("own ref %v", e.Ref)
	}
}

func TestReceiveErrors(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	r := NewReceiver(c)
	form := f.notification(wxNotification(SignRSA, "CREATE_COMPLAINT"))
	d := &complaint.Delivery{Body: body(form)}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := r.Receive(nil, d); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Fatalf("nil ctx: %v", err)
	}
	if _, err := r.Receive(context.Background(), nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatalf("nil delivery: %v", err)
	}
	for _, bad := range []*Receiver{nil, {}} {
		if _, err := bad.Receive(context.Background(), d); !errors.Is(err, complaint.ErrInternal) {
			t.Fatalf("receiver without client: %v", err)
		}
	}
	bad := cloneForm(form)
	bad.Set("resource", strings.Replace(form.Get("resource"), "CREATE", "CONTINUE", 1))
	if evs, err := r.Receive(context.Background(), &complaint.Delivery{Body: body(bad)}); !errors.Is(err, complaint.ErrSignatureInvalid) || evs != nil {
		t.Fatalf("forged: %v %v", evs, err)
	}
}

func TestAck(t *testing.T) {
	r := NewReceiver(nil)
	ok := r.Ack(nil)
	if ok.Status != http.StatusOK || string(ok.Body) != "success" || ok.ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("success ack %+v", ok)
	}
	ok.Body[0] = 'X' // the answer is the caller's to keep
	if string(r.Ack(nil).Body) != "success" {
		t.Fatal("ack body shared")
	}
	for err, status := range map[error]int{
		complaint.ErrSignatureInvalid:                  http.StatusUnauthorized,
		malformedNotification("x", nil):                http.StatusBadRequest,
		fmt.Errorf("%w: x", complaint.ErrBodyTooLarge): http.StatusRequestEntityTooLarge,
		complaint.ErrInFlight:                          http.StatusServiceUnavailable,
		errors.New("sink down"):                        http.StatusInternalServerError,
		fmt.Errorf("%w: %w", complaint.ErrMalformedNotification, ErrOtherMerchant): http.StatusBadRequest,
	} {
		a := r.Ack(err)
		if a.Status != status || string(a.Body) == "success" || len(a.Body) == 0 || strings.Contains(string(a.Body), err.Error()) {
			t.Fatalf("%v: %+v", err, a)
		}
	}
}

// Printing a notification in any way masks the contact and the name and
// leaves out the buyer's text and the signature.
func TestNotificationPrinting(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	m := alipayNotifyFields(SignRSA)
	m["later_personal_field"] = "身份证 110101199001011234"
	form := f.notification(m)
	n := mustVerify(t, c, form)
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("n", "n", n, "a", n.Alipay, "fields", n.Fields)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("n", "n", *n, "a", *n.Alipay)
	outs := []string{
		buf.String(), n.String(), n.GoString(), fmt.Sprint(n.Alipay), fmt.Sprintf("%#v", n.Alipay), n.Fields.String(), n.Fields.GoString(),
		fmt.Sprintf("%v %+v %#v %s %q %x", n, n, n, n, n, n),
		fmt.Sprintf("%v %+v %#v %s", *n, *n.Alipay, n.Alipay, n.Fields),
		fmt.Sprintf("%+v", struct{ N *Notification }{n}),
		fmt.Sprintf("%+v", struct{ N Notification }{*n}),
	}
	for _, out := range outs {
		for _, secret := range []string{testPhone, testContent, "张三小卖部", "110101199001011234", form.Get("sign")} {
			if strings.Contains(out, secret) {
				t.Fatalf("printed %q in %s", secret, out)
			}
		}
	}
	s := n.String()
	for _, want := range []string{"task_id=TK20240523000001", "status=WAIT_PROCESS", "contact=139******78", "opposite_name=张****", "cusid=" + testCusID} {
		if !strings.Contains(s, want) {
			t.Fatalf("summary lacks %s: %s", want, s)
		}
	}
	if fs := n.Fields.String(); !strings.Contains(fs, "contact="+redacted) || !strings.Contains(fs, "task_id=TK20240523000001") || !strings.Contains(fs, "gmt_process= ") {
		t.Fatalf("fields: %s", fs)
	}
	if !strings.Contains(s, "complain_content="+redacted) {
		t.Fatalf("summary does not show that there is a text: %s", s)
	}
	delete(m, "complain_content")
	if s := mustVerify(t, c, f.notification(m)).String(); strings.Contains(s, "complain_content") {
		t.Fatalf("summary shows an absent text: %s", s)
	}
	// A complaint notification prints its ids.
	wn := mustVerify(t, c, f.notification(wxNotification(SignRSA, "CREATE_COMPLAINT")))
	if s := wn.String(); !strings.Contains(s, "complaint_id="+testComplaintID) || !strings.Contains(s, "action_type=CREATE_COMPLAINT") {
		t.Fatalf("complaint summary: %s", s)
	}
	var js map[string]any
	if err := json.Unmarshal(bytes.SplitN(buf.Bytes(), []byte("\n"), 2)[0], &js); err != nil {
		t.Fatalf("json log: %v", err)
	}
}

var _ complaint.Receiver = (*Receiver)(nil)
