package allinpaytest_test

import (
	"crypto"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

func detailFields(id string) map[string]string {
	return map[string]string{"complaint_id": id, "version": "12"}
}

func TestSignedRequestAccepted(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "没有收到货"})
		c := newTestClient(t, srv)
		out := c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))
		var rec map[string]any
		records(t, out, &rec)
		if rec["complaint_id"] != wc.ComplaintID || rec["complaint_detail"] != "没有收到货" {
			t.Fatalf("records %v", rec)
		}
		// The answer carries exactly retcode, randomstr, sign and the payload.
		if len(out) != 4 || out["randomstr"] == "" {
			t.Fatalf("answer fields %v", out)
		}
		reqs := srv.Requests()
		if len(reqs) != 1 || reqs[0].Method != "wxcomplaintdetail" || reqs[0].Fields.Get("complaint_id") != wc.ComplaintID ||
			reqs[0].RetCode != "SUCCESS" || reqs[0].Status != http.StatusOK {
			t.Fatalf("recorded %+v", reqs)
		}
	})
}

func TestSignatureRejected(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
		c := newTestClient(t, srv)
		// A field changed after signing.
		form := c.signedForm(detailFields(wc.ComplaintID))
		form.Set("version", "11")
		wantMsg(t, c.post("wxcomplaintdetail", "application/x-www-form-urlencoded", []byte(form.Encode()))["retmsg"], allinpaytest.MsgSignError)
		// A field added after signing.
		form = c.signedForm(detailFields(wc.ComplaintID))
		form.Set("timestamp", "20240101120000")
		wantMsg(t, c.post("wxcomplaintdetail", "application/x-www-form-urlencoded", []byte(form.Encode()))["retmsg"], allinpaytest.MsgSignError)
		// An empty value sent and signed as "orgid=" (empty values are not signed).
		f := c.fields(detailFields(wc.ComplaintID))
		msg := allinpayRule.Build(signing.ParamsFromMap(f), nil)
		msg = []byte(strings.Replace(string(msg), "cusid=", "orgid=&cusid=", 1))
		f["orgid"] = ""
		f["sign"] = signRaw(t, c, f["appid"], msg)
		wantMsg(t, c.post("wxcomplaintdetail", "application/x-www-form-urlencoded", []byte(values(f).Encode()))["retmsg"], allinpaytest.MsgSignError)
		// Not Base64 at all.
		form = c.signedForm(detailFields(wc.ComplaintID))
		form.Set("sign", "WECHATPAY/SIGNTEST/xyz")
		wantMsg(t, c.post("wxcomplaintdetail", "application/x-www-form-urlencoded", []byte(form.Encode()))["retmsg"], allinpaytest.MsgSignError)
		// Signed with another merchant's key.
		other := allinpaytest.NewServer(allinpaytest.WithSignType(srv.SignType()), allinpaytest.WithFreshKeys())
		defer other.Close()
		c2 := newTestClient(t, srv)
		c2.setKeys(other.Keys())
		wantMsg(t, c2.fail("wxcomplaintdetail", detailFields(wc.ComplaintID)), allinpaytest.MsgSignError)
		if n := len(srv.History(wc.ComplaintID)); n != 1 {
			t.Fatalf("history changed: %d", n)
		}
	})
}

