package allinpay

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/option"
)

// pngBytes is a PNG header followed by filler: enough for sniffing.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)

// uploadServer answers wxmerchantimageupload as Allinpay does (see
// multipartClient): the signature over the text fields alone, a signed
// top-level mediaid.
func uploadServer(t *testing.T, st SignType) (*Client, *[]uploadPart) {
	t.Helper()
	return multipartClient(t, st, func() map[string]string { return map[string]string{"mediaid": "ChsyMDAyMDE4MTIzNDU2"} })
}

// The upload is multipart: the signed common fields and sign as form fields,
// then the file part, which the signature does not cover; the content type
// is sniffed or given; the sub-merchant's cusid is sent.
func TestUploadImage(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, got := uploadServer(t, st)
			req := &UploadImageRequest{Data: pngBytes, CusID: "990000000000001"}
			res, err := c.UploadImage(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.MediaID != "ChsyMDAyMDE4MTIzNDU2" {
				t.Fatalf("media id %q", res.MediaID)
			}
			r := (*got)[0]
			keys := slices.Sorted(maps.Keys(r.form))
			if want := []string{"appid", "cusid", "randomstr", "sign", "signtype", "version"}; !slices.Equal(keys, want) {
				t.Fatalf("form fields %v, want %v", keys, want)
			}
			if r.form.Get("cusid") != "990000000000001" || r.parts[len(r.parts)-1] != "file" {
				t.Fatalf("form %v, parts %v", r.form, r.parts)
			}
			if !bytes.Equal(r.file, pngBytes) || r.fileName != "image.png" || r.fileType != "image/png" {
				t.Fatalf("file part %q %q %d bytes", r.fileName, r.fileType, len(r.file))
			}
			if req.Filename != "" || req.ContentType != "" {
				t.Fatal("request modified")
			}

			if _, err := c.UploadImage(context.Background(), &UploadImageRequest{Data: []byte("GIF89a....."), ContentType: "image/jpeg; q=1", Filename: "a-1.jpg"}); err != nil {
				t.Fatal(err)
			}
			r = (*got)[1]
			if r.fileType != "image/jpeg; q=1" || r.fileName != "a-1.jpg" || r.form.Get("cusid") != testCusID {
				t.Fatalf("given type: %q %q %v", r.fileType, r.fileName, r.form)
			}
		})
	}
}

func TestUploadImageValidation(t *testing.T) {
	c, got := uploadServer(t, SignRSA)
	for _, tc := range []struct {
		field string
		r     *UploadImageRequest
	}{
		{"request", nil},
		{"file", &UploadImageRequest{}},
		{"file", &UploadImageRequest{Data: append(slices.Clone(pngBytes), make([]byte, MaxImageBytes)...)}},
		{"file", &UploadImageRequest{Data: []byte("GIF89a.....")}},
		{"file", &UploadImageRequest{Data: []byte("plain text")}},
		{"content_type", &UploadImageRequest{Data: pngBytes, ContentType: "text/plain"}},
		{"content_type", &UploadImageRequest{Data: pngBytes, ContentType: "image/png\r\nX-Evil: 1"}},
		{"filename", &UploadImageRequest{Data: pngBytes, Filename: `a".png`}},
		{"filename", &UploadImageRequest{Data: pngBytes, Filename: "图片.png"}},
		{"filename", &UploadImageRequest{Data: pngBytes, Filename: strings.Repeat("a", 129)}},
	} {
		_, err := c.UploadImage(context.Background(), tc.r)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v", tc.field, err)
		}
	}
	if len(*got) != 0 {
		t.Fatalf("%d uploads sent", len(*got))
	}
	// Exactly MaxImageBytes is accepted.
	if _, err := c.UploadImage(context.Background(), &UploadImageRequest{Data: append(slices.Clone(pngBytes), make([]byte, MaxImageBytes-len(pngBytes))...)}); err != nil {
		t.Fatal(err)
	}
}

