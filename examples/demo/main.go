// Command demo shows tousu's pieces working together, offline: the shared
// signers, then a complaint callback endpoint that verifies, de-duplicates and
// dispatches events. Run it with:
//
//	go run ./examples/demo
package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/signing"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	fmt.Fprintln(out, "tousu demo: signing and the callback handler, offline")
	if err := demoSigning(out); err != nil {
		return err
	}
	return demoHandler(out)
}

// demoSigning signs the same kind of data the four providers sign.
func demoSigning(out io.Writer) error {
	fmt.Fprintln(out, "\n== signing")

	// PAYJS: PHP array_filter semantics, ksort, raw values, &key=, upper-case MD5.
	payjs := signing.MD5Signer{
		Rule:   signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitPHPFalsy, Placement: signing.KeyAppend},
		Secret: signing.NewSecret("demo-key"),
		Case:   signing.Upper,
	}
	params := []signing.Param{{Key: "mchid", Value: "123456"}, {Key: "total_fee", Value: "1000000"},
		{Key: "body", Value: "测试 订单"}, {Key: "attach", Value: ""}, {Key: "auto", Value: "0"}}
	sig := payjs.Sign(params)
	fmt.Fprintf(out, "PAYJS MD5 (attach=\"\" and auto=0 dropped, body signed raw): %s\n", sig)
	if err := payjs.Verify(params, sig); err != nil {
		return fmt.Errorf("payjs verify: %w", err)
	}

	// Allinpay: sorted non-empty pairs, SHA1withRSA, and SM3withSM2 with the appid as user id.
	allinpay := signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}
	msg := allinpay.Build(signing.ParamsFromMap(map[string]string{
		"appid": "00000051", "cusid": "990581007426001", "randomstr": "82712208", "signtype": "RSA",
		"trxid": "112094120001088317", "version": "11", "orgid": "",
	}), nil)
	fmt.Fprintf(out, "Allinpay string to sign: %s\n", msg)
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	key, err := signing.NewRSAPrivateKey(rk)
	if err != nil {
		return err
	}
	rsaSig, err := signing.SignRSABase64(key, crypto.SHA1, msg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Allinpay RSA-SHA1 signature verifies: %v (key prints as %v)\n",
		signing.VerifyRSABase64(key.Public(), crypto.SHA1, msg, rsaSig) == nil, key)
	sm2Key, err := signing.GenerateSM2Key(nil)
	if err != nil {
		return err
	}
	sm2Sig, err := signing.SignSM2(sm2Key, []byte("00000051"), msg, signing.SM2Raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Allinpay SM2 signature: %d bytes r||s; verifies with the appid: %v, with the default id: %v\n",
		len(sm2Sig),
		signing.VerifySM2(sm2Key.Public(), []byte("00000051"), msg, sm2Sig, signing.SM2Raw) == nil,
		signing.VerifySM2(sm2Key.Public(), signing.SM2DefaultUID, msg, sm2Sig, signing.SM2Raw) == nil)

	// WeChat Pay callbacks: AES-256-GCM with the 32-byte APIv3 key; bad input is an error, not a panic.
	gcm, err := signing.NewAESGCM([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		return err
	}
	ct, err := gcm.Seal(nil, []byte("lgSUQQVhgMrq"), []byte(`{"complaint_id":"200201820200101080076610000","action_type":"CREATE_COMPLAINT"}`), []byte("complaint"))
	if err != nil {
		return err
	}
	pt, err := gcm.Open(nil, []byte("lgSUQQVhgMrq"), ct, []byte("complaint"))
	if err != nil {
		return err
	}
	_, badNonce := gcm.Open(nil, []byte("short"), ct, []byte("complaint"))
	fmt.Fprintf(out, "WeChat AES-GCM opened: %s; a 5-byte nonce gives: %v\n", pt, badNonce)
	return nil
}

// demoReceiver stands in for a provider's receiver until the provider packages
// are wired into this demo: the body is "<signature>|<event id>|<complaint id>".
type demoReceiver struct{}

func (demoReceiver) Provider() complaint.Provider { return "demo" }

func (demoReceiver) Receive(_ context.Context, _ http.Header, body []byte) ([]complaint.Event, error) {
	parts := strings.Split(string(body), "|")
	if len(parts) != 3 || parts[1] == "" {
		return nil, complaint.ErrMalformedNotification
	}
	if parts[0] != "valid" {
		return nil, complaint.ErrSignatureInvalid
	}
	return []complaint.Event{{ID: parts[1], Provider: "demo", Kind: complaint.KindCreated, ComplaintID: parts[2]}}, nil
}

func (demoReceiver) Ack(err error) complaint.Ack {
	if err != nil {
		return complaint.Ack{Status: complaint.StatusFor(err), ContentType: "application/json",
			Body: []byte(`{"code":"FAIL","message":"rejected"}`)}
	}
	return complaint.Ack{Status: http.StatusNoContent}
}

func demoHandler(out io.Writer) error {
	fmt.Fprintln(out, "\n== callback handler")
	dispatched := 0
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		dispatched++
		fmt.Fprintf(out, "  sink got event %s: %s for complaint %s\n", e.ID, e.Kind, e.ComplaintID)
		return nil
	})
	srv := httptest.NewServer(complaint.NewHandler(demoReceiver{}, sink, complaint.WithMaxBodyBytes(1024)))
	defer srv.Close()

	deliveries := []struct{ what, body string }{
		{"new complaint", "valid|evt-1|C100"},
		{"same event redelivered", "valid|evt-1|C100"},
		{"forged signature", "forged|evt-2|C200"},
		{"malformed body", "garbage"},
		{"oversize body", "valid|evt-3|" + strings.Repeat("x", 2048)},
	}
	for _, d := range deliveries {
		resp, err := http.Post(srv.URL, "text/plain", strings.NewReader(d.body))
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		fmt.Fprintf(out, "%-24s -> HTTP %d\n", d.what, resp.StatusCode)
	}
	if dispatched != 1 {
		return errors.New("the sink should have run exactly once")
	}
	fmt.Fprintln(out, "one event dispatched once; forged, malformed and oversize input dispatched nothing")
	return nil
}
