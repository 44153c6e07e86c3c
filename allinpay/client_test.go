package allinpay

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

func TestNewClientValidation(t *testing.T) {
	rsaKey := readTestdata(t, "merchant_rsa_key.b64")
	sm2Key := readTestdata(t, "merchant_sm2_key.b64")
	base := func() Credentials {
		return Credentials{AppID: testAppID, CusID: testCusID, SignType: SignRSA, PrivateKey: signing.NewSecret(rsaKey)}
	}
	cases := map[string]struct {
		edit func(*Credentials)
		opts []option.Option
		want error
	}{
		"no appid":          {func(c *Credentials) { c.AppID = "" }, nil, complaint.ErrInvalidRequest},
		"no cusid":          {func(c *Credentials) { c.CusID = "" }, nil, complaint.ErrInvalidRequest},
		"appid with space":  {func(c *Credentials) { c.AppID = "0000 051" }, nil, complaint.ErrInvalidRequest},
		"orgid with &":      {func(c *Credentials) { c.OrgID = "1&x=2" }, nil, complaint.ErrInvalidRequest},
		"no sign type":      {func(c *Credentials) { c.SignType = "" }, nil, complaint.ErrInvalidRequest},
		"RSA2":              {func(c *Credentials) { c.SignType = "RSA2" }, nil, complaint.ErrInvalidRequest},
		"no key":            {func(c *Credentials) { c.PrivateKey = signing.Secret{} }, nil, complaint.ErrInvalidRequest},
		"garbage key":       {func(c *Credentials) { c.PrivateKey = signing.NewSecret("not a key at all") }, nil, signing.ErrKeyInvalid},
		"sm2 key as RSA":    {func(c *Credentials) { c.PrivateKey = signing.NewSecret(sm2Key) }, nil, signing.ErrKeyInvalid},
		"rsa key as SM2":    {func(c *Credentials) { c.SignType = SignSM2 }, nil, signing.ErrKeyInvalid},
		"sm2 pub as RSA TL": {func(c *Credentials) { c.AllinpayPublicKey = testSM2PublicKey }, nil, signing.ErrKeyInvalid},
		"bad environment":   {nil, []option.Option{WithEnvironment("staging")}, nil},
		"bad version":       {nil, []option.Option{WithVersion("wxcomplainthistory", "v1")}, complaint.ErrInvalidRequest},
		"bad version name":  {nil, []option.Option{WithVersion("a/b", "11")}, complaint.ErrInvalidRequest},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			creds := base()
			if tc.edit != nil {
				tc.edit(&creds)
			}
			c, err := NewClient(creds, tc.opts...)
			if c != nil || err == nil {
				t.Fatalf("accepted: %v", c)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v does not match %v", err, tc.want)
			}
			for _, secret := range []string{string(rsaKey[:40]), string(sm2Key[:40])} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error quotes key material: %v", err)
				}
			}
		})
	}
	// PEM works as well as bare Base64.
	pem := "-----BEGIN PRIVATE KEY-----\n" + string(sm2Key) + "\n-----END PRIVATE KEY-----\n"
	if _, err := NewClient(Credentials{AppID: testAppID, CusID: testCusID, SignType: SignSM2, PrivateKey: signing.NewSecret(pem)}); err != nil {
		t.Fatalf("PEM SM2 key: %v", err)
	}
}

