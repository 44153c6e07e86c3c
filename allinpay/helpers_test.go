package allinpay

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	gmsm "github.com/tjfoc/gmsm/sm2"

	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// The test appid and cusid are the demo's test merchant (fact sheet §1).
const (
	testAppID = "00000051"
	testCusID = "990581007426001"
)

// readTestdata returns a file of testdata/openssl, or of the module's
// signing/testdata when the name starts with "signing/".
func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	p := filepath.Join("testdata", "openssl", name)
	if rest, ok := strings.CutPrefix(name, "signing/"); ok {
		p = filepath.Join("..", "signing", "testdata", filepath.FromSlash(rest))
	}
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func readB64(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(readTestdata(tb, name))))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return b
}

// fakeAllinpay answers riskfeeback calls over httpmock the way Allinpay does,
// with code independent of the package's: the string to sign is built here,
// request signatures are checked with crypto/rsa and tjfoc/gmsm directly
// (SM2 under the appid), replies are signed with the tl_* keys ("Allinpay"
// as SM2 user id). A request whose signature does not verify gets
// retcode=FAIL, as Allinpay answers.
type fakeAllinpay struct {
	t  testing.TB
	st SignType

	merchantRSA *rsa.PublicKey
	merchantSM2 *gmsm.PublicKey
	tlRSA       *rsa.PrivateKey
	tlSM2       *gmsm.PrivateKey

	// handle answers a verified request with the business fields of the
	// reply (retcode SUCCESS is added) or a non-empty fail text.
	handle func(method string, form url.Values) (fields map[string]string, fail string)
	// tamper, when set, changes the signed reply before it is sent.
	tamper func(reply map[string]string)

	mu       sync.Mutex
	methods  []string
	requests []url.Values
	headers  []http.Header
}

func newFake(t testing.TB, st SignType) *fakeAllinpay {
	t.Helper()
	f := &fakeAllinpay{t: t, st: st}
	pub, err := x509.ParsePKIXPublicKey(readB64(t, "merchant_rsa_pub.b64"))
	if err != nil {
		t.Fatal(err)
	}
	f.merchantRSA = pub.(*rsa.PublicKey)
	f.merchantSM2 = parseSM2Public(t, readB64(t, "merchant_sm2_pub.b64"))
	k, err := x509.ParsePKCS8PrivateKey(readB64(t, "tl_rsa_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	f.tlRSA = k.(*rsa.PrivateKey)
	f.tlSM2 = parseSM2Private(t, readB64(t, "tl_sm2_key.b64"))
	return f
}

// transport returns a fresh mock transport answering under the production
// base URL.
func (f *fakeAllinpay) transport() *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterRegexpResponder(http.MethodPost, regexp.MustCompile(`^https://cus\.allinpay\.com/cusapi/riskfeeback/[A-Za-z0-9_]+$`), f.respond)
	return mt
}

// stringToSign is Allinpay's rule, written independently of package signing.
func stringToSign(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + m[k])
	}
	return b.String()
}

func flat(form url.Values) map[string]string {
	m := map[string]string{}
	for k, vs := range form {
		m[k] = vs[0]
	}
	return m
}

// checkRequest verifies a request's signature with the merchant's public key.
func (f *fakeAllinpay) checkRequest(form url.Values) bool {
	msg := []byte(stringToSign(flat(form)))
	sig, err := base64.StdEncoding.DecodeString(form.Get("sign"))
	if err != nil {
		return false
	}
	switch form.Get("signtype") {
	case "RSA":
		d := sha1.Sum(msg)
		return rsa.VerifyPKCS1v15(f.merchantRSA, crypto.SHA1, d[:], sig) == nil
	case "SM2":
		if len(sig) != 64 {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return gmsm.Sm2Verify(f.merchantSM2, msg, []byte(form.Get("appid")), r, s)
	}
	return false
}

// signReply signs a reply with the TL key of the fake's sign type.
func (f *fakeAllinpay) signReply(m map[string]string) {
	msg := []byte(stringToSign(m))
	var sig []byte
	switch f.st {
	case SignRSA:
		d := sha1.Sum(msg)
		var err error
		if sig, err = rsa.SignPKCS1v15(nil, f.tlRSA, crypto.SHA1, d[:]); err != nil {
			f.t.Error(err)
		}
	case SignSM2:
		r, s, err := gmsm.Sm2Sign(f.tlSM2, msg, []byte("Allinpay"), rand.Reader)
		if err != nil {
			f.t.Error(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	m["sign"] = base64.StdEncoding.EncodeToString(sig)
}

// notification signs m as Allinpay signs a notification and returns it as
// the form the merchant receives.
func (f *fakeAllinpay) notification(m map[string]string) url.Values {
	f.signReply(m)
	form := url.Values{}
	for k, v := range m {
		form.Set(k, v)
	}
	return form
}

func (f *fakeAllinpay) respond(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		f.t.Errorf("request body is not a form: %v", err)
	}
	method := req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:]
	f.mu.Lock()
	f.methods = append(f.methods, method)
	f.requests = append(f.requests, form)
	f.headers = append(f.headers, req.Header.Clone())
	f.mu.Unlock()
	for k, vs := range form {
		if len(vs) != 1 {
			f.t.Errorf("field %s sent %d times", k, len(vs))
		}
	}
	if !f.checkRequest(form) {
		return reply(map[string]string{"retcode": "FAIL", "retmsg": "签名验证失败"}), nil
	}
	fields, fail := map[string]string{}, ""
	if f.handle != nil {
		fields, fail = f.handle(method, form)
	}
	if fail != "" {
		return reply(map[string]string{"retcode": "FAIL", "retmsg": fail}), nil
	}
	out := map[string]string{"retcode": "SUCCESS", "randomstr": "a1b2c3"}
	for k, v := range fields {
		out[k] = v
	}
	f.signReply(out)
	if f.tamper != nil {
		f.tamper(out)
	}
	return reply(out), nil
}

func reply(m map[string]string) *http.Response {
	b, _ := json.Marshal(m)
	return httpmock.NewBytesResponse(http.StatusOK, b)
}

// records encodes v as Allinpay's records field.
func records(tb testing.TB, v any) string {
	tb.Helper()
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			tb.Fatal(err)
		}
	}
	return base64.StdEncoding.EncodeToString(b)
}

