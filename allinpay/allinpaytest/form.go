package allinpaytest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
)

// Limits of what the fake reads. Allinpay documents none; these are generous
// for forms and follow WeChat's 2 MB limit for complaint images [inferred].
const (
	maxFormBytes   = 64 << 10
	MaxUploadBytes = 2 << 20
	maxBodyBytes   = MaxUploadBytes + maxFormBytes
)

// form is a request's fields and, for multipart uploads, its file part.
type form struct {
	fields    map[string]string
	raw       url.Values
	multipart bool
	hasFile   bool
	file      []byte
	fileName  string
}

// parseForm reads a request body as Allinpay's servlet reads it: a UTF-8
// application/x-www-form-urlencoded form, or multipart/form-data whose one
// file part is named "file". A field given twice is refused: Java's
// getParameter would silently take the first, which hides a client bug.
func parseForm(contentType string, body []byte) (*form, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, errors.New("Content-Type")
	}
	f := &form{fields: map[string]string{}, raw: url.Values{}}
	switch mt {
	case "application/x-www-form-urlencoded":
		if len(body) > maxFormBytes {
			return nil, errors.New("请求过大")
		}
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errors.New("表单格式错误")
		}
		for k, vs := range v {
			if err := f.add(k, vs...); err != nil {
				return nil, err
			}
		}
	case "multipart/form-data":
		f.multipart = true
		if err := f.readMultipart(params["boundary"], body); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("Content-Type")
	}
	return f, nil
}

func (f *form) add(k string, vs ...string) error {
	if k == "" {
		return errors.New("空参数名")
	}
	if _, dup := f.raw[k]; dup || len(vs) != 1 {
		return fmt.Errorf("重复参数%s", k)
	}
	f.raw[k] = vs
	f.fields[k] = vs[0]
	return nil
}

func (f *form) readMultipart(boundary string, body []byte) error {
	if boundary == "" {
		return errors.New("Content-Type")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errors.New("表单格式错误")
		}
		name := p.FormName()
		if p.FileName() != "" || name == "file" {
			if name != "file" || f.hasFile {
				return fmt.Errorf("不支持的文件参数%s", name)
			}
			b, err := io.ReadAll(io.LimitReader(p, MaxUploadBytes+1))
			if err != nil {
				return errors.New("表单格式错误")
			}
			if len(b) > MaxUploadBytes {
				return errors.New("文件过大")
			}
			f.hasFile, f.file, f.fileName = true, b, p.FileName()
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFormBytes+1))
		if err != nil || len(b) > maxFormBytes {
			return errors.New("表单格式错误")
		}
		if err := f.add(name, string(b)); err != nil {
			return err
		}
	}
}