// An upload reply without mediaid, or with a bad signature, returns nothing.
func TestUploadImageReply(t *testing.T) {
	f := newFake(t, SignSM2)
	for name, tc := range map[string]struct {
		fields map[string]string
		want   error
	}{
		"no mediaid": {map[string]string{"retcode": "SUCCESS", "randomstr": "r"}, ErrMalformed},
		"tampered":   {map[string]string{"retcode": "SUCCESS", "randomstr": "r", "mediaid": "m"}, complaint.ErrSignatureInvalid},
		"fail":       {map[string]string{"retcode": "FAIL", "retmsg": "文件过大"}, nil},
	} {
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
			out := map[string]string{}
			for k, v := range tc.fields {
				out[k] = v
			}
			if out["retcode"] == "SUCCESS" {
				f.signReply(out)
			}
			if name == "tampered" {
				out["mediaid"] = "other"
			}
			return reply(out), nil
		})
		c, err := NewClient(testCreds(t, SignSM2), option.WithTransport(mt))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.UploadImage(context.Background(), &UploadImageRequest{Data: pngBytes})
		var ae *APIError
		switch {
		case res != nil:
			t.Errorf("%s: result %+v", name, res)
		case tc.want == nil && !errors.As(err, &ae):
			t.Errorf("%s: %v", name, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The download sends imgurl verbatim and returns the bytes of imagebase64.
func TestDownloadImage(t *testing.T) {
	const mediaURL = "https://api.mch.weixin.qq.com/v3/merchant-service/images/ChsyMDAy%2FMDE4"
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = func(m string, form url.Values) (map[string]string, string) {
				if m != "wxgetmerchantimage" || form.Get("imgurl") != mediaURL {
					return nil, "图片不存在"
				}
				return map[string]string{"imagebase64": base64.StdEncoding.EncodeToString(pngBytes)}, ""
			}
			img, err := c.DownloadImage(context.Background(), &DownloadImageRequest{MediaURL: mediaURL, CusID: "990000000000001"})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(img.Data, pngBytes) || img.ContentType != "image/png" {
				t.Fatalf("%q %d bytes", img.ContentType, len(img.Data))
			}
			if f.requests[0].Get("cusid") != "990000000000001" {
				t.Fatalf("form %v", f.requests[0])
			}
			_, err = c.DownloadImage(context.Background(), &DownloadImageRequest{MediaURL: "https://api.mch.weixin.qq.com/other"})
			if !errors.Is(err, complaint.ErrNotFound) {
				t.Fatalf("unknown image: %v", err)
			}
		})
	}
}

func TestDownloadImageErrors(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	for _, u := range []string{"", "http://api.mch.weixin.qq.com/x", "media-id", "https:///x", "%zz"} {
		if _, err := c.DownloadImage(context.Background(), &DownloadImageRequest{MediaURL: u}); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%q: %v", u, err)
		}
	}
	if _, err := c.DownloadImage(context.Background(), nil); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Error(err)
	}
	if len(f.requests) != 0 {
		t.Fatalf("%d requests sent", len(f.requests))
	}
	for name, v := range map[string]string{"missing": "", "not base64": "!!!"} {
		f.handle = func(string, url.Values) (map[string]string, string) { return map[string]string{"imagebase64": v}, "" }
		img, err := c.DownloadImage(context.Background(), &DownloadImageRequest{MediaURL: "https://x.example/i"})
		if img != nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, %v", name, img, err)
		}
	}
	// The image is bounded by the client's response limit.
	c, f = newTestClient(t, SignRSA, option.WithMaxResponseBytes(4096))
	big := bytes.Repeat(pngBytes, 64)
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"imagebase64": base64.StdEncoding.EncodeToString(big)}, ""
	}
	img, err := c.DownloadImage(context.Background(), &DownloadImageRequest{MediaURL: "https://x.example/i"})
	if img != nil || !errors.Is(err, httpc.ErrResponseTooLarge) {
		t.Fatalf("%v, %v", img, err)
	}
}
