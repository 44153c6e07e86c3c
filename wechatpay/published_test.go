package wechatpay

import (
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// Source: wechatpay-apiv3/wechatpay-go core/notify/notify_test.go,
// TestHandler_ParseNotifyRequest: a PAYSCORE callback signed by the test
// platform certificate at 1624523846. That test decrypts with a 16-byte
// "APIv3 key" (AES-128), which this package refuses by design, so only the
// signature half of the vector is checked here.
const (
	goVectorBody = `{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00",` +
		`"resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功",` +
		`"resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt` +
		`tevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR` +
		`7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}`
	goVectorSig = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXF" +
		"lbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1I" +
		"BLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY4" +
		"06ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q=="
)

func goVectorHeader() http.Header {
	return http.Header{
		"Content-Type":        {"application/json"},
		"Wechatpay-Nonce":     {"EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"},
		"Wechatpay-Timestamp": {"1624523846"},
		"Wechatpay-Serial":    {"D7CE59D1F522D701"},
		"Wechatpay-Signature": {goVectorSig},
	}
}

func TestPublishedCallbackVector(t *testing.T) {
	pemBytes, err := os.ReadFile("testdata/published/wechatpay_go_notify_cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := LoadCertificate(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	if s := CertificateSerial(cert); s != "D7CE59D1F522D701" {
		t.Fatalf("CertificateSerial = %s", s)
	}
	at := func(ts int64) option.Option { return option.WithClock(func() time.Time { return time.Unix(ts, 0) }) }
	c, err := NewClient(testCreds(t), WithPlatformCertificates(cert), at(1624523846))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.verify(ctx(t), goVectorHeader(), []byte(goVectorBody), false); err != nil {
		t.Fatalf("published callback does not verify: %v", err)
	}
	// One changed byte, a probe prefix, or a day later: rejected.
	if err := c.verify(ctx(t), goVectorHeader(), []byte(goVectorBody[:len(goVectorBody)-2]+" }"), false); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("tampered: %v", err)
	}
	h := goVectorHeader()
	h.Set("Wechatpay-Signature", ProbeSignaturePrefix+goVectorSig)
	if err := c.verify(ctx(t), h, []byte(goVectorBody), false); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("probe: %v", err)
	}
	late, _ := NewClient(testCreds(t), WithPlatformCertificates(cert), at(1624523846+86400))
	if err := late.verify(ctx(t), goVectorHeader(), []byte(goVectorBody), false); !errors.Is(err, complaint.ErrTimestampSkew) {
		t.Errorf("a day later: %v", err)
	}
	// Its 16-byte key would silently select AES-128 in that SDK; here it is refused.
	creds := testCreds(t)
	creds.APIv3Key = signing.NewSecret("testMchAPIv3Key0")
	if _, err := NewClient(creds); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Errorf("16-byte APIv3 key: %v", err)
	}
}
