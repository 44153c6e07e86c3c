package allinpay

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/tousu-go/tousu/complaint"
)

// MaxImageBytes is the largest image UploadImage sends: 2 MB, WeChat's limit
// for complaint images, which Allinpay passes on.
const MaxImageBytes = 2 << 20

var (
	uploadEndpoint   = endpoint{name: "wxmerchantimageupload"}
	downloadEndpoint = endpoint{name: "wxgetmerchantimage", idempotent: true}
)

// uploadTypes are the image types WeChat takes, with the extension a file of
// that type gets when the request names none.
var uploadTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/bmp": ".bmp"}

// UploadImageRequest uploads an image for a reply or a refund rejection
// (wxmerchantimageupload).
type UploadImageRequest struct {
	// Data is the image, at most MaxImageBytes.
	Data []byte `url:"-"`
	// ContentType is the file part's Content-Type. Empty means the type
	// sniffed from Data (net/http.DetectContentType), which must then be JPEG,
	// PNG or BMP, the types WeChat takes; a given type must be image/*.
	ContentType string `url:"-"`
	// Filename is the file part's file name: ASCII letters, digits, '.', '-'
	// and '_', at most 128. Empty means "image" with the type's extension.
	Filename string `url:"-"`
	// CusID is the sub-merchant the image is for, for agents and groups;
	// empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// UploadImageResponse is the upload's answer.
type UploadImageResponse struct {
	// MediaID is the top-level mediaid: pass it in ReplyRequest.Images or
	// UpdateRefundProgressRequest.RejectMediaList.
	MediaID string
}

// UploadImage uploads an image as multipart/form-data: the signed common
// fields and sign as form fields, and the image as the part named "file",
// which is not signed (Allinpay signs only the text fields). It is a write,
// retried only with option.Retry.RetryWrites (a retry would store the image
// twice).
func (c *Client) UploadImage(ctx context.Context, r *UploadImageRequest) (*UploadImageResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	ctype, filename, err := checkUpload(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.postFile(ctx, uploadEndpoint, r, filename, ctype, r.Data)
	if err != nil {
		return nil, err
	}
	id := resp.get("mediaid")
	if id == "" {
		return nil, fmt.Errorf("allinpay: %s: %w: no mediaid", uploadEndpoint.name, ErrMalformed)
	}
	return &UploadImageResponse{MediaID: id}, nil
}

// checkUpload checks an upload and returns the file part's content type and
// file name.
func checkUpload(r *UploadImageRequest) (ctype, filename string, err error) {
	switch {
	case r == nil:
		return "", "", &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case len(r.Data) == 0:
		return "", "", &complaint.ValidationError{Field: "file", Reason: "is empty"}
	case len(r.Data) > MaxImageBytes:
		return "", "", &complaint.ValidationError{Field: "file", Reason: "is larger than 2 MB"}
	case len(r.Filename) > 128 || !isWord(r.Filename, ".-_"):
		return "", "", &complaint.ValidationError{Field: "filename", Reason: "must be at most 128 ASCII letters, digits, '.', '-' or '_'"}
	}
	if r.ContentType == "" {
		ctype = http.DetectContentType(r.Data)
		if _, ok := uploadTypes[ctype]; !ok {
			return "", "", &complaint.ValidationError{Field: "file", Reason: "is not a JPEG, PNG or BMP image"}
		}
	} else {
		mt, params, perr := mime.ParseMediaType(r.ContentType)
		if perr != nil || !strings.HasPrefix(mt, "image/") {
			return "", "", &complaint.ValidationError{Field: "content_type", Reason: "must be an image/* media type"}
		}
		ctype = mime.FormatMediaType(mt, params) // canonical, so no header can be smuggled in
	}
	filename = r.Filename
	if filename == "" {
		mt, _, _ := mime.ParseMediaType(ctype)
		filename = "image" + uploadTypes[mt]
	}
	return ctype, filename, nil
}

// DownloadImageRequest fetches a complaint image through Allinpay
// (wxgetmerchantimage).
type DownloadImageRequest struct {
	// MediaURL is the image's full WeChat URL as complaint_media_list's
	// media_url holds it (https://api.mch.weixin.qq.com/v3/merchant-service/images/...),
	// sent verbatim as imgurl. Required, https.
	MediaURL string `url:"imgurl"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// Image is a downloaded image.
type Image struct {
	// Data are the image bytes, decoded from the top-level imagebase64.
	Data []byte
	// ContentType is sniffed from Data (net/http.DetectContentType):
	// Allinpay sends only the bytes.
	ContentType string
}

// DownloadImage fetches an image of a complaint. The image comes Base64 inside
// the signed JSON reply, so its size is bounded by the client's response
// limit (option.WithMaxResponseBytes; a larger reply is an error and nothing
// of it is returned): about three quarters of it. It is a read and is retried
// under the client's retry policy.
func (c *Client) DownloadImage(ctx context.Context, r *DownloadImageRequest) (*Image, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	}
	if u, err := url.Parse(r.MediaURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, &complaint.ValidationError{Field: "imgurl", Reason: "must be the https media URL WeChat gave"}
	}
	resp, err := c.call(ctx, downloadEndpoint, r)
	if err != nil {
		return nil, err
	}
	s := resp.get("imagebase64")
	if s == "" {
		return nil, fmt.Errorf("allinpay: %s: %w: no imagebase64", downloadEndpoint.name, ErrMalformed)
	}
	b, err := decodeRecords(s) // the same lenient Base64 as records
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w: imagebase64 is not base64", downloadEndpoint.name, ErrMalformed)
	}
	return &Image{Data: b, ContentType: http.DetectContentType(b)}, nil
}