func signRaw(t *testing.T, c *testClient, appid string, msg []byte) string {
	t.Helper()
	if c.st == allinpaytest.RSA {
		s, err := signing.SignRSABase64(c.rsaKey, crypto.SHA1, msg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s, err := sm2.Sign(c.sm2Key, []byte(appid), msg, sm2.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(s)
}

func values(m map[string]string) url.Values {
	v := url.Values{}
	for k, val := range m {
		v.Set(k, val)
	}
	return v
}

// SM2 requests must be signed under the appid, raw r‖s: the default user
// id, "Allinpay" and DER are all refused.
func TestSM2RequestUserIDAndEncoding(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
	defer srv.Close()
	wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
	for _, uid := range []string{"1234567812345678", "Allinpay"} {
		c := newTestClient(t, srv)
		c.sm2UID = uid
		wantMsg(t, c.fail("wxcomplaintdetail", detailFields(wc.ComplaintID)), allinpaytest.MsgSignError)
	}
	c := newTestClient(t, srv)
	c.sm2DER = true
	wantMsg(t, c.fail("wxcomplaintdetail", detailFields(wc.ComplaintID)), allinpaytest.MsgSignError)
	c.sm2DER = false
	c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))
}

func TestCommonFieldChecks(t *testing.T) {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
	c := newTestClient(t, srv)
	id := wc.ComplaintID
	cases := []struct {
		name   string
		method string
		fields map[string]string
		want   string
	}{
		{"wrong appid", "wxcomplaintdetail", map[string]string{"complaint_id": id, "appid": "00000099"}, allinpaytest.MsgAppIDError},
		{"no appid", "wxcomplaintdetail", map[string]string{"complaint_id": id, "appid": "-"}, allinpaytest.MsgParamPrefix + "appid"},
		{"wrong cusid", "wxcomplaintdetail", map[string]string{"complaint_id": id, "cusid": "990581007426999"}, allinpaytest.MsgCusIDError},
		{"orgid of nobody", "wxcomplaintdetail", map[string]string{"complaint_id": id, "orgid": "123"}, allinpaytest.MsgOrgIDError},
		{"version 13", "wxcomplaintdetail", map[string]string{"complaint_id": id, "version": "13"}, allinpaytest.MsgVersionError},
		{"RSA2", "wxcomplaintdetail", map[string]string{"complaint_id": id, "signtype": "RSA2"}, allinpaytest.MsgSignTypeError},
		{"SM2 for an RSA merchant", "wxcomplaintdetail", map[string]string{"complaint_id": id, "signtype": "SM2"}, allinpaytest.MsgSignTypeError},
		{"no randomstr", "wxcomplaintdetail", map[string]string{"complaint_id": id, "randomstr": "-"}, allinpaytest.MsgParamPrefix + "randomstr"},
		{"long randomstr", "wxcomplaintdetail", map[string]string{"complaint_id": id, "randomstr": strings.Repeat("1", 33)}, allinpaytest.MsgParamPrefix + "randomstr"},
		{"bad timestamp", "wxcomplaintdetail", map[string]string{"complaint_id": id, "timestamp": "2024-01-01"}, allinpaytest.MsgParamPrefix + "timestamp"},
		{"unknown field", "wxcomplaintdetail", map[string]string{"complaint_id": id, "complainted_mchid": "1"}, allinpaytest.MsgParamPrefix + "complainted_mchid"},
		{"required field", "wxcomplaintdetail", map[string]string{}, allinpaytest.MsgParamPrefix + "complaint_id"},
		{"method case", "complaintsresp", map[string]string{"complaint_id": id, "response_content": "x"}, allinpaytest.MsgMethodNotFound},
		{"method case 2", "ComplaintsComplete", map[string]string{"complaint_id": id}, allinpaytest.MsgMethodNotFound},
		{"unknown method", "complaintqry", map[string]string{}, allinpaytest.MsgMethodNotFound},
		{"alipay detail spelled complaint_id", "alicomplaintquery", map[string]string{"complaint_id": "1"}, allinpaytest.MsgParamPrefix + "complaint_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantMsg(t, c.fail(tc.method, tc.fields), tc.want) })
	}
	// A timestamp is accepted (and signed) on any method; both versions are.
	c.ok("wxcomplaintdetail", map[string]string{"complaint_id": id, "timestamp": "20240101120000", "version": "11"})
	c.ok("wxcomplaintdetail", map[string]string{"complaint_id": id, "version": "-"})
}

func TestStrictVersions(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithStrictVersions())
	defer srv.Close()
	wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
	c := newTestClient(t, srv)
	wantMsg(t, c.fail("wxcomplaintdetail", map[string]string{"complaint_id": wc.ComplaintID, "version": "11"}), allinpaytest.MsgVersionError)
	c.ok("wxcomplaintdetail", map[string]string{"complaint_id": wc.ComplaintID, "version": "12"})
	now := time.Now().Format("2006-01-02 15:04:05")
	wantMsg(t, c.fail("wxcomplaintlistquery", map[string]string{"begindate": now, "enddate": now, "version": "12"}), allinpaytest.MsgVersionError)
	c.ok("wxcomplaintlistquery", map[string]string{"begindate": now, "enddate": now, "version": "11"})
	// Undocumented methods take either.
	c.ok("complaintsComplete", map[string]string{"complaint_id": wc.ComplaintID, "version": "11"})
}

func TestMalformedRequests(t *testing.T) {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv)
	form := c.signedForm(map[string]string{"complaint_id": "1"})
	body := form.Encode() + "&complaint_id=2"
	wantMsg(t, c.post("wxcomplaintdetail", "application/x-www-form-urlencoded", []byte(body))["retmsg"], allinpaytest.MsgParamPrefix+"重复参数complaint_id")
	wantMsg(t, c.post("wxcomplaintdetail", "application/json", []byte(`{}`))["retmsg"], allinpaytest.MsgParamPrefix)
	// A multipart body on a method that is not an upload.
	out := c.upload("wxcomplaintdetail", map[string]string{"complaint_id": "1"}, []byte("x"))
	wantMsg(t, out["retmsg"], allinpaytest.MsgParamPrefix+"Content-Type")
	// GET and paths outside the API.
	resp, err := srv.Client().Get(srv.URL() + "wxcomplaintdetail")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	resp, err = srv.Client().Post(strings.TrimSuffix(srv.URL(), "riskfeeback/")+"other/x", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("outside path: %d", resp.StatusCode)
	}
}

// The fake signs every field it returns, extra ones included; a field
// changed after signing fails a client's verification.
func TestResponseSignature(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
		c := newTestClient(t, srv)
		srv.SetExtraResponseFields(map[string]string{"retmsg": "处理成功", "newfield": "值"})
		out := c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))
		if out["newfield"] != "值" {
			t.Fatalf("extra field missing: %v", out)
		}
		delete(out, "newfield")
		if c.verify(out) == nil {
			t.Fatal("the signature does not cover the extra field")
		}
		srv.SetExtraResponseFields(nil)
		srv.SetTamper(func(method string, f map[string]string) {
			if method == "wxcomplaintdetail" && f["retcode"] == "SUCCESS" {
				f["records"] = base64.StdEncoding.EncodeToString([]byte(`{"complaint_id":"x"}`))
			}
		})
		c.noVerify = true
		out = c.call("wxcomplaintdetail", detailFields(wc.ComplaintID))
		if c.verify(out) == nil {
			t.Fatal("tampered answer verified")
		}
		srv.SetTamper(nil)
		if out = c.call("wxcomplaintdetail", detailFields(wc.ComplaintID)); c.verify(out) != nil {
			t.Fatal("answer after removing the tamper does not verify")
		}
	})
}
