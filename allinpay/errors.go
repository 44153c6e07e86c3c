package allinpay

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// ErrMalformed means a reply or notification is not what Allinpay sends: not a
// JSON object (a reply), a field given twice, no retcode, records that are not
// Base64 JSON of the documented shape. Nothing of such a message is returned.
var ErrMalformed = errors.New("allinpay: malformed message")

// APIError is an Allinpay failure: retcode other than SUCCESS inside HTTP 200,
// or an HTTP status other than 200. retcode is Allinpay's communication
// status; a FAIL carries no signature (Allinpay signs only successes), so
// RetMsg is unauthenticated text: it can make a call fail, never make data
// look valid.
type APIError struct {
	// Method is the riskfeeback method called ("wxcomplainthistory").
	Method string
	// HTTPStatus is the HTTP status of the answer (200 for a retcode=FAIL).
	HTTPStatus int
	// RetCode is retcode as received ("FAIL"), empty when the answer had none.
	RetCode string
	// RetMsg is retmsg, reduced to one line of at most httpc.MaxProviderText
	// runes (control characters become spaces), since it is text from the
	// network that ends up in logs.
	RetMsg string
}

func newAPIError(method string, status int, retcode, retmsg string) *APIError {
	return &APIError{Method: method, HTTPStatus: status, RetCode: httpc.ProviderText(retcode), RetMsg: httpc.ProviderText(retmsg)}
}

// Error describes the failure with Allinpay's own text.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("allinpay: ")
	b.WriteString(e.Method)
	if e.HTTPStatus != http.StatusOK {
		b.WriteString(": http status ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
	}
	if e.RetCode != "" {
		b.WriteString(": retcode=")
		b.WriteString(e.RetCode)
	}
	if e.RetMsg != "" {
		b.WriteString(": ")
		b.WriteString(e.RetMsg)
	}
	return b.String()
}

// Is maps the failure onto complaint's sentinels. Allinpay documents no error
// codes and no list of retmsg texts, so the mapping is by HTTP status and by
// keywords whose meaning leaves no doubt; a text matching none of them matches
// no sentinel, and a text matching unauthorized matches nothing else:
//   - complaint.ErrUnauthorized: HTTP 401/403, or a retmsg about the signature
//     (签名, 验签), permissions (无权, 权限), or a merchant, appid or
//     organisation that does not exist (商户/appid/机构 with 不存在);
//   - complaint.ErrRateLimited: HTTP 429, or 频繁 / 频率 / 限流 / 太快
//     (too often, frequency, throttled, too fast);
//   - complaint.ErrNotFound: HTTP 404, or 不存在 / 未找到 / 查无 (does not
//     exist, not found, no such) about anything else (a complaint id);
//   - complaint.ErrInvalidRequest: HTTP 400, or 参数 (parameter), 不能为空 /
//     不可为空 (must not be empty), 格式 (format).
func (e *APIError) Is(target error) bool {
	msg := strings.ToLower(e.RetMsg) // for "appid" in any case
	unauthorized := e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden ||
		containsAny(msg, "签名", "验签", "无权", "权限") ||
		(strings.Contains(msg, "不存在") && containsAny(msg, "商户", "appid", "机构"))
	switch target {
	case complaint.ErrUnauthorized:
		return unauthorized
	case complaint.ErrRateLimited:
		return !unauthorized && (e.HTTPStatus == http.StatusTooManyRequests || containsAny(msg, "频繁", "频率", "限流", "太快"))
	case complaint.ErrNotFound:
		return !unauthorized && (e.HTTPStatus == http.StatusNotFound || containsAny(msg, "不存在", "未找到", "查无"))
	case complaint.ErrInvalidRequest:
		return !unauthorized && (e.HTTPStatus == http.StatusBadRequest || containsAny(msg, "参数", "不能为空", "不可为空", "格式"))
	}
	return false
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
