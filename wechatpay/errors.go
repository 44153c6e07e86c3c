package wechatpay

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// SignInformation is the debugging detail of a 401 SIGN_ERROR: what WeChat
// thinks was signed.
type SignInformation struct {
	Method               string `json:"method,omitempty"`
	URL                  string `json:"url,omitempty"`
	SignMessageLength    int    `json:"sign_message_length,omitempty"`
	TruncatedSignMessage string `json:"truncated_sign_message,omitempty"`
}

// ErrorDetail is an error body's detail.
type ErrorDetail struct {
	Field           string           `json:"field,omitempty"`
	Value           json.RawMessage  `json:"value,omitempty"`
	Issue           string           `json:"issue,omitempty"`
	Location        string           `json:"location,omitempty"`
	SignInformation *SignInformation `json:"sign_information,omitempty"`
}

// ErrorBody is the JSON body of a non-2xx answer.
type ErrorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Detail  *ErrorDetail `json:"detail,omitempty"`
}

// Error codes WeChat documents.
const (
	CodeParamError        = "PARAM_ERROR"
	CodeInvalidRequest    = "INVALID_REQUEST"
	CodeSignError         = "SIGN_ERROR"
	CodeNoAuth            = "NO_AUTH"
	CodeResourceNotExists = "RESOURCE_NOT_EXISTS"
	CodeFrequencyLimited  = "FREQUENCY_LIMITED"
	CodeRateLimited       = "RATE_LIMITED"
	CodeSystemError       = "SYSTEM_ERROR"
)

// APIError is a non-2xx answer from WeChat Pay. It matches the shared
// sentinels with errors.Is: complaint.ErrRateLimited (429, FREQUENCY_LIMITED,
// RATE_LIMITED), complaint.ErrNotFound (404, RESOURCE_NOT_EXISTS),
// complaint.ErrUnauthorized (401, SIGN_ERROR, NO_AUTH) and
// complaint.ErrInvalidRequest (400, PARAM_ERROR, INVALID_REQUEST).
//
// An error answer that carries a Wechatpay-Signature is verified like a
// success (Verified is then true; one that fails verification is a
// *ResponseError instead). Gateways and load balancers answer some errors
// unsigned; those are returned with Verified false, so treat their Code and
// Message as unauthenticated. Either way an APIError can only make a call
// fail, never make unverified data look valid. Answers to RefreshCertificates
// are not verified here: that call checks the certificates it downloads.
type APIError struct {
	StatusCode int
	// Verified reports that the answer was signed by WeChat Pay and its
	// signature verified.
	Verified bool
	// Code and Message are WeChat's; Message is Chinese text meant for people.
	Code    string
	Message string
	// Detail is WeChat's detail object; a 401 SIGN_ERROR carries
	// sign_information (what WeChat thinks was signed) there.
	Detail *ErrorDetail
	// RequestID is the Request-ID header; WeChat support asks for it.
	RequestID string
	// Header is the response header.
	Header http.Header
}

func newAPIError(r *RawResponse) *APIError {
	e := &APIError{StatusCode: r.StatusCode, RequestID: r.RequestID, Header: r.Header}
	var b ErrorBody
	if len(r.Body) > 0 && json.Unmarshal(r.Body, &b) == nil {
		e.Code, e.Message, e.Detail = b.Code, b.Message, b.Detail
	}
	return e
}

// Error describes the failure without the response body.
func (e *APIError) Error() string {
	s := "wechatpay: http " + strconv.Itoa(e.StatusCode)
	if e.Code != "" {
		s += " " + httpc.ProviderText(e.Code)
	}
	if e.Message != "" {
		s += ": " + httpc.ProviderText(e.Message)
	}
	if e.Detail != nil && e.Detail.Field != "" {
		s += " (field " + httpc.ProviderText(e.Detail.Field) + ")"
	}
	if e.RequestID != "" {
		s += " [request-id " + httpc.ProviderText(e.RequestID) + "]"
	}
	return s
}

// Is maps the error onto the shared sentinels of package complaint.
func (e *APIError) Is(target error) bool {
	switch target {
	case complaint.ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || e.Code == CodeFrequencyLimited || e.Code == CodeRateLimited
	case complaint.ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.Code == CodeResourceNotExists
	case complaint.ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.Code == CodeSignError || e.Code == CodeNoAuth
	case complaint.ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest || e.Code == CodeParamError || e.Code == CodeInvalidRequest
	}
	return false
}

// ResponseError is a response whose signature did not verify: a 2xx answer,
// or an error answer that carried a signature. Its Err matches
// complaint.ErrSignatureInvalid, complaint.ErrTimestampSkew or
// complaint.ErrUnknownKey. The unverified body is not kept.
type ResponseError struct {
	Method, Path string
	// StatusCode is the answer's HTTP status.
	StatusCode int
	RequestID  string
	Err        error
}

// Error describes the failure.
func (e *ResponseError) Error() string {
	s := "wechatpay: " + e.Method + " " + e.Path + ": "
	if e.StatusCode != 0 && (e.StatusCode < 200 || e.StatusCode > 299) {
		s += "http " + strconv.Itoa(e.StatusCode) + " "
	}
	s += "response verification failed: " + e.Err.Error()
	if e.RequestID != "" {
		s += " [request-id " + e.RequestID + "]"
	}
	return s
}

// Unwrap returns the verification error.
func (e *ResponseError) Unwrap() error { return e.Err }
