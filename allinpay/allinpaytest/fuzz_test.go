package allinpaytest

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"testing"
)

// FuzzParseForm feeds the request parser arbitrary bodies under the content
// types clients send. It must never panic; a form it accepts holds each field
// once, and an accepted url-encoded form reads back the same after encoding.
func FuzzParseForm(f *testing.F) {
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	_ = w.SetBoundary("XyZ")
	_ = w.WriteField("appid", "00000051")
	fw, _ := w.CreateFormFile("file", "a.png")
	_, _ = fw.Write([]byte("\x89PNG\r\n"))
	_ = w.Close()
	const ct = "application/x-www-form-urlencoded"
	f.Add(ct, []byte("appid=00000051&cusid=990581007426001&randomstr=1&signtype=RSA&sign=a%2Bb%3D&version=11"))
	f.Add(ct, []byte("a=1&a=2"))
	f.Add(ct, []byte("=x&%zz=1;b=2"))
	f.Add(ct, []byte("response_content=%E9%80%80%E6%AC%BE+%E4%BA%86&response_images=a%23%40%23b"))
	f.Add("multipart/form-data; boundary=XyZ", mp.Bytes())
	f.Add("multipart/form-data; boundary=XyZ", []byte("--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ--"))
	f.Add("multipart/form-data", []byte("--"))
	f.Add("text/plain", []byte("a=1"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		fm, err := parseForm(contentType, body)
		if err != nil {
			if fm != nil {
				t.Fatal("error with a form")
			}
			return
		}
		for k, vs := range fm.raw {
			if len(vs) != 1 || fm.fields[k] != vs[0] || k == "" {
				t.Fatalf("field %q: %q", k, vs)
			}
		}
		if len(fm.raw) != len(fm.fields) {
			t.Fatal("fields and raw disagree")
		}
		if fm.hasFile && len(fm.file) > MaxUploadBytes {
			t.Fatal("file over the limit accepted")
		}
		if !fm.multipart {
			again, err := parseForm("application/x-www-form-urlencoded", []byte(fm.raw.Encode()))
			if err != nil {
				t.Fatalf("re-encoded form refused: %v", err)
			}
			if again.raw.Encode() != fm.raw.Encode() {
				t.Fatalf("round trip: %q vs %q", again.raw.Encode(), url.Values(fm.raw).Encode())
			}
		}
	})
}
