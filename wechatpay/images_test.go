package wechatpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/wxcomplaint/wxcomplainttest"
	"github.com/tousu-go/tousu/option"
)

var pngData = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1, 2, 3}, 100)...)

func TestUploadImageBothRegions(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		t.Run(string(env), func(t *testing.T) {
			p := "/v3/merchant-service/images/upload"
			if env == Global {
				p = "/v3/global/merchant-service/images/upload"
			}
			m := newMock(t, "", pubKeySigner())
			m.on("POST", p, func(r *recorded) reply {
				return reply{body: UploadImageResponse{MediaID: "BB04A5DEEFEA18D4F2554C1EDD3B610B.png"}}
			})
			c := pubKeyClient(t, m, WithEnvironment(env))
			got, err := c.UploadImage(ctx(t), &UploadImageRequest{Filename: "proof.png", Data: pngData})
			if err != nil {
				t.Fatal(err)
			}
			if got.MediaID != "BB04A5DEEFEA18D4F2554C1EDD3B610B.png" {
				t.Errorf("media id %q", got.MediaID)
			}
			r := m.requests()[0]
			var meta imageMeta
			if err := json.Unmarshal(r.Files["meta"], &meta); err != nil {
				t.Fatal(err)
			}
			// The mock verified the signature over the meta part (SignedBody).
			if meta.Filename != "proof.png" || meta.SHA256 != sha256Hex(pngData) || !bytes.Equal(r.SignedBody, r.Files["meta"]) {
				t.Errorf("meta %s", r.Files["meta"])
			}
			if !bytes.Equal(r.Files["file"], pngData) || string(r.Files["file.content-type"]) != "image/png" ||
				string(r.Files["meta.content-type"]) != "application/json" {
				t.Errorf("file part: %q", r.Files["file.content-type"])
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data; boundary=") {
				t.Errorf("content type %q", r.Header.Get("Content-Type"))
			}
		})
	}
}

func TestUploadImageValidation(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	c := pubKeyClient(t, m)
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, MaxImageBytes)...)
	cases := map[string]*UploadImageRequest{
		"too big":   {Filename: "a.png", Data: big},
		"gif":       {Filename: "a.gif", Data: []byte("GIF89a....")},
		"mismatch":  {Filename: "a.jpg", Data: pngData},
		"not image": {Filename: "a.png", Data: []byte("hello world")},
		"empty":     {Filename: "a.png"},
		"no name":   {Data: pngData},
		"quote":     {Filename: "a\".png", Data: pngData},
		"nil":       nil,
	}
	for name, r := range cases {
		if _, err := c.UploadImage(ctx(t), r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(m.requests()) != 0 {
		t.Error("invalid uploads were sent")
	}
	for _, ok := range []*UploadImageRequest{
		{Filename: "a.JPG", Data: []byte("\xff\xd8\xff\xe0rest")},
		{Filename: "a.bmp", Data: []byte("BM....")},
	} {
		if _, err := imageContentType(ok.Filename, ok.Data); err != nil {
			t.Errorf("%s: %v", ok.Filename, err)
		}
	}
}

// The media id from wechatpay-php's DownloadTest, with %2F, plus a + and
// %3D%3D: it must be signed and sent exactly as given.
const mediaPath = "/v3/merchant-service/images/" + wxcomplainttest.PHPMediaID

func TestDownloadImageVerbatim(t *testing.T) {
	m := newMock(t, mainlandHost, pubKeySigner())
	m.on("GET", mediaPath, func(r *recorded) reply {
		return reply{raw: true, body: pngData, header: http.Header{"Content-Type": {"image/png"}}}
	})
	c := pubKeyClient(t, m)
	got, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "https://api.mch.weixin.qq.com" + mediaPath})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	b, err := io.ReadAll(got.Body)
	if err != nil || !bytes.Equal(b, pngData) || got.ContentType != "image/png" || got.RequestID == "" {
		t.Fatalf("download: %v %q", err, got.ContentType)
	}
	if uri := m.requests()[0].URI; uri != mediaPath {
		t.Errorf("sent %s\nwant %s", uri, mediaPath)
	}
	// A relative media path resolves against the base URL.
	got, err = c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: mediaPath})
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
}

func TestDownloadImageGlobalNeedsComplaintID(t *testing.T) {
	gp := "/v3/global/merchant-service/images/abc%2Fdef"
	m := newMock(t, globalHost, pubKeySigner())
	m.on("GET", gp, func(r *recorded) reply { return reply{raw: true, body: pngData} })
	c := pubKeyClient(t, m, WithEnvironment(Global))
	if _, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "https://apihk.mch.weixin.qq.com" + gp}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("no complaint id: %v", err)
	}
	got, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "https://apihk.mch.weixin.qq.com" + gp, ComplaintID: "C 1"})
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if uri := m.requests()[0].URI; uri != gp+"?complaint_id=C+1" {
		t.Errorf("sent %s", uri)
	}
}

