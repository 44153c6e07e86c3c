package wechatpaytest

import (
	"crypto"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tousu-go/tousu/signing"
)

// This file is the server half of WeChat Pay's request authentication, written
// from the published wire rules and independent of package wechatpay's signer:
// a client bug in building the header or the string to sign shows up here as a
// 401 instead of being mirrored.

// AuthScheme is the only request signature scheme WeChat Pay APIv3 accepts for
// RSA keys.
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// authorization is a parsed Authorization header value.
type authorization struct {
	MchID     string
	NonceStr  string
	Timestamp string
	SerialNo  string
	Signature string
}

var errMalformedAuth = errors.New("wechatpaytest: malformed authorization")

// parseAuthorization parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v",...` the
// way the server reads it: the scheme, one space, then comma-separated
// key="value" pairs without spaces, in any order. mchid, nonce_str, timestamp,
// serial_no and signature are required and non-empty; a repeated key is
// rejected; unknown keys are ignored. Any other shape is an error. It never
// panics.
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(h, AuthScheme+" ")
	if !ok {
		return a, errMalformedAuth
	}
	seen := 0
	for {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return a, errMalformedAuth
		}
		key := rest[:eq]
		for i := 0; i < len(key); i++ {
			if c := key[i]; (c < 'a' || c > 'z') && c != '_' {
				return a, errMalformedAuth
			}
		}
		rest = rest[eq+1:]
		if !strings.HasPrefix(rest, `"`) {
			return a, errMalformedAuth
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return a, errMalformedAuth
		}
		val := rest[1 : 1+end]
		rest = rest[end+2:]
		var dst *string
		bit := 0
		switch key {
		case "mchid":
			dst, bit = &a.MchID, 1
		case "nonce_str":
			dst, bit = &a.NonceStr, 2
		case "timestamp":
			dst, bit = &a.Timestamp, 4
		case "serial_no":
			dst, bit = &a.SerialNo, 8
		case "signature":
			dst, bit = &a.Signature, 16
		}
		if dst != nil {
			if seen&bit != 0 || val == "" {
				return a, errMalformedAuth
			}
			seen |= bit
			*dst = val
		}
		if rest == "" {
			break
		}
		if rest[0] != ',' || len(rest) == 1 {
			return a, errMalformedAuth
		}
		rest = rest[1:]
	}
	if seen != 31 {
		return a, errMalformedAuth
	}
	return a, nil
}

// requestTarget is the CANONICAL_URL WeChat signs: the request-target exactly as
// it arrived. In-process requests (Handler called through a custom transport)
// have no RequestURI; their URL keeps the escaping the client used.
func requestTarget(r *http.Request) string {
	if r.RequestURI != "" && strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// signMessage returns the request string to sign:
// METHOD\nCANONICAL_URL\nTIMESTAMP\nNONCE\nBODY\n.
func signMessage(method, target, timestamp, nonce string, body []byte) []byte {
	b := make([]byte, 0, len(method)+len(target)+len(timestamp)+len(nonce)+len(body)+5)
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, target...)
	b = append(b, '\n')
	b = append(b, timestamp...)
	b = append(b, '\n')
	b = append(b, nonce...)
	b = append(b, '\n')
	b = append(b, body...)
	b = append(b, '\n')
	return b
}

// truncatedSignMessageLen is how much of the string it verified the server
// echoes in a SIGN_ERROR's sign_information, for debugging.
const truncatedSignMessageLen = 256

func newSignInformation(method, target string, msg []byte) *signInformation {
	t := msg
	if len(t) > truncatedSignMessageLen {
		t = t[:truncatedSignMessageLen]
		for len(t) > 0 && !utf8.Valid(t) {
			t = t[:len(t)-1]
		}
	}
	return &signInformation{Method: method, URL: target, SignMessageLength: len(msg), TruncatedSignMessage: string(t)}
}

// verifyRequest authenticates r whose signed body is body (the JSON body, or
// the meta part of an upload). It returns nil or the 401 WeChat would send.
func (s *Server) verifyRequest(r *http.Request, body []byte) *response {
	h := r.Header.Get("Authorization")
	if h == "" {
		return apiError(http.StatusUnauthorized, codeSignError, "Http头缺少Authorization或格式错误", nil)
	}
	a, err := parseAuthorization(h)
	if err != nil {
		return apiError(http.StatusUnauthorized, codeSignError, "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》", nil)
	}
	if a.MchID != s.cfg.mchID {
		return apiError(http.StatusUnauthorized, codeSignError, "Authorization中的商户号mchid与商户不匹配", nil)
	}
	if a.SerialNo != s.cfg.merchantSerial {
		return apiError(http.StatusUnauthorized, codeSignError, "商户证书序列号有误。请使用签名私钥匹配的证书序列号", nil)
	}
	ts, ok := parseUnix(a.Timestamp)
	if !ok {
		return apiError(http.StatusUnauthorized, codeSignError, "Authorization中的timestamp格式错误", nil)
	}
	if d := s.cfg.now().Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return apiError(http.StatusUnauthorized, codeSignError, "Authorization中的timestamp与当前时间相差超过5分钟", nil)
	}
	if len(a.NonceStr) > 64 {
		return apiError(http.StatusUnauthorized, codeSignError, "Authorization中的nonce_str过长", nil)
	}
	target := requestTarget(r)
	msg := signMessage(r.Method, target, a.Timestamp, a.NonceStr, body)
	if err := signing.VerifyRSABase64(s.cfg.merchantPub, crypto.SHA256, msg, a.Signature); err != nil {
		info := newSignInformation(r.Method, target, msg)
		return apiError(http.StatusUnauthorized, codeSignError, "签名错误", &errorDetail{
			Field: "signature", Issue: "sign not match", Location: "authorization", SignInformation: info,
		})
	}
	return nil
}

// parseUnix reads unix seconds written as 1 to 12 decimal digits.
func parseUnix(s string) (int64, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
