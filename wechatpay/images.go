package wechatpay

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// MaxImageBytes is the upload limit: 2 MB.
const MaxImageBytes = 2 << 20

// UploadImageRequest uploads a JPG, PNG or BMP of at most 2 MB. Filename must
// end in .jpg, .png or .bmp and match the data.
type UploadImageRequest struct {
	Filename string
	Data     []byte
}

// imageMeta is the multipart "meta" part, which is also the signed body.
// SHA256 is the lowercase hex digest of the file.
type imageMeta struct {
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
}

// UploadImageResponse is the upload's answer.
type UploadImageResponse struct {
	MediaID string `json:"media_id"`
}

// DownloadImageRequest fetches a complaint image by its media URL as WeChat
// returned it (complaint_media_list, image_list); it is never re-escaped.
// ComplaintID is required on global, where it goes into the query, and ignored
// on mainland.
type DownloadImageRequest struct {
	MediaURL    string
	ComplaintID string
}

// DownloadImageResponse streams the image. The caller must Close Body.
type DownloadImageResponse struct {
	Body          io.ReadCloser
	ContentType   string
	ContentLength int64
	RequestID     string
}

// wechatHosts are the access points a media URL may point at.
var wechatHosts = map[string]bool{
	"api.mch.weixin.qq.com":   true,
	"api2.mch.weixin.qq.com":  true,
	"apihk.mch.weixin.qq.com": true,
}

// imageContentType checks the file name and the magic bytes agree on JPG,
// PNG or BMP and returns the part's content type.
func imageContentType(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	var want string
	switch ext {
	case ".jpg":
		want = "image/jpg"
	case ".png":
		want = "image/png"
	case ".bmp":
		want = "image/bmp"
	default:
		return "", invalid("filename", "must end in .jpg, .png or .bmp")
	}
	var got string
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		got = "image/jpg"
	case len(data) >= 8 && bytes.Equal(data[:8], []byte("\x89PNG\r\n\x1a\n")):
		got = "image/png"
	case len(data) >= 2 && data[0] == 'B' && data[1] == 'M':
		got = "image/bmp"
	default:
		return "", invalid("file", "is not a jpg, png or bmp image")
	}
	if got != want {
		return "", invalid("filename", "extension does not match the image data")
	}
	return want, nil
}