// The published keys are chosen by environment, a given key replaces the
// client's type's, and the base URL follows the environment unless
// option.WithBaseURL overrides it.
func TestEnvironments(t *testing.T) {
	key := signing.NewSecret(readTestdata(t, "merchant_sm2_key.b64"))
	for _, env := range []Environment{Production, Test} {
		c, err := NewClient(Credentials{AppID: testAppID, CusID: testCusID, SignType: SignSM2, PrivateKey: key}, WithEnvironment(env))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range signTypes {
			want, _ := env.publicKey(st)
			if got := marshalVerifierKey(t, c.verifier, st); got != want {
				t.Errorf("%s %s: verifier key is not the published one", env, st)
			}
		}
		if c.Environment() != env || c.http.BaseURL+"/" != env.BaseURL() {
			t.Errorf("%s: base url %s", env, c.http.BaseURL)
		}
	}
	creds := testCreds(t, SignSM2)
	c, err := NewClient(creds, option.WithBaseURL("http://127.0.0.1:9/riskfeeback/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := marshalVerifierKey(t, c.verifier, SignSM2); got != strings.TrimSpace(creds.AllinpayPublicKey) {
		t.Error("given Allinpay key not used")
	}
	if got := marshalVerifierKey(t, c.verifier, SignRSA); got != productionRSAPublicKey {
		t.Error("other sign type does not fall back to the published key")
	}
	if c.http.BaseURL != "http://127.0.0.1:9/riskfeeback" {
		t.Errorf("base url %s", c.http.BaseURL)
	}
	if _, err := NewClient(creds, option.For("payjs", func(*struct{}) error { return nil })); err == nil {
		t.Error("another provider's option accepted")
	}
}

func marshalVerifierKey(t *testing.T, v *verifier, st SignType) string {
	t.Helper()
	if st == SignRSA {
		// Compare through the published form: parse the constant and match.
		for _, k := range []string{productionRSAPublicKey, testRSAPublicKey, string(readTestdata(t, "tl_rsa_pub.b64"))} {
			pub, err := signing.ParseRSAPublicKey([]byte(k))
			if err == nil && pub.Equal(v.rsa) {
				return strings.TrimSpace(k)
			}
		}
		return ""
	}
	der, err := sm2.MarshalPublicKey(v.sm2)
	if err != nil {
		t.Fatal(err)
	}
	return signing.EncodeBase64(der)
}

// The client never prints its key.
func TestClientString(t *testing.T) {
	creds := testCreds(t, SignRSA)
	c, err := NewClient(creds)
	if err != nil {
		t.Fatal(err)
	}
	key := string(creds.PrivateKey.Bytes())
	for _, s := range []string{c.String(), fmt.Sprintf("%v", creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds)} {
		if strings.Contains(s, key[:40]) || strings.Contains(s, key[100:140]) {
			t.Fatalf("key printed: %s", s)
		}
	}
	if c.AppID() != testAppID || c.CusID() != testCusID || c.SignType() != SignRSA {
		t.Fatal("accessors")
	}
}

// The notification verifier: by the message's own signtype, over every
// field, a field given twice refused.
func TestVerifyValues(t *testing.T) {
	c, _ := newTestClient(t, SignRSA) // built for RSA, still verifies SM2 notifications with the published key
	for _, st := range signTypes {
		f := newFake(t, st)
		m := map[string]string{"risktype": "COMPLAINT", "resource": `{"complaint_id":"2000","action_type":"CREATE_COMPLAINT"}`,
			"cusid": testCusID, "signtype": string(st), "appid": testAppID, "blank": ""}
		form := f.notification(m)
		err := c.verifier.verifyValues(st, form)
		switch st {
		case SignRSA:
			if err != nil {
				t.Fatalf("RSA notification: %v", err)
			}
		case SignSM2:
			// Signed with the test TL key, not the published production one.
			if !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Fatalf("SM2 notification under the wrong key: %v", err)
			}
		}
		form.Add("risktype", "VIOLATION")
		if err := c.verifier.verifyValues(st, form); !errors.Is(err, ErrMalformed) {
			t.Fatalf("duplicate field: %v", err)
		}
	}
	sm2Client, _ := newTestClient(t, SignSM2)
	f := newFake(t, SignSM2)
	m := map[string]string{"risktype": "VIOLATION", "signtype": "SM2", "x": "1"}
	form := f.notification(m)
	if err := sm2Client.verifier.verifyValues(SignSM2, form); err != nil {
		t.Fatalf("SM2 notification: %v", err)
	}
	form.Set("x", "2")
	if err := sm2Client.verifier.verifyValues(SignSM2, form); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("tampered SM2 notification: %v", err)
	}
	if err := sm2Client.verifier.verifyValues("RSA2", form); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("unknown sign type: %v", err)
	}
}
