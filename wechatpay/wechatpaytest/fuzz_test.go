package wechatpaytest

import (
	"bytes"
	"crypto"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// FuzzParseAuthorization: the parser never panics, accepts only complete
// headers, and what it accepts re-serialises to an equivalent header.
func FuzzParseAuthorization(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature="uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XmVoqi4o/oQXWpnL5ukGthOjhTaxHBx7ey+jUAcvNSCeBxjiQXDQ=="`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="S",x="1",timestamp="1",nonce_str="n",mchid="m"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1",`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 =""`)
	f.Add(`Bearer abc`)
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err != nil {
			return
		}
		for _, v := range []string{a.MchID, a.NonceStr, a.Timestamp, a.SerialNo, a.Signature} {
			if v == "" || strings.ContainsRune(v, '"') {
				t.Fatalf("accepted %q with field %q", h, v)
			}
		}
		again := AuthScheme + ` mchid="` + a.MchID + `",nonce_str="` + a.NonceStr + `",timestamp="` + a.Timestamp +
			`",serial_no="` + a.SerialNo + `",signature="` + a.Signature + `"`
		b, err := parseAuthorization(again)
		if err != nil || b != a {
			t.Fatalf("round trip of %q: %+v %v", h, b, err)
		}
	})
}

// FuzzParseUpload: any body under any content type is parsed or rejected
// with a 400, never a panic; an accepted upload has both parts.
func FuzzParseUpload(f *testing.F) {
	meta := []byte(`{"filename":"a.png","sha256":"00"}`)
	var b bytes.Buffer
	b.WriteString("--X\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n")
	b.Write(meta)
	b.WriteString("\r\n--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
	b.Write(SamplePNG())
	b.WriteString("\r\n--X--\r\n")
	f.Add("multipart/form-data; boundary=X", b.Bytes())
	f.Add("multipart/form-data; boundary=X", []byte("--X\r\n\r\n--X--"))
	f.Add("multipart/form-data", []byte("x"))
	f.Add("application/json", meta)
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		up, bad := parseUpload(ct, body)
		if bad != nil {
			if bad.status != http.StatusBadRequest || !json.Valid(bad.body) {
				t.Fatalf("rejection %d %s", bad.status, bad.body)
			}
			return
		}
		if up == nil || len(up.meta) > maxMetaBytes || len(up.file) > wechatpay.MaxImageBytes+1 {
			t.Fatal("accepted an upload past the limits")
		}
	})
}

// FuzzHandler: whatever arrives, signed or not, the server answers without
// panicking, and every error carries a WeChat error body. Signed inputs reach
// the routes (JSON decoding, multipart parsing, validation, state changes).
func FuzzHandler(f *testing.F) {
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	s := newServer(WithClock(func() time.Time { return now }))
	s.URL = "http://wechatpay.test"
	c := s.AddComplaint(s.SampleComplaint(2))
	s.AddComplaint(s.SampleComplaint(0))
	base := "/v3/merchant-service/complaints-v2/" + c.ComplaintID
	f.Add(true, "GET", "/v3/merchant-service/complaints-v2?begin_date=2025-06-01&end_date=2025-06-30&limit=5", "", []byte(nil))
	f.Add(true, "POST", base+"/response", "application/json", []byte(`{"complainted_mchid":"1900000109","response_content":"您好"}`))
	f.Add(true, "POST", base+"/update-refund-progress", "application/json", []byte(`{"action":"REJECT","reject_reason":"x","reject_media_list":["a"]}`))
	f.Add(true, "POST", base+"/response-immediate-service", "application/json", []byte(`{"complainted_mchid":"1900000109","idempotent_id":"1","message":{"blocks":[{"type":"BUTTON_GROUP","button_group":{"buttons":[{"text":"a","action":{"action_type":"ACTION_TYPE_JUMP_URL","jump_url":"https://a"}}]}}]}}`))
	f.Add(true, "PUT", "/v3/merchant-service/complaint-notifications", "application/json", []byte(`{"url":"https://a.example/n"}`))
	f.Add(true, "POST", "/v3/merchant-service/images/upload", "multipart/form-data; boundary=X", []byte("--X--"))
	f.Add(true, "GET", "/v3/merchant-service/images/a%2Fb%3D%3D", "", []byte(nil))
	f.Add(false, "DELETE", "/v3/global/merchant-service/complaint-notifications", "", []byte("{}"))
	f.Fuzz(func(t *testing.T, sign bool, method, target, ct string, body []byte) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "http://wechatpay.test"+target, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", ct)
		if sign {
			signed := body
			if up, bad := parseUpload(ct, body); bad == nil {
				signed = up.meta
			}
			ts := strconv.FormatInt(now.Unix(), 10)
			msg := signMessage(method, req.URL.RequestURI(), ts, "fuzz", signed)
			sig, err := signing.SignRSABase64(s.MerchantPrivateKey(), crypto.SHA256, msg)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", AuthScheme+` mchid="`+s.MchID()+`",nonce_str="fuzz",timestamp="`+ts+`",serial_no="`+s.MerchantSerial()+`",signature="`+sig+`"`)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		s.ResetRequests()
		if !sign && rec.Code < 400 {
			t.Fatalf("unsigned request answered %d", rec.Code)
		}
		if rec.Code >= 400 {
			var e struct{ Code, Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
				t.Fatalf("%d error body %q", rec.Code, rec.Body.Bytes())
			}
		}
	})
}

