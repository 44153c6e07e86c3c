package wechatpaytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Requests are decoded into the server's own structs, written from WeChat's
// request tables (fact sheet §4.1, §4.5, §4.7), with unknown fields rejected,
// so a client whose tag differs from WeChat's gets WeChat's 400 PARAM_ERROR
// here too instead of a server that reads its own spelling back.

// replyBody is the global reply (.../response); mainlandReplyBody adds the
// mini program link that only mainland takes.
type replyBody struct {
	ComplaintedMchID string   `json:"complainted_mchid"`
	ResponseContent  string   `json:"response_content"`
	ResponseImages   []string `json:"response_images,omitempty"`
	JumpURL          string   `json:"jump_url,omitempty"`
	JumpURLText      string   `json:"jump_url_text,omitempty"`
}

type mainlandReplyBody struct {
	replyBody
	MiniProgramJumpInfo *replyMiniProgram `json:"mini_program_jump_info,omitempty"`
}

// replyMiniProgram: all three fields are required in a reply.
type replyMiniProgram struct {
	AppID string `json:"appid"`
	Path  string `json:"path"`
	Text  string `json:"text"`
}

type completeBody struct {
	ComplaintedMchID string `json:"complainted_mchid"`
}

// refundProgressBody has no complainted_mchid, unlike the other writes.
type refundProgressBody struct {
	Action          string   `json:"action"`
	LaunchRefundDay *int     `json:"launch_refund_day,omitempty"`
	RejectReason    string   `json:"reject_reason,omitempty"`
	RejectMediaList []string `json:"reject_media_list,omitempty"`
	Remark          string   `json:"remark,omitempty"`
}

type immediateServiceBody struct {
	ComplaintedMchID string      `json:"complainted_mchid"`
	Message          wireMessage `json:"message"`
	IdempotentID     string      `json:"idempotent_id"`
}

type notificationURLRequest struct {
	URL string `json:"url"`
}

// imageMeta is the upload's meta part, which is also the signed body.
type imageMeta struct {
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
}

// Required top-level keys per body, for a precise "missing" error.
var (
	replyRequired     = []string{"complainted_mchid", "response_content"}
	completeRequired  = []string{"complainted_mchid"}
	refundRequired    = []string{"action"}
	immediateRequired = []string{"complainted_mchid", "message", "idempotent_id"}
	notifyURLRequired = []string{"url"}
	metaRequired      = []string{"filename", "sha256"}
)

// decodeJSON checks the content type and decodes the body strictly into v.
func decodeJSON(c *call, v any, required []string) *response {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return apiError(http.StatusBadRequest, codeInvalidRequest, "Content-Type应为application/json", nil)
	}
	return decodeStrict(c.body, v, required)
}

// decodeStrict decodes one JSON object into v and answers PARAM_ERROR, naming
// the field, for invalid JSON (trailing data included), an unknown field, a
// wrong type or a missing required key. encoding/json (v1) matches names
// case-insensitively even with DisallowUnknownFields, so every key must also
// be spelled as WeChat spells field names: lower-case ASCII letters, digits and
// underscores.
func decodeStrict(b []byte, v any, required []string) *response {
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		// Trailing data after the object is refused here too.
		return paramError("body", "不是有效的JSON")
	}
	top, ok := tree.(map[string]any)
	if !ok {
		return paramError("body", "应为JSON对象")
	}
	if key, ok := oddKey(b); !ok {
		if key == "" {
			key = "body"
		}
		return paramError(key, "未知的参数")
	}
	for _, k := range required {
		if _, ok := top[k]; !ok {
			return paramError(k, "缺少必填参数")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return nil
}

// decodeError turns an encoding/json error into WeChat's PARAM_ERROR.
func decodeError(err error) *response {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// The path names embedded Go structs too; keep the JSON names.
		var path []string
		for _, seg := range strings.Split(te.Field, ".") {
			if wireName(seg) {
				path = append(path, seg)
			}
		}
		if len(path) == 0 {
			return paramError("body", "类型错误")
		}
		return paramError(strings.Join(path, "."), "类型错误")
	}
	// encoding/json reports an unknown field only as text: json: unknown field "x".
	if _, quoted, ok := strings.Cut(err.Error(), "unknown field "); ok {
		if name, err := strconv.Unquote(quoted); err == nil && name != "" {
			return paramError(name, "未知的参数")
		}
		return paramError("body", "未知的参数")
	}
	return paramError("body", "不是有效的JSON")
}

// oddKey finds an object key, at any depth and in every occurrence of a
// repeated key, that is not spelled like a WeChat field name. It walks the
// tokens rather than a decoded map, which would keep only the last of
// repeated keys. Malformed JSON is left to the decoding proper.
func oddKey(b []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var inObject []bool // per open container: whether it is an object
	wantKey := false    // the next token of the innermost object is a key
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", true
		}
		if wantKey {
			if tok == json.Delim('}') {
				inObject = inObject[:len(inObject)-1]
				wantKey = len(inObject) > 0 && inObject[len(inObject)-1]
				continue
			}
			if k, _ := tok.(string); !wireName(k) {
				return k, false
			}
			wantKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			inObject = append(inObject, true)
			wantKey = true
			continue
		case json.Delim('['):
			inObject = append(inObject, false)
			continue
		case json.Delim('}'), json.Delim(']'):
			inObject = inObject[:len(inObject)-1]
		}
		// A value ended; inside an object a key comes next.
		wantKey = len(inObject) > 0 && inObject[len(inObject)-1]
	}
}

func wireName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Query parameters each endpoint takes (fact sheet §4.1, §4.7, §3.4).
var (
	listParams          = []string{"limit", "offset", "begin_date", "end_date", "complainted_mchid"}
	globalListParams    = append(slices.Clone(listParams), "mch_language")
	historyParams       = []string{"limit", "offset"}
	globalHistoryParams = []string{"limit", "offset", "mch_language"}
	languageParams      = []string{"mch_language"}
	certificateParams   = []string{"algorithm_type"}
	globalImageParams   = []string{"complaint_id"}
)

// checkQuery answers PARAM_ERROR for a query that does not parse, a parameter
// the endpoint does not take, or one given twice.
func checkQuery(raw string, allowed []string) *response {
	if raw == "" {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return queryParamError("query", "格式错误")
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return queryParamError(k, "不支持该参数")
		}
		if len(q[k]) > 1 {
			return queryParamError(k, "重复的参数")
		}
	}
	return nil
}
