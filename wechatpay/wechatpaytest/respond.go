package wechatpaytest

import (
	"crypto"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/signing"
)

// response is what a route answers before signing.
type response struct {
	status      int
	body        []byte
	contentType string
	// unsigned responses (image download) carry no Wechatpay-* headers.
	unsigned bool
}

func jsonResponse(status int, v any) *response {
	b, err := json.Marshal(v)
	if err != nil {
		return apiError(http.StatusInternalServerError, codeSystemError, "系统错误", nil)
	}
	return &response{status: status, body: b, contentType: "application/json"}
}

func noContent() *response { return &response{status: http.StatusNoContent} }

// apiError builds WeChat's error body {code, message, detail?}.
func apiError(status int, code, message string, detail *errorDetail) *response {
	b, _ := json.Marshal(errorBody{Code: code, Message: message, Detail: detail})
	return &response{status: status, body: b, contentType: "application/json"}
}

// paramError is 400 PARAM_ERROR naming the offending body field.
func paramError(field, issue string) *response {
	return locatedParamError(field, issue, "body")
}

// queryParamError is paramError for a query parameter.
func queryParamError(field, issue string) *response {
	return locatedParamError(field, issue, "query")
}

func locatedParamError(field, issue, location string) *response {
	return apiError(http.StatusBadRequest, codeParamError, "参数错误: "+field+" "+issue,
		&errorDetail{Field: field, Issue: issue, Location: location})
}

func notFound(message string) *response {
	return apiError(http.StatusNotFound, codeResourceNotExists, message, nil)
}

// Fault is a misbehaviour the server can be told to show once, so client tests
// can check that they notice it.
type Fault int

const (
	// FaultTamperedBody signs the response, then changes its body.
	FaultTamperedBody Fault = iota + 1
	// FaultStaleTimestamp signs honestly over a Wechatpay-Timestamp ten minutes in
	// the past (outside the 5-minute window).
	FaultStaleTimestamp
	// FaultFutureTimestamp signs honestly over a timestamp ten minutes ahead.
	FaultFutureTimestamp
	// FaultProbeSignature sends a WeChat probe signature
	// ("WECHATPAY/SIGNTEST/..."), which is not even Base64.
	FaultProbeSignature
	// FaultUnknownSerial signs with a key the client has never seen, under a new
	// certificate serial (a client should re-download certificates once, then fail).
	FaultUnknownSerial
	// FaultUnsigned leaves out every Wechatpay-* header.
	FaultUnsigned
	// FaultServerError answers 500 SYSTEM_ERROR (signed) without running the
	// request, so no state changes.
	FaultServerError
)

