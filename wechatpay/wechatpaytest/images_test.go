package wechatpaytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/wechatpay"
)

var mediaIDRE = regexp.MustCompile(`^[0-9A-F]{32}\.(png|jpg|bmp)$`)

func TestUploadAndDownload(t *testing.T) {
	s, _ := fixedServer(t)
	tc := newTClient(s)
	img := SamplePNG()
	r := tc.upload(t, "/v3/merchant-service", "凭证.png", img, "")
	if r.status != 200 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	var up wechatpay.UploadImageResponse
	r.json(t, &up)
	if !mediaIDRE.MatchString(up.MediaID) {
		t.Errorf("media_id %q", up.MediaID)
	}
	// The signed body was the meta JSON, and the server kept the bytes.
	if got, ct, ok := s.Image(up.MediaID); !ok || !bytes.Equal(got, img) || ct != "image/png" {
		t.Errorf("stored %v %q", ok, ct)
	}
	r = tc.do(t, http.MethodGet, "/v3/merchant-service/images/"+up.MediaID, nil)
	if r.status != 200 || !bytes.Equal(r.body, img) || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("download: %d %q", r.status, r.header.Get("Content-Type"))
	}
	for _, h := range []string{"Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial"} {
		if r.header.Get(h) != "" {
			t.Errorf("image download carries %s", h)
		}
	}
	if r.header.Get("Request-ID") == "" {
		t.Error("no Request-ID on the download")
	}
}

func TestUploadRejects(t *testing.T) {
	s, _ := fixedServer(t)
	tc := newTClient(s)
	img := SamplePNG()
	other := sha256.Sum256([]byte("other"))
	for _, tt := range []struct {
		name, filename string
		file           []byte
		sha            string
	}{
		{"sha256 mismatch", "a.png", img, hex.EncodeToString(other[:])},
		{"not an image", "a.png", []byte("GIF89a......"), ""},
		{"gif name", "a.gif", img, ""},
		{"no extension", "a", img, ""},
		{"empty file", "a.png", nil, ""},
		{"too large", "a.png", append(SamplePNG(), make([]byte, wechatpay.MaxImageBytes)...), ""},
	} {
		r := tc.upload(t, "/v3/merchant-service", tt.filename, tt.file, tt.sha)
		if r.status != 400 || r.errCode(t) != "PARAM_ERROR" {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	// Upper-case hex digests are accepted too.
	sum := sha256.Sum256(img)
	if r := tc.upload(t, "/v3/merchant-service", "a.PNG", img, strings.ToUpper(hex.EncodeToString(sum[:]))); r.status != 200 {
		t.Errorf("upper-case sha256: %d %s", r.status, r.body)
	}

	// Signing the multipart body instead of the meta JSON is a signature error.
	meta := []byte(`{"filename":"a.png","sha256":"` + hex.EncodeToString(sum[:]) + `"}`)
	body, ct := multipartUpload(t, meta, "a.png", img)
	const target = "/v3/merchant-service/images/upload"
	if r := tc.send(t, http.MethodPost, target, body, ct, tc.authHeader("POST", target, body)); r.status != 401 || r.errCode(t) != "SIGN_ERROR" {
		t.Errorf("multipart body signed: %d %s", r.status, r.body)
	}
	// Not multipart at all.
	if r := tc.do(t, http.MethodPost, target, meta); r.status != 400 {
		t.Errorf("json upload: %d", r.status)
	}
	// No file part.
	body, ct = func() ([]byte, string) {
		b, c := multipartUpload(t, meta, "a.png", img)
		i := bytes.Index(b, []byte(`name="file"`))
		return append(b[:i], []byte("name=\"other\"\r\n\r\nx\r\n--"+strings.TrimPrefix(c, "multipart/form-data; boundary=")+"--\r\n")...), c
	}()
	if r := tc.send(t, http.MethodPost, target, body, ct, tc.authHeader("POST", target, meta)); r.status != 400 {
		t.Errorf("no file part: %d %s", r.status, r.body)
	}
}

func TestEscapedMediaIDDownloadsVerbatim(t *testing.T) {
	s, _ := fixedServer(t)
	tc := newTClient(s)
	c := s.AddComplaint(s.SampleComplaint(0))
	mediaURL := c.ComplaintMediaList[0].MediaURL[0]
	if !strings.Contains(mediaURL, "%2F") || !strings.HasSuffix(mediaURL, "%3D%3D") || !strings.HasPrefix(mediaURL, s.URL+"/v3/merchant-service/images/") {
		t.Fatalf("seeded media url %q", mediaURL)
	}
	u, err := url.Parse(mediaURL)
	if err != nil {
		t.Fatal(err)
	}
	// Verbatim: sign and send u.RequestURI() (escaping preserved).
	r := tc.do(t, http.MethodGet, u.RequestURI(), nil)
	if r.status != 200 || !bytes.Equal(r.body, SamplePNG()) {
		t.Fatalf("verbatim: %d %s", r.status, r.body)
	}
	// Decoded or double-encoded ids are other resources, as with WeChat.
	decoded := strings.NewReplacer("%2F", "/", "%3D", "=").Replace(u.RequestURI())
	double := strings.ReplaceAll(u.RequestURI(), "%", "%25")
	for name, p := range map[string]string{"decoded": decoded, "double": double} {
		if r := tc.do(t, http.MethodGet, p, nil); r.status != 404 {
			t.Errorf("%s: %d", name, r.status)
		}
	}
}

// handlerTransport calls a handler in-process.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

func TestInProcessHandler(t *testing.T) {
	s, _ := fixedServer(t)
	c := s.AddComplaint(s.SampleComplaint(0))
	tc := newTClient(s)
	tc.hc = &http.Client{Transport: handlerTransport{s.Handler()}}
	u, _ := url.Parse(c.ComplaintMediaList[0].MediaURL[0])
	r := tc.do(t, http.MethodGet, u.RequestURI(), nil)
	if r.status != 200 || !bytes.Equal(r.body, SamplePNG()) {
		t.Fatalf("in-process image: %d %s", r.status, r.body)
	}
	r = tc.do(t, http.MethodGet, mainlandList+"/"+c.ComplaintID, nil)
	if r.status != 200 {
		t.Fatalf("in-process detail: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].RequestURI != u.RequestURI() || reqs[0].Status != 200 || reqs[0].Header.Get("Authorization") == "" {
		t.Errorf("recorded %+v", reqs)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Error("ResetRequests")
	}
}