// testCreds are the merchant credentials of the given sign type, with the
// tl_* public key as Allinpay's.
func testCreds(tb testing.TB, st SignType) Credentials {
	tb.Helper()
	kind := map[SignType]string{SignRSA: "rsa", SignSM2: "sm2"}[st]
	return Credentials{
		AppID:             testAppID,
		CusID:             testCusID,
		SignType:          st,
		PrivateKey:        signing.NewSecret(readTestdata(tb, "merchant_"+kind+"_key.b64")),
		AllinpayPublicKey: string(readTestdata(tb, "tl_"+kind+"_pub.b64")),
	}
}

// newTestClient builds a client of sign type st against a fresh fake.
func newTestClient(tb testing.TB, st SignType, opts ...option.Option) (*Client, *fakeAllinpay) {
	tb.Helper()
	f := newFake(tb, st)
	opts = append([]option.Option{option.WithTransport(f.transport()), option.WithRetry(option.Retry{})}, opts...)
	c, err := NewClient(testCreds(tb, st), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c, f
}

var signTypes = []SignType{SignRSA, SignSM2}

// parseSM2Public reads an SM2 SubjectPublicKeyInfo with encoding/asn1 alone
// (tjfoc's x509 package needs golang.org/x/crypto, which the module does not
// depend on), so the fake does not share the package's key loading.
func parseSM2Public(tb testing.TB, der []byte) *gmsm.PublicKey {
	tb.Helper()
	var info struct {
		Algo pkix.AlgorithmIdentifier
		Key  asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil || len(info.Key.Bytes) != 65 {
		tb.Fatalf("sm2 public key: %v", err)
	}
	pt := info.Key.Bytes
	return &gmsm.PublicKey{Curve: gmsm.P256Sm2(), X: new(big.Int).SetBytes(pt[1:33]), Y: new(big.Int).SetBytes(pt[33:])}
}

// parseSM2Private reads an SM2 PKCS#8 key (SEC1 inside, with the public
// point) with encoding/asn1.
func parseSM2Private(tb testing.TB, der []byte) *gmsm.PrivateKey {
	tb.Helper()
	var p8 struct {
		Version int
		Algo    pkix.AlgorithmIdentifier
		Key     []byte
	}
	var sec1 struct {
		Version int
		D       []byte
		Curve   asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
		Pub     asn1.BitString        `asn1:"optional,explicit,tag:1"`
	}
	if _, err := asn1.Unmarshal(der, &p8); err != nil {
		tb.Fatalf("sm2 pkcs8: %v", err)
	}
	if _, err := asn1.Unmarshal(p8.Key, &sec1); err != nil {
		tb.Fatalf("sm2 sec1: %v", err)
	}
	pt := sec1.Pub.Bytes // OpenSSL writes the public point into the key
	if len(pt) != 65 {
		tb.Fatalf("sm2 key without its public point")
	}
	pub := gmsm.PublicKey{Curve: gmsm.P256Sm2(), X: new(big.Int).SetBytes(pt[1:33]), Y: new(big.Int).SetBytes(pt[33:])}
	return &gmsm.PrivateKey{PublicKey: pub, D: new(big.Int).SetBytes(sec1.D)}
}
