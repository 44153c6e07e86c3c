package wechatpaytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
)

type storedImage struct {
	data        []byte
	contentType string
	// uploaded images (from the upload API) may be used in replies; seeded
	// complaint images may only be downloaded.
	uploaded bool
}

// upload is a parsed multipart image upload.
type upload struct {
	meta     []byte // the meta part exactly as sent: the signed body
	file     []byte
	fileName string
}

const maxMetaBytes = 4 << 10

// parseUpload reads the meta and file parts of a multipart/form-data body.
func parseUpload(contentType string, body []byte) (*upload, *response) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, apiError(http.StatusBadRequest, codeInvalidRequest, "Content-Type应为multipart/form-data", nil)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	up := &upload{}
	var haveMeta, haveFile bool
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, paramError("body", "multipart格式错误")
		}
		switch p.FormName() {
		case "meta":
			up.meta, err = io.ReadAll(io.LimitReader(p, maxMetaBytes+1))
			if err != nil || len(up.meta) > maxMetaBytes || haveMeta {
				return nil, paramError("meta", "格式错误")
			}
			haveMeta = true
		case "file":
			up.file, err = io.ReadAll(io.LimitReader(p, maxImageBytes+1))
			if err != nil || haveFile {
				return nil, paramError("file", "格式错误")
			}
			up.fileName = p.FileName()
			haveFile = true
		}
		_ = p.Close()
	}
	if !haveMeta {
		return nil, paramError("meta", "不能为空")
	}
	if !haveFile {
		return nil, paramError("file", "不能为空")
	}
	return up, nil
}

// imageExt returns the lower-case extension of an accepted image file name.
func imageExt(name string) (string, bool) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	switch ext {
	case "jpg", "jpeg", "png", "bmp":
		return ext, true
	}
	return "", false
}

// sniffImage recognises the formats WeChat accepts by their magic bytes.
func sniffImage(b []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", true
	case bytes.HasPrefix(b, []byte("BM")):
		return "image/bmp", true
	}
	return "", false
}

func (s *Server) handleUpload(c *call) *response {
	up := c.upload
	var meta imageMeta
	if bad := decodeStrict(up.meta, &meta, metaRequired); bad != nil {
		return bad
	}
	if meta.Filename == "" {
		return paramError("meta.filename", "不能为空")
	}
	if meta.SHA256 == "" {
		return paramError("meta.sha256", "不能为空")
	}
	ext, ok := imageExt(meta.Filename)
	if !ok {
		return paramError("meta.filename", "文件名后缀应为jpg、png或bmp")
	}
	if len(up.file) == 0 {
		return paramError("file", "不能为空")
	}
	if len(up.file) > maxImageBytes {
		return paramError("file", "图片大小不能超过2M")
	}
	sum := sha256.Sum256(up.file)
	if !strings.EqualFold(meta.SHA256, hex.EncodeToString(sum[:])) {
		return paramError("meta.sha256", "与文件内容的SHA256不匹配")
	}
	ct, ok := sniffImage(up.file)
	if !ok {
		return paramError("file", "仅支持JPG、PNG、BMP格式的图片")
	}
	id := randomHex(16) + "." + ext
	s.mu.Lock()
	s.images[id] = &storedImage{data: up.file, contentType: ct, uploaded: true}
	s.mu.Unlock()
	return jsonResponse(http.StatusOK, mediaIDBody{MediaID: id})
}

// handleImage serves an image by its media id exactly as it appears in the
// media URL: a client that re-escapes or unescapes the id gets 404, as with
// WeChat. The answer carries no Wechatpay-* signature.
func (s *Server) handleImage(c *call) *response {
	s.mu.Lock()
	im, ok := s.images[c.media]
	s.mu.Unlock()
	if !ok {
		return notFound("图片不存在")
	}
	return &response{status: http.StatusOK, body: im.data, contentType: im.contentType, unsigned: true}
}

// handleGlobalImage serves /v3/global/merchant-service/images/{media_id}: the
// complaint_id query is required, and the image must belong to that complaint
// (its media list or its history).
func (s *Server) handleGlobalImage(c *call) *response {
	id := c.r.URL.Query().Get("complaint_id")
	if id == "" {
		return queryParamError("complaint_id", "不能为空")
	}
	s.mu.Lock()
	st, ok := s.complaints[id]
	owns := ok && st.hasMediaLocked(c.media)
	s.mu.Unlock()
	if !ok {
		return notFound("投诉单不存在")
	}
	if !owns {
		return notFound("图片不存在")
	}
	return s.handleImage(c)
}

// Image returns the bytes and content type stored under mediaID (escaped as in
// its URL), whether uploaded or seeded.
func (s *Server) Image(mediaID string) ([]byte, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	im, ok := s.images[mediaID]
	if !ok {
		return nil, "", false
	}
	return append([]byte(nil), im.data...), im.contentType, true
}

// AddImage stores data under mediaID (escaped as it will appear in the URL,
// for example containing %2F) and returns its media URL on this server. Such
// images can be downloaded but not used in replies (upload those).
func (s *Server) AddImage(mediaID string, data []byte) string {
	ct, ok := sniffImage(data)
	if !ok {
		ct = "application/octet-stream"
	}
	s.mu.Lock()
	s.images[mediaID] = &storedImage{data: append([]byte(nil), data...), contentType: ct}
	s.mu.Unlock()
	return s.ImageURL(mediaID)
}
