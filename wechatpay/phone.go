package wechatpay

import (
	"context"
	"fmt"

	"github.com/tousu-go/tousu/signing"

	"github.com/tousu-go/tousu/complaint"
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
func (c *Client) decryptPhoneField(ctx context.Context, cmp *Complaint) {
	if !c.phone || cmp.PayerPhone == "" {
		return
	}
	p, err := DecryptPayerPhone(c.key, cmp.PayerPhone)
	if err != nil {
		if ctx == nil {
			ctx = context.Background()
		}
		c.log.WarnContext(ctx, "wechatpay payer_phone decryption failed", "complaint_id", cmp.ComplaintID, "error", err.Error())
		return
	}
	cmp.PayerPhonePlaintext = complaint.Phone(p)
}