// UploadImage uploads a complaint image (jpg, png or bmp, at most 2 MB) and
// returns its media_id for replies, refund rejections and rich messages. The
// signed body is the multipart "meta" JSON {filename, sha256}.
func (c *Client) UploadImage(ctx context.Context, r *UploadImageRequest) (*UploadImageResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if r.Filename == "" {
		return nil, invalid("filename", "is required")
	}
	if strings.ContainsAny(r.Filename, "\"\\\r\n/") || len(r.Filename) > 128 {
		return nil, invalid("filename", "contains quotes, slashes or line breaks, or is too long")
	}
	if len(r.Data) == 0 {
		return nil, invalid("file", "is empty")
	}
	if len(r.Data) > MaxImageBytes {
		return nil, invalid("file", "larger than 2 MB")
	}
	ctype, err := imageContentType(r.Filename, r.Data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(r.Data)
	meta, err := json.Marshal(imageMeta{Filename: r.Filename, SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return nil, fmt.Errorf("wechatpay: encoding image meta: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(r.Data) + len(meta) + 512)
	mw := multipart.NewWriter(&buf)
	mh := textproto.MIMEHeader{}
	mh.Set("Content-Disposition", `form-data; name="meta"`)
	mh.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(mh)
	if err == nil {
		_, err = pw.Write(meta)
	}
	if err == nil {
		fh := textproto.MIMEHeader{}
		fh.Set("Content-Disposition", `form-data; name="file"; filename="`+r.Filename+`"`)
		fh.Set("Content-Type", ctype)
		pw, err = mw.CreatePart(fh)
	}
	if err == nil {
		_, err = pw.Write(r.Data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("wechatpay: building multipart body: %w", err)
	}
	hdr := http.Header{"Content-Type": {mw.FormDataContentType()}}
	resp, err := c.doSigned(ctx, http.MethodPost, c.imagesPath()+"/upload", buf.Bytes(), meta, hdr, verifyResponse)
	if err != nil {
		return nil, err
	}
	var out UploadImageResponse
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding upload answer: %w", err)
	}
	return &out, nil
}

// imageURL resolves the URL of an image download. On mainland it is the
// media URL as given, never re-escaped. On global it is built on the client's
// base URL (apihk) from the media id and the complaint id, because the global
// list returns mainland-form media URLs, which the mainland host does not
// serve for global merchants. The media URL's host must be WeChat's or the
// base URL's on both.
func (c *Client) imageURL(r *DownloadImageRequest) (string, error) {
	raw := r.MediaURL
	switch {
	case raw == "":
		return "", invalid("media_url", "is required")
	case strings.HasPrefix(raw, "/"):
		raw = c.baseURL + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", invalid("media_url", "is not a url")
	}
	base, _ := url.Parse(c.baseURL)
	sameHost := base != nil && u.Scheme == base.Scheme && u.Host == base.Host
	if !sameHost && !(u.Scheme == "https" && wechatHosts[u.Host]) {
		return "", invalid("media_url", "is not a wechat pay url")
	}
	if !strings.Contains(u.EscapedPath(), wxcomplaint.ImagesPathSegment) || u.Fragment != "" {
		return "", invalid("media_url", "is not a complaint image url")
	}
	if c.region != RegionGlobal {
		return raw, nil
	}
	if r.ComplaintID == "" {
		return "", invalid("complaint_id", "is required for global image downloads")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return "", err
	}
	id := wxcomplaint.MediaID(raw)
	switch id {
	case "", ".", "..":
		return "", invalid("media_url", "has no media id")
	}
	return c.baseURL + c.imagesPath() + "/" + id + "?complaint_id=" + url.QueryEscape(r.ComplaintID), nil
}

// DownloadImage fetches a complaint image; the caller must close Body.
//
// On mainland the request goes to the media URL exactly as WeChat gave it
// (media ids carry %2F, + and %3D that must not be re-escaped). On global,
// where the list returns mainland-form URLs
// (https://api.mch.weixin.qq.com/v3/merchant-service/images/<media_id>), it
// goes to /v3/global/merchant-service/images/<media_id>?complaint_id=<id> on
// the client's base URL (apihk by default), with the media id taken verbatim
// from the URL's path; ComplaintID is required there. Either way the signature
// covers the request-target exactly as sent. The response is an unsigned image
// stream, the one 2xx answer this package does not verify.
func (c *Client) DownloadImage(ctx context.Context, r *DownloadImageRequest) (*DownloadImageResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	target, err := c.imageURL(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.R().
		SetContext(context.WithValue(ctx, signBodyKey{}, []byte(nil))).
		SetHeader("Accept", "*/*").
		SetDoNotParseResponse(true).
		Execute(http.MethodGet, target)
	if err != nil {
		if resp != nil && resp.RawBody() != nil {
			_ = resp.RawBody().Close()
		}
		return nil, sendError(ctx, http.MethodGet, target, err)
	}
	body := resp.RawBody()
	raw := &RawResponse{StatusCode: resp.StatusCode(), Header: resp.Header(), RequestID: resp.Header().Get(hdrRequestID)}
	if raw.StatusCode < 200 || raw.StatusCode > 299 {
		if body != nil {
			raw.Body, _ = io.ReadAll(io.LimitReader(body, 64<<10))
			_ = body.Close()
		}
		return nil, c.errorAnswer(ctx, http.MethodGet, target, raw)
	}
	if body == nil {
		body = http.NoBody
	}
	if c.maxBody > 0 { // negative: no limit (option.WithMaxResponseBytes)
		body = &limitedBody{rc: body, left: c.maxBody}
	}
	return &DownloadImageResponse{
		Body:          body,
		ContentType:   raw.Header.Get("Content-Type"),
		ContentLength: resp.RawResponse.ContentLength,
		RequestID:     raw.RequestID,
	}, nil
}

// ErrImageTooLarge is returned while reading an image download longer than
// the client's response limit.
var ErrImageTooLarge = errors.New("wechatpay: image exceeds the response size limit")

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

// Read reads at most the remaining allowance; past it, more data is
// ErrImageTooLarge.
func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Is there more? Read one byte to tell a body of exactly the limit
		// from a longer one.
		var one [1]byte
		n, err := l.rc.Read(one[:])
		if n > 0 {
			return 0, ErrImageTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	return n, err
}

// Close closes the underlying body.
func (l *limitedBody) Close() error { return l.rc.Close() }
