package wechatpay

import (
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/tousu-go/tousu/complaint"
)

// Documented limits, checked before any request is sent.
const (
	MaxListSpanDays       = 30
	MaxListLimit          = 50
	DefaultListLimit      = 10
	MaxHistoryLimit       = 300
	DefaultHistoryLimit   = 100
	MaxReplyRunes         = 200
	MaxReplyImages        = 4
	MaxRejectMedia        = 4
	MaxIdempotentIDLength = 128
	MaxComplaintIDLength  = 64
	MaxMchIDLength        = 64
)

// errUnsupportedGlobal is what the endpoints missing on global return.
func errUnsupportedGlobal(what string) error {
	return fmt.Errorf("wechatpay: %s is not available on the global api: %w", what, errors.ErrUnsupported)
}

func invalid(field, reason string) error {
	return &complaint.ValidationError{Field: field, Reason: reason}
}

func checkComplaintID(id string) error {
	switch {
	case id == "":
		return invalid("complaint_id", "is required")
	case len(id) > MaxComplaintIDLength:
		return invalid("complaint_id", "longer than 64 characters")
	}
	return nil
}

func checkMchID(field, id string, required bool) error {
	switch {
	case id == "" && required:
		return invalid(field, "is required")
	case len(id) > MaxMchIDLength:
		return invalid(field, "longer than 64 characters")
	}
	return nil
}

func checkLanguage(l Language) error {
	if l == "" {
		return nil
	}
	for _, c := range string(l) {
		if (c < 'A' || c > 'Z') && c != '_' {
			return invalid("mch_language", "is not a language code")
		}
	}
	return nil
}

// checkText enforces WeChat's character set: UTF-8 of 1 to 3 bytes per rune.
func checkText(field, s string, maxRunes int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "is not valid utf-8")
	}
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			return invalid(field, "contains a 4-byte character (emoji); wechat accepts only 1-3 byte utf-8")
		}
		n++
	}
	if maxRunes > 0 && n > maxRunes {
		return invalid(field, fmt.Sprintf("longer than %d characters", maxRunes))
	}
	return nil
}

func checkHTTPS(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return invalid(field, "must be an https url")
	}
	return nil
}