// String names the fault.
func (f Fault) String() string {
	switch f {
	case FaultTamperedBody:
		return "tampered-body"
	case FaultStaleTimestamp:
		return "stale-timestamp"
	case FaultFutureTimestamp:
		return "future-timestamp"
	case FaultProbeSignature:
		return "probe-signature"
	case FaultUnknownSerial:
		return "unknown-serial"
	case FaultUnsigned:
		return "unsigned"
	case FaultServerError:
		return "server-error"
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

type faultRule struct {
	fault    Fault
	prefixes []string
}

func (fr faultRule) matches(path string) bool {
	if len(fr.prefixes) == 0 {
		return true
	}
	for _, p := range fr.prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// InjectFault makes the next matching response show f, once. With path
// prefixes ("/v3/merchant-service/complaints-v2") only requests whose path
// starts with one of them match; otherwise any authenticated request does.
// Signature faults skip the unsigned image download. Faults queue in order.
func (s *Server) InjectFault(f Fault, pathPrefixes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faultRule{fault: f, prefixes: append([]string(nil), pathPrefixes...)})
}

// takeFault removes and returns the first queued fault matching path for which
// want is true.
func (s *Server) takeFault(path string, want func(Fault) bool) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fr := range s.faults {
		if fr.matches(path) && want(fr.fault) {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return fr.fault
		}
	}
	return 0
}

// signer picks the identity a response is signed with, as WeChat does during the
// grey switch: the one the request's Wechatpay-Serial names if the server has
// it; otherwise the newest platform certificate in certificate mode and the
// public key in public-key mode.
func (s *Server) signer(requested string) (serial string, key *signing.RSAPrivateKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.mode&PublicKeyMode != 0 && (requested == s.cfg.publicKeyID || s.cfg.mode == PublicKeyMode) {
		return s.cfg.publicKeyID, s.cfg.publicKey
	}
	if s.cfg.mode&CertificateMode != 0 {
		for _, c := range s.certs {
			if c.Serial == requested {
				return c.Serial, c.key
			}
		}
		if n := len(s.certs); n > 0 {
			return s.certs[n-1].Serial, s.certs[n-1].key
		}
	}
	if s.cfg.publicKey != nil {
		return s.cfg.publicKeyID, s.cfg.publicKey
	}
	return "", nil
}

// signatureHeaders are the Wechatpay-* headers of a signed message.
type signatureHeaders struct {
	timestamp, nonce, serial, signature string
}

func (h signatureHeaders) set(hdr http.Header) {
	hdr.Set("Wechatpay-Timestamp", h.timestamp)
	hdr.Set("Wechatpay-Nonce", h.nonce)
	hdr.Set("Wechatpay-Serial", h.serial)
	hdr.Set("Wechatpay-Signature", h.signature)
	hdr.Set("Wechatpay-Signature-Type", signatureTypeRSA)
}

// probeSignature looks like the probes WeChat sends to check that merchants
// verify: not Base64, never valid.
func probeSignature() string { return "WECHATPAY/SIGNTEST/" + randomString(32) }

// rogueSlot marks the serials of FaultUnknownSerial; its key is cached apart
// from every real slot.
const rogueSlot = 1 << 20

// sign signs body as WeChat signs responses and callbacks,
// TIMESTAMP\nNONCE\nBODY\n, applying f. It returns the headers and the body to
// send (changed by FaultTamperedBody).
func (s *Server) sign(requested string, body []byte, f Fault) (signatureHeaders, []byte) {
	serial, key := s.signer(requested)
	now := s.cfg.now()
	switch f {
	case FaultStaleTimestamp:
		now = now.Add(-10 * time.Minute)
	case FaultFutureTimestamp:
		now = now.Add(10 * time.Minute)
	case FaultUnknownSerial:
		serial, key = randomSerial(), cachedKey(rogueSlot)
	}
	h := signatureHeaders{timestamp: strconv.FormatInt(now.Unix(), 10), nonce: randomString(32), serial: serial}
	if key == nil {
		return h, body
	}
	signed := body
	if f == FaultTamperedBody {
		if len(body) == 0 {
			// A 204 cannot carry a body: sign one it does not have.
			signed = []byte("{}")
		} else {
			body = tamper(body)
		}
	}
	msg := make([]byte, 0, len(h.timestamp)+len(h.nonce)+len(signed)+3)
	msg = append(append(append(msg, h.timestamp...), '\n'), h.nonce...)
	msg = append(append(append(msg, '\n'), signed...), '\n')
	sig, err := signing.SignRSABase64(key, crypto.SHA256, msg)
	if err != nil {
		sig = ""
	}
	h.signature = sig
	if f == FaultProbeSignature {
		h.signature = probeSignature()
	}
	return h, body
}

// tamper returns a copy of body with one byte changed, so a signature over
// the original no longer verifies. A digit or letter becomes the next one, so
// JSON stays JSON.
func tamper(body []byte) []byte {
	out := append([]byte(nil), body...)
	for i := len(out) - 1; i >= 0; i-- {
		c := out[i]
		switch {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'y', c >= 'A' && c <= 'Y':
			out[i] = c + 1
			return out
		}
	}
	if len(out) > 0 {
		out[len(out)-1] ^= 1
	}
	return out
}

// write sends resp, signed unless it is the image download, with Request-ID.
func (s *Server) write(w http.ResponseWriter, r *http.Request, resp *response) {
	hdr := w.Header()
	hdr.Set("Request-ID", randomHex(16))
	body := resp.body
	if !resp.unsigned {
		f := s.takeFault(r.URL.Path, func(f Fault) bool { return f != FaultServerError })
		if f != FaultUnsigned {
			var h signatureHeaders
			h, body = s.sign(r.Header.Get("Wechatpay-Serial"), resp.body, f)
			h.set(hdr)
		}
	}
	if len(body) > 0 {
		ct := resp.contentType
		if ct == "" {
			ct = "application/json"
		}
		hdr.Set("Content-Type", ct)
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.status)
	if len(body) > 0 && r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
