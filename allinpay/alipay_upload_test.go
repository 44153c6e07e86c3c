package allinpay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
)

// uploadPart is what the multipart fake received.
type uploadPart struct {
	form                       url.Values
	parts                      []string // part names in order
	fileName, fileType, method string
	file                       []byte
	signed                     bool
}

// newUploadClient builds a client whose uploads reach a multipart fake: it
// checks the signature over the text parts only (the file part is not
// signed) with the fake's independent code, and answers records.
func newUploadClient(t *testing.T, st SignType, records func() string) (*Client, *[]uploadPart) {
	return multipartClient(t, st, func() map[string]string { return map[string]string{"records": records()} })
}

// multipartClient is newUploadClient answering the payload fields payload
// returns (records, or a top-level mediaid), signed, for both uploads.
func multipartClient(t *testing.T, st SignType, payload func() map[string]string) (*Client, *[]uploadPart) {
	t.Helper()
	f := newFake(t, st)
	var got []uploadPart
	mt := httpmock.NewMockTransport()
	mt.RegisterRegexpResponder(http.MethodPost, regexp.MustCompile(`^https://cus\.allinpay\.com/cusapi/riskfeeback/`), func(req *http.Request) (*http.Response, error) {
		mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			t.Errorf("content type %q", req.Header.Get("Content-Type"))
			return reply(map[string]string{"retcode": "FAIL", "retmsg": "Content-Type"}), nil
		}
		p := uploadPart{form: url.Values{}, method: req.URL.Path}
		mr := multipart.NewReader(req.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			b, _ := io.ReadAll(part)
			p.parts = append(p.parts, part.FormName())
			if part.FormName() == "file" {
				p.fileName, p.fileType, p.file = part.FileName(), part.Header.Get("Content-Type"), b
				continue
			}
			p.form.Add(part.FormName(), string(b))
		}
		p.signed = f.checkRequest(p.form)
		got = append(got, p)
		if !p.signed {
			return reply(map[string]string{"retcode": "FAIL", "retmsg": "签名验证失败"}), nil
		}
		out := map[string]string{"retcode": "SUCCESS", "randomstr": "r"}
		maps.Copy(out, payload())
		f.signReply(out)
		return reply(out), nil
	})
	c, err := NewClient(testCreds(t, st), option.WithTransport(mt), option.WithRetry(option.Retry{}))
	if err != nil {
		t.Fatal(err)
	}
	return c, &got
}

func TestUploadAlipayFile(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, got := newUploadClient(t, st, func() string {
				return records(t, `{"file_key":"A*k1","file_url":"https://example.invalid/f/A*k1"}`)
			})
			f, err := c.UploadAlipayFile(context.Background(), &UploadAlipayFileRequest{FileName: "凭证 1.png", Data: pngBytes, CusID: "990581007426002"})
			if err != nil {
				t.Fatal(err)
			}
			if f.FileKey != "A*k1" || f.FileURL != "https://example.invalid/f/A*k1" || string(f.Raw) == "" {
				t.Fatalf("%+v", f)
			}
			if f.Image() != (AlipayImage{ImgURL: "https://example.invalid/f/A*k1", ImgURLKey: "A*k1"}) {
				t.Fatalf("image %+v", f.Image())
			}
			p := (*got)[0]
			if !p.signed || p.method != "/cusapi/riskfeeback/alicomplaintfileupload" || !bytes.Equal(p.file, pngBytes) ||
				p.fileName != "凭证 1.png" || p.fileType != "image/png" {
				t.Fatalf("part %+v", p)
			}
			want := []string{"appid", "cusid", "randomstr", "sign", "signtype", "version"}
			if len(p.form) != len(want) || p.form.Get("cusid") != "990581007426002" || p.form.Has("file") {
				t.Fatalf("text fields %v", p.form)
			}
			for _, k := range want {
				if !p.form.Has(k) {
					t.Fatalf("no %s in %v", k, p.form)
				}
			}
		})
	}
}

func TestUploadAlipayFileErrors(t *testing.T) {
	var body string
	c, got := newUploadClient(t, SignRSA, func() string { return body })
	ctx := context.Background()
	body = records(t, `{"code":"40004","msg":"Business Failed","sub_msg":"文件格式不支持"}`)
	var ae *AlipayError
	if _, err := c.UploadAlipayFile(ctx, &UploadAlipayFileRequest{FileName: "a.png", Data: pngBytes}); !errors.As(err, &ae) || ae.SubMsg != "文件格式不支持" {
		t.Errorf("alipay failure: %v", err)
	}
	body = records(t, `{"file_url":"u"}`)
	if _, err := c.UploadAlipayFile(ctx, &UploadAlipayFileRequest{FileName: "a.png", Data: pngBytes}); !errors.Is(err, ErrMalformed) {
		t.Errorf("no file_key: %v", err)
	}
	n := len(*got)
	for _, r := range []*UploadAlipayFileRequest{
		nil, {FileName: "a.png"}, {Data: pngBytes}, {FileName: `a".png`, Data: pngBytes}, {FileName: "a\r\n.png", Data: pngBytes},
		{FileName: `a\b.png`, Data: pngBytes}, {FileName: string(make([]byte, 129)), Data: pngBytes},
		{FileName: "a\xff.png", Data: pngBytes},
	} {
		if _, err := c.UploadAlipayFile(ctx, r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%+v: %v", r, err)
		}
	}
	if len(*got) != n {
		t.Fatal("invalid uploads were sent")
	}
}

// A reply whose signature does not verify is refused, for uploads too.
func TestUploadAlipayFileTamperedReply(t *testing.T) {
	c, _ := newUploadClient(t, SignSM2, func() string { return records(t, `{"file_key":"k","file_url":"u"}`) })
	c.verifier, _ = loadVerifier(Test, SignSM2, "") // a key that did not sign the reply
	if _, err := c.UploadAlipayFile(context.Background(), &UploadAlipayFileRequest{FileName: "a.png", Data: pngBytes}); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatalf("%v", err)
	}
}
