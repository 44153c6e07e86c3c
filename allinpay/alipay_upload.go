package allinpay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/tousu-go/tousu/complaint"
)

// UploadAlipayFileRequest uploads an evidence image for an Alipay complaint
// (alicomplaintfileupload, 支付宝上传图片).
type UploadAlipayFileRequest struct {
	// FileName names the file part ("proof.jpg"): at most 128 bytes of
	// printable text without quotes or backslashes.
	FileName string `url:"-"`
	// Data is the file's content, sent as it is in the part named file,
	// which is not signed. Its content type is sniffed from the bytes.
	Data []byte `url:"-"`
	// CusID is the sub-merchant the image is for, for agents and groups;
	// empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// AlipayFile is an uploaded file: what FinishAlipayComplaintsRequest.Images
// takes (see Image).
type AlipayFile struct {
	FileKey string `json:"file_key"`
	FileURL string `json:"file_url"`
	// Raw is the decoded records JSON as received.
	Raw json.RawMessage `json:"-"`
}

// Image is the file as an img_file_list entry.
func (f *AlipayFile) Image() AlipayImage { return AlipayImage{ImgURL: f.FileURL, ImgURLKey: f.FileKey} }

// UploadAlipayFile uploads an evidence image and returns its key and URL. It
// is a write, retried only with option.Retry.RetryWrites (the body is resent
// as it is, with the same randomstr and signature).
func (c *Client) UploadAlipayFile(ctx context.Context, r *UploadAlipayFileRequest) (*AlipayFile, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	switch {
	case r == nil:
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case len(r.Data) == 0:
		return nil, &complaint.ValidationError{Field: "file", Reason: "is empty"}
	}
	resp, err := c.postFile(ctx, alipayUploadEndpoint, r, r.FileName, "", r.Data)
	if err != nil {
		return nil, err
	}
	b, err := resp.records()
	if err != nil {
		return nil, err
	}
	var w struct {
		alipayResult
		FileKey string `json:"file_key"`
		FileURL string `json:"file_url"`
	}
	if err := unmarshalRecords(b, &w); err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", alipayUploadEndpoint.name, err)
	}
	if err := w.err(alipayUploadEndpoint.name, false); err != nil {
		return nil, err
	}
	if w.FileKey == "" {
		return nil, fmt.Errorf("allinpay: %s: %w: no file_key", alipayUploadEndpoint.name, ErrMalformed)
	}
	return &AlipayFile{FileKey: w.FileKey, FileURL: w.FileURL, Raw: b}, nil
}

// postFile posts a multipart upload: the signed form of req (requestForm),
// sorted for a stable body, then data as the part named file, which is not
// signed, with content type ctype ("" sniffs it from data), and returns the
// verified reply (readResponse). Allinpay's two uploads (UploadImage,
// UploadAlipayFile) both go through it.
func (c *Client) postFile(ctx context.Context, ep endpoint, req any, fileName, ctype string, data []byte) (*response, error) {
	if !validFileName(fileName) {
		return nil, &complaint.ValidationError{Field: "file", Reason: "needs a name of at most 128 printable bytes without quotes or backslashes"}
	}
	form, err := c.requestForm(ep, req)
	if err != nil {
		return nil, err
	}
	if ctype == "" {
		ctype = http.DetectContentType(data)
	}
	var body bytes.Buffer
	body.Grow(len(data) + 1024)
	mw := multipart.NewWriter(&body)
	for _, k := range slices.Sorted(maps.Keys(form)) {
		if err := mw.WriteField(k, form.Get(k)); err != nil {
			return nil, fmt.Errorf("allinpay: %s: %w", ep.name, err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+fileName+`"`)
	h.Set("Content-Type", ctype)
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", ep.name, err)
	}
	resp, err := c.http.R().SetContext(ctx).SetHeader("Accept", "application/json").
		SetHeader("Content-Type", mw.FormDataContentType()).SetBody(body.Bytes()).Post(ep.name)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", ep.name, err)
	}
	return c.readResponse(ep.name, resp.StatusCode(), resp.Body())
}

// validFileName accepts a file name that goes into a Content-Disposition
// header as it is.
func validFileName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
			return false
		}
	}
	return !strings.ContainsRune(s, '\uFFFD')
}
