package wechatpay

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
)

// DecryptPayerPhone decrypts a payer_phone value: RSA-OAEP (SHA-1) with the
// merchant's own API private key, Base64. WeChat encrypts it with the merchant
// API certificate, not with a platform certificate or the WeChat Pay public
// key. The error never contains the ciphertext or the plaintext.
func DecryptPayerPhone(key *signing.RSAPrivateKey, ciphertext string) (string, error) {
	if ciphertext == "" {
		return "", nil
	}
	pt, err := signing.DecryptOAEPBase64(key, ciphertext)
	if err != nil {
		return "", fmt.Errorf("wechatpay: decrypting payer_phone: %w", err)
	}
	return string(pt), nil
}

// DecryptPayerPhone decrypts c.PayerPhone with the client's merchant key.
func (c *Client) DecryptPayerPhone(cmp *Complaint) (string, error) {
	if cmp == nil {
		return "", nil
	}
	return DecryptPayerPhone(c.key, cmp.PayerPhone)
}

// decryptPhoneField fills PayerPhonePlaintext when automatic decryption is on.
// ctx, for the log line, is not nil: the exported callers checked it.
func (c *Client) decryptPhoneField(ctx context.Context, cmp *Complaint) {
	if !c.phone || cmp.PayerPhone == "" {
		return
	}
	p, err := DecryptPayerPhone(c.key, cmp.PayerPhone)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay payer_phone decryption failed",
			slog.String("complaint_id", cmp.ComplaintID), slog.String("error", httpc.ErrorText(err)))
		return
	}
	cmp.PayerPhonePlaintext = complaint.Phone(p)
}