// The global list returns mainland-form media URLs; on global the client
// builds the global path on its own base URL from the media id, verbatim, and
// the complaint id, and signs exactly that request-target.
func TestDownloadImageGlobalFromMainlandURL(t *testing.T) {
	id := strings.TrimPrefix(mediaPath, "/v3/merchant-service/images/")
	want := "/v3/global/merchant-service/images/" + id + "?complaint_id=200201820200101080076610000"
	for name, mediaURL := range map[string]string{
		"mainland form":        "https://api.mch.weixin.qq.com" + mediaPath,
		"mainland backup form": "https://api2.mch.weixin.qq.com" + mediaPath,
		"global form":          "https://apihk.mch.weixin.qq.com/v3/global/merchant-service/images/" + id,
		"relative":             mediaPath,
		"with a query":         "https://api.mch.weixin.qq.com" + mediaPath + "?complaint_id=other&x=1",
	} {
		t.Run(name, func(t *testing.T) {
			m := newMock(t, globalHost, pubKeySigner())
			m.on("GET", "/v3/global/merchant-service/images/"+id, func(r *recorded) reply {
				return reply{raw: true, body: pngData, header: http.Header{"Content-Type": {"image/png"}}}
			})
			c := pubKeyClient(t, m, WithEnvironment(Global))
			got, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: mediaURL, ComplaintID: "200201820200101080076610000"})
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(got.Body)
			got.Body.Close()
			if err != nil || !bytes.Equal(b, pngData) {
				t.Fatalf("body: %v", err)
			}
			// The mock checked the Authorization over this exact URI.
			if rs := m.requests(); len(rs) != 1 || rs[0].URI != want {
				t.Errorf("sent %v\nwant %s", rs[0].URI, want)
			}
		})
	}
	// The base URL decides the host (a proxy or a fake server).
	m := newMock(t, "proxy.example:8443", pubKeySigner())
	m.on("GET", "/v3/global/merchant-service/images/"+id, func(*recorded) reply { return reply{raw: true, body: pngData} })
	c := pubKeyClient(t, m, WithEnvironment(Global), option.WithBaseURL("https://proxy.example:8443"))
	got, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "https://api.mch.weixin.qq.com" + mediaPath, ComplaintID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if uri := m.requests()[0].URI; uri != "/v3/global/merchant-service/images/"+id+"?complaint_id=C1" {
		t.Errorf("sent %s", uri)
	}
	// Still refused on global: no complaint id, no media id, a foreign host.
	for name, r := range map[string]*DownloadImageRequest{
		"no complaint id": {MediaURL: "https://api.mch.weixin.qq.com" + mediaPath},
		"dot dot":         {MediaURL: "https://api.mch.weixin.qq.com/v3/merchant-service/images/..", ComplaintID: "C1"},
		"no id":           {MediaURL: "https://api.mch.weixin.qq.com/v3/merchant-service/images/", ComplaintID: "C1"},
		"foreign host":    {MediaURL: "https://evil.example" + mediaPath, ComplaintID: "C1"},
		"long id":         {MediaURL: mediaPath, ComplaintID: strings.Repeat("1", 65)},
	} {
		var ve *complaint.ValidationError
		if _, err := c.DownloadImage(ctx(t), r); !errors.As(err, &ve) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(m.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDownloadImageRejectsAndErrors(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/images/gone", func(*recorded) reply {
		return reply{status: 404, body: errBody("RESOURCE_NOT_EXISTS", "图片不存在")}
	})
	m.on("GET", "/v3/merchant-service/images/big", func(*recorded) reply { return reply{raw: true, body: bytes.Repeat([]byte("x"), 100)} })
	m.on("GET", "/v3/merchant-service/images/exact", func(*recorded) reply { return reply{raw: true, body: bytes.Repeat([]byte("x"), 64)} })
	c := pubKeyClient(t, m, option.WithMaxResponseBytes(64))
	for _, u := range []string{"", "https://evil.example/v3/merchant-service/images/x", "http://api.mch.weixin.qq.com/v3/merchant-service/images/x",
		"https://api.mch.weixin.qq.com/v3/merchant-service/complaints-v2", "::"} {
		if _, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: u}); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%q: %v", u, err)
		}
	}
	if _, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "/v3/merchant-service/images/gone"}); !errors.Is(err, complaint.ErrNotFound) {
		t.Errorf("404: %v", err)
	}
	got, err := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "/v3/merchant-service/images/big"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(got.Body); !errors.Is(err, ErrImageTooLarge) {
		t.Errorf("oversize image: %v", err)
	}
	got.Body.Close()
	got, err = c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "/v3/merchant-service/images/exact"})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(got.Body); err != nil || len(b) != 64 {
		t.Errorf("image of exactly the limit: %d %v", len(b), err)
	}
	got.Body.Close()
}
