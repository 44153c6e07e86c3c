package allinpay

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// The vectors under testdata/openssl were made by OpenSSL (gen.sh, README.md).

// historyForm builds the request of request_{rsa,sm2}.txt through the
// client's own request path.
func historyForm(t *testing.T, c *Client) url.Values {
	t.Helper()
	fixedRandom(c, "0f1e2d3c4b5a69788796a5b4")
	form, err := c.requestForm(historyEndpoint, &ListHistoryRequest{ComplaintID: "200000020230530232256940819", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return form
}

// SHA1withRSA is deterministic: the client's request signature is OpenSSL's
// byte for byte, over the string OpenSSL signed.
func TestOpenSSLRSARequest(t *testing.T) {
	c, _ := newTestClient(t, SignRSA)
	form := historyForm(t, c)
	if got, want := string(rule.Build(signing.ParamsFromValues(form), nil)), string(readTestdata(t, "request_rsa.txt")); got != want {
		t.Fatalf("string to sign\n got %s\nwant %s", got, want)
	}
	if got, want := form.Get("sign"), strings.TrimSpace(string(readTestdata(t, "request_rsa.sig.b64"))); got != want {
		t.Fatalf("signature differs from openssl's\n got %s\nwant %s", got, want)
	}
}

// OpenSSL's SM2 request signature (DER, distid = the appid) verifies under
// the appid once converted to raw r‖s, and under no other id.
func TestOpenSSLSM2Request(t *testing.T) {
	c, _ := newTestClient(t, SignSM2)
	form := historyForm(t, c)
	msg := rule.Build(signing.ParamsFromValues(form), nil)
	if want := readTestdata(t, "request_sm2.txt"); !bytes.Equal(msg, want) {
		t.Fatalf("string to sign\n got %s\nwant %s", msg, want)
	}
	raw, err := sm2.DERToRaw(readB64(t, "request_sm2.uid_00000051.der.b64"))
	if err != nil {
		t.Fatal(err)
	}
	pub := c.signer.sm2.Public()
	if err := sm2.Verify(pub, []byte(testAppID), msg, raw, sm2.Raw); err != nil {
		t.Fatalf("openssl's signature does not verify under the appid: %v", err)
	}
	if err := sm2.Verify(pub, responseUID, msg, raw, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("openssl's request signature verifies under \"Allinpay\": %v", err)
	}
}

// OpenSSL's reply signatures (TL keys; SM2 under distid Allinpay) verify
// through the client's whole reply path, and the decoded records come out.
func TestOpenSSLReplies(t *testing.T) {
	fields, err := url.ParseQuery(string(readTestdata(t, "response.txt")))
	if err != nil {
		t.Fatal(err)
	}
	sigs := map[SignType]string{SignRSA: strings.TrimSpace(string(readTestdata(t, "response_rsa.sig.b64")))}
	raw, err := sm2.DERToRaw(readB64(t, "response_sm2.uid_Allinpay.der.b64"))
	if err != nil {
		t.Fatal(err)
	}
	sigs[SignSM2] = base64.StdEncoding.EncodeToString(raw)
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, _ := newTestClient(t, st)
			body := `{"retcode":"SUCCESS","randomstr":"` + fields.Get("randomstr") + `","records":"` + fields.Get("records") +
				`","sign":"` + sigs[st] + `"}`
			resp, err := c.readResponse("wxcomplainthistory", 200, []byte(body))
			if err != nil {
				t.Fatalf("openssl's reply signature does not verify: %v", err)
			}
			b, err := resp.records()
			if err != nil {
				t.Fatal(err)
			}
			p, err := decodeHistory(b)
			if err != nil || p.Limit != 100 || p.Offset != 0 || len(p.Data) != 0 {
				t.Fatalf("records: %+v, %v", p, err)
			}
			tampered := strings.Replace(body, `"randomstr":"7a1c"`, `"randomstr":"7a1d"`, 1)
			if _, err := c.readResponse("wxcomplainthistory", 200, []byte(tampered)); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Fatalf("tampered reply: %v", err)
			}
		})
	}
}

// Where openssl is installed, it verifies the client's own SM2 request
// signatures (raw r‖s converted to DER) with distid = the appid, and refuses
// them with distid Allinpay.
func TestOpenSSLVerifiesOurSM2(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH; the committed vectors cover the other direction")
	}
	c, _ := newTestClient(t, SignSM2)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pubDER := readB64(t, "merchant_sm2_pub.b64")
	pem := "-----BEGIN PUBLIC KEY-----\n" + base64.StdEncoding.EncodeToString(pubDER) + "\n-----END PUBLIC KEY-----\n"
	pubPath := write("pub.pem", []byte(pem))
	for i := range 3 { // randomised: a few signatures, one of which may have a short r or s
		form, err := c.requestForm(historyEndpoint, &ListHistoryRequest{ComplaintID: "2000000202305302322569408" + string(rune('0'+i))})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(form.Get("sign"))
		der, err := sm2.RawToDER(raw)
		if err != nil {
			t.Fatal(err)
		}
		msgPath := write("msg", rule.Build(signing.ParamsFromValues(form), nil))
		sigPath := write("sig", der)
		for _, id := range []string{testAppID, "Allinpay"} {
			out, err := exec.Command(bin, "dgst", "-sm3", "-verify", pubPath, "-sigopt", "distid:"+id, "-signature", sigPath, msgPath).CombinedOutput()
			ok := err == nil && bytes.Contains(out, []byte("Verified OK"))
			if ok != (id == testAppID) {
				t.Fatalf("openssl with distid %s: ok=%v: %s", id, ok, out)
			}
		}
	}
}

// Where openssl is installed, it verifies the client's RSA request signature.
func TestOpenSSLVerifiesOurRSA(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH")
	}
	c, _ := newTestClient(t, SignRSA)
	form, err := c.requestForm(historyEndpoint, &ListHistoryRequest{ComplaintID: "200000020230530232256940819", Offset: 7})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pem := "-----BEGIN PUBLIC KEY-----\n" + strings.TrimSpace(string(readTestdata(t, "merchant_rsa_pub.b64"))) + "\n-----END PUBLIC KEY-----\n"
	sig, _ := base64.StdEncoding.DecodeString(form.Get("sign"))
	files := map[string][]byte{"pub.pem": []byte(pem), "sig": sig, "msg": rule.Build(signing.ParamsFromValues(form), nil)}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(bin, "dgst", "-sha1", "-verify", filepath.Join(dir, "pub.pem"), "-signature", filepath.Join(dir, "sig"), filepath.Join(dir, "msg")).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Verified OK")) {
		t.Fatalf("openssl: %v: %s", err, out)
	}
}
