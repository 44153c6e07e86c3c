package allinpaytest_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// The tests talk to the fake through their own small client, which signs and
// verifies with packages signing and signing/sm2: an implementation
// independent of the fake's, so each checks the other.

var allinpayRule = signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}

type testClient struct {
	t        testing.TB
	srv      *allinpaytest.Server
	st       allinpaytest.SignType
	appid    string
	cusid    string
	orgid    string
	rsaKey   *signing.RSAPrivateKey
	sm2Key   *sm2.PrivateKey
	tlRSA    *rsa.PublicKey
	tlSM2    *sm2.PublicKey
	sm2UID   string // request user id; the appid unless a test breaks it
	sm2DER   bool   // sign DER instead of raw r‖s (wrong, for tests)
	randomN  atomic.Int64
	noVerify bool
}

func newTestClient(t testing.TB, srv *allinpaytest.Server) *testClient {
	t.Helper()
	c := &testClient{t: t, srv: srv, st: srv.SignType(), appid: srv.AppID(), cusid: srv.CusID(), orgid: srv.OrgID()}
	c.setKeys(srv.Keys())
	return c
}

// setKeys loads keys from the forms the fake hands out.
func (c *testClient) setKeys(k allinpaytest.Keys) {
	c.t.Helper()
	var err error
	hasPriv := k.Merchant.PrivateKey != "" // a server given only the public half
	switch k.SignType {
	case allinpaytest.RSA:
		if c.tlRSA, err = signing.ParseRSAPublicKey([]byte(k.Allinpay.PublicKey)); err == nil && hasPriv {
			c.rsaKey, err = signing.ParseRSAPrivateKey([]byte(k.Merchant.PrivateKey))
		}
	case allinpaytest.SM2:
		if c.tlSM2, err = sm2.ParsePublicKey([]byte(k.Allinpay.PublicKey)); err == nil && hasPriv {
			c.sm2Key, err = sm2.ParsePrivateKey([]byte(k.Merchant.PrivateKey))
		}
	}
	if err != nil {
		c.t.Fatalf("keys of %s: %v", k.SignType, err)
	}
}

// sign signs fields as a merchant does.
func (c *testClient) sign(fields map[string]string) string {
	c.t.Helper()
	msg := allinpayRule.Build(signing.ParamsFromMap(fields), nil)
	switch c.st {
	case allinpaytest.RSA:
		sig, err := signing.SignRSABase64(c.rsaKey, crypto.SHA1, msg)
		if err != nil {
			c.t.Fatal(err)
		}
		return sig
	default:
		uid := c.sm2UID
		if uid == "" {
			uid = fields["appid"]
		}
		enc := sm2.Raw
		if c.sm2DER {
			enc = sm2.DER
		}
		sig, err := sm2.Sign(c.sm2Key, []byte(uid), msg, enc)
		if err != nil {
			c.t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(sig)
	}
}

// fields adds the common fields to a method's fields; a value "-" removes a
// common field.
func (c *testClient) fields(extra map[string]string) map[string]string {
	f := map[string]string{
		"appid": c.appid, "cusid": c.cusid, "orgid": c.orgid, "signtype": string(c.st),
		"randomstr": strconv.FormatInt(c.randomN.Add(1), 10) + "8271",
	}
	for k, v := range extra {
		f[k] = v
	}
	for k, v := range f {
		if v == "" || v == "-" {
			delete(f, k)
		}
	}
	return f
}

// signedForm returns the fields with sign.
func (c *testClient) signedForm(extra map[string]string) url.Values {
	f := c.fields(extra)
	f["sign"] = c.sign(f)
	v := url.Values{}
	for k, val := range f {
		v.Set(k, val)
	}
	return v
}

// post sends a prepared body and decodes the JSON answer.
func (c *testClient) post(method, contentType string, body []byte) map[string]string {
	c.t.Helper()
	resp, err := c.srv.Client().Post(c.srv.URL()+method, contentType, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d %s", method, resp.StatusCode, b)
	}
	var out map[string]string
	if err := json.Unmarshal(b, &out); err != nil {
		c.t.Fatalf("%s: answer is not a JSON object of strings: %v: %s", method, err, b)
	}
	if out["retcode"] == "SUCCESS" && !c.noVerify {
		if err := c.verify(out); err != nil {
			c.t.Fatalf("%s: answer signature: %v", method, err)
		}
	}
	return out
}

// verify checks an answer's signature over every field but sign, under
// "Allinpay", as a client must.
func (c *testClient) verify(fields map[string]string) error {
	msg := allinpayRule.Build(signing.ParamsFromMap(fields), nil)
	sig, err := base64.StdEncoding.DecodeString(fields["sign"])
	if err != nil {
		return err
	}
	if c.st == allinpaytest.RSA {
		return signing.VerifyRSA(c.tlRSA, crypto.SHA1, msg, sig)
	}
	return sm2.Verify(c.tlSM2, []byte("Allinpay"), msg, sig, sm2.Raw)
}

// call signs fields and posts them as a form.
func (c *testClient) call(method string, fields map[string]string) map[string]string {
	c.t.Helper()
	return c.post(method, "application/x-www-form-urlencoded", []byte(c.signedForm(fields).Encode()))
}

// ok calls and requires SUCCESS.
func (c *testClient) ok(method string, fields map[string]string) map[string]string {
	c.t.Helper()
	out := c.call(method, fields)
	if out["retcode"] != "SUCCESS" {
		c.t.Fatalf("%s %v: %s %s", method, fields, out["retcode"], out["retmsg"])
	}
	return out
}

// fail calls, requires FAIL, and returns retmsg.
func (c *testClient) fail(method string, fields map[string]string) string {
	c.t.Helper()
	out := c.call(method, fields)
	if out["retcode"] != "FAIL" {
		c.t.Fatalf("%s %v: want FAIL, got %v", method, fields, out)
	}
	if _, signed := out["sign"]; signed {
		c.t.Fatalf("%s: a FAIL answer carries sign", method)
	}
	return out["retmsg"]
}

// upload posts a multipart upload: the signed fields and an unsigned file.
func (c *testClient) upload(method string, fields map[string]string, file []byte) map[string]string {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range c.signedForm(fields) {
		_ = w.WriteField(k, vs[0])
	}
	fw, err := w.CreateFormFile("file", "evidence.png")
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(file)
	_ = w.Close()
	return c.post(method, w.FormDataContentType(), b.Bytes())
}

// records decodes a records field: Base64 of JSON.
func records(t testing.TB, out map[string]string, v any) {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(out["records"])
	if err != nil {
		t.Fatalf("records is not Base64: %v", err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("records: %v: %s", err, b)
	}
}

func wantMsg(t testing.TB, got, want string) {
	t.Helper()
	if got != want && !strings.HasPrefix(got, want) {
		t.Fatalf("retmsg %q, want %q", got, want)
	}
}

// both runs f against a fresh server of each sign type.
func both(t *testing.T, f func(t *testing.T, srv *allinpaytest.Server), opts ...allinpaytest.Option) {
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		t.Run(string(st), func(t *testing.T) {
			srv := allinpaytest.NewServer(append([]allinpaytest.Option{allinpaytest.WithSignType(st)}, opts...)...)
			t.Cleanup(srv.Close)
			f(t, srv)
		})
	}
}