// FuzzDecodeStrict: any body is decoded into a request struct or refused with
// a 400 PARAM_ERROR naming a field, never a panic; what is accepted encodes
// back to a body that is accepted again and encodes the same.
func FuzzDecodeStrict(f *testing.F) {
	for _, name := range []string{"request_response_immediate_service.json", "request_response_mainland.json", "request_update_refund_progress.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "docs", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"complainted_mchid":"1","message":{"blocks":[{"type":"TEXT","text":{"text":"x","Is_Bold":true}}]},"idempotent_id":"1"}`))
	f.Add([]byte(`{"complainted_mchid":1}`))
	f.Add([]byte(`{"message":{"blocks":[{"button":{"invalid_info":{"expired_time":"2015-05-20T13:29:35+08:00"}}}]}}{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req immediateServiceBody
		bad := decodeStrict(body, &req, nil)
		if bad != nil {
			var e struct {
				Code   string `json:"code"`
				Detail struct {
					Field string `json:"field"`
				} `json:"detail"`
			}
			if bad.status != http.StatusBadRequest || json.Unmarshal(bad.body, &e) != nil || e.Code != codeParamError || e.Detail.Field == "" {
				t.Fatalf("rejection %d %s", bad.status, bad.body)
			}
			return
		}
		again, err := json.Marshal(&req)
		if err != nil {
			t.Fatalf("accepted %q, cannot encode it: %v", body, err)
		}
		var req2 immediateServiceBody
		if bad := decodeStrict(again, &req2, nil); bad != nil {
			t.Fatalf("re-encoded %s refused: %s", again, bad.body)
		}
		if third, _ := json.Marshal(&req2); !bytes.Equal(third, again) {
			t.Fatalf("round trip of %s is not stable: %s, then %s", body, again, third)
		}
	})
}

// FuzzCheckQuery: any raw query is accepted or refused with a 400 naming a
// query parameter; what is accepted holds only allowed keys, once each.
func FuzzCheckQuery(f *testing.F) {
	f.Add("begin_date=2025-06-01&end_date=2025-06-30&limit=5&offset=0")
	f.Add("limit=1&limit=2")
	f.Add("Limit=1")
	f.Add("a=%zz")
	f.Add("limit=1;offset=2")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		bad := checkQuery(raw, listParams)
		if bad != nil {
			if bad.status != http.StatusBadRequest || !strings.Contains(string(bad.body), `"location":"query"`) {
				t.Fatalf("rejection %d %s", bad.status, bad.body)
			}
			return
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatalf("accepted unparsable %q", raw)
		}
		for k, v := range q {
			if !slices.Contains(listParams, k) || len(v) != 1 {
				t.Fatalf("accepted %q", raw)
			}
		}
	})
}
