package payjs

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

var (
	// ErrUnsigned: a response said return_code=1 but carried no sign. PAYJS does
	// this when an already refunded order is refunded again. It is not reported
	// as tampering (ErrSignatureInvalid) because the server really answers so;
	// Client.Refund handles it by confirming the order with a signed Check.
	// Nothing in an unsigned response is trusted.
	ErrUnsigned = errors.New("payjs: response has return_code=1 but no sign")

	// ErrMalformed: a response or message is not the JSON or form PAYJS sends
	// (not an object, duplicate keys, no return_code, an undecodable field).
	ErrMalformed = errors.New("payjs: malformed message")
)

// APIError is a PAYJS failure: return_code=0 inside HTTP 200, or a non-200 HTTP
// status. PAYJS has no error codes, only texts; Is maps the texts that are
// clear onto complaint's sentinels (see Is). The message never contains the
// key or the signature.
type APIError struct {
	// Endpoint is the API name ("complaint", "refund").
	Endpoint string
	// HTTPStatus is the HTTP status of the answer.
	HTTPStatus int
	// ReturnCode is return_code as received ("0"), empty for a non-JSON answer.
	ReturnCode string
	// ReturnMsg is return_msg.
	ReturnMsg string
	// Msg is the optional msg field PAYJS adds to some failures (check, micropay).
	Msg string
}

// Error describes the failure with PAYJS's own texts.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("payjs: ")
	b.WriteString(e.Endpoint)
	if e.HTTPStatus != http.StatusOK {
		b.WriteString(": http status ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
	}
	if e.ReturnCode != "" {
		b.WriteString(": return_code=")
		b.WriteString(httpc.ProviderText(e.ReturnCode))
	}
	if e.ReturnMsg != "" {
		b.WriteString(": ")
		b.WriteString(httpc.ProviderText(e.ReturnMsg))
	}
	if e.Msg != "" && e.Msg != e.ReturnMsg {
		b.WriteString(" (")
		b.WriteString(httpc.ProviderText(e.Msg))
		b.WriteString(")")
	}
	return b.String()
}

// Is maps the failure onto complaint's sentinels. PAYJS documents no error
// codes or texts, so the mapping is by HTTP status and by plain keywords that
// leave no doubt; anything else matches no sentinel:
//   - HTTP 429, or a text containing 频率 / 频繁 / 太快 (frequency, too often,
//     too fast): complaint.ErrRateLimited;
//   - HTTP 401/403, or a text about the signature (签名, sign) or an unknown
//     merchant (商户号): complaint.ErrUnauthorized;
//   - HTTP 404, or a text containing 不存在 (does not exist): complaint.ErrNotFound.
func (e *APIError) Is(target error) bool {
	text := e.ReturnMsg + " " + e.Msg
	switch target {
	case complaint.ErrRateLimited:
		return e.HTTPStatus == http.StatusTooManyRequests ||
			strings.Contains(text, "频率") || strings.Contains(text, "频繁") || strings.Contains(text, "太快")
	case complaint.ErrUnauthorized:
		return e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden ||
			strings.Contains(text, "签名") || strings.Contains(strings.ToLower(text), "sign") ||
			strings.Contains(text, "商户号")
	case complaint.ErrNotFound:
		return e.HTTPStatus == http.StatusNotFound || strings.Contains(text, "不存在") && !strings.Contains(text, "商户号")
	}
	return false
}
