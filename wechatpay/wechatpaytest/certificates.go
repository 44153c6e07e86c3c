package wechatpaytest

import (
	"net/http"

	"github.com/tousu-go/tousu/signing"
)

// encrypt seals plaintext with the APIv3 key as WeChat does for certificates
// and callbacks: a random 12-character nonce, the given associated data,
// Base64 of ciphertext‖tag.
func (s *Server) encrypt(plaintext []byte, associatedData string) (encryptedBody, error) {
	nonce := randomString(signing.AESGCMNonceSize)
	ct, err := s.gcm.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))
	if err != nil {
		return encryptedBody{}, err
	}
	return encryptedBody{
		Algorithm:      algorithmAEADAES256GCM,
		Ciphertext:     signing.EncodeBase64(ct),
		AssociatedData: associatedData,
		Nonce:          nonce,
	}, nil
}

// handleCertificates serves GET /v3/certificates (/v3/global/certificates on
// global, which takes no query): the active platform certificates, each PEM
// encrypted with the APIv3 key under associated_data "certificate". A
// public-key-only merchant gets 404 RESOURCE_NOT_EXISTS, as new merchants do
// from WeChat.
func (s *Server) handleCertificates(c *call) *response {
	alg := c.r.URL.Query().Get("algorithm_type")
	switch alg {
	case "", "RSA", "SM2", "ALL":
	default:
		return queryParamError("algorithm_type", "取值应为RSA、SM2或ALL")
	}
	if s.cfg.mode&CertificateMode == 0 {
		return notFound("无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥")
	}
	out := certificatesBody{Data: []certificateBody{}}
	if alg == "SM2" {
		// The fake has no SM2 certificates.
		return jsonResponse(http.StatusOK, out)
	}
	s.mu.Lock()
	certs := newestFirst(s.certs)
	s.mu.Unlock()
	for _, pc := range certs {
		enc, err := s.encrypt(pc.PEM, "certificate")
		if err != nil {
			return apiError(http.StatusInternalServerError, codeSystemError, "系统错误", nil)
		}
		out.Data = append(out.Data, certificateBody{
			SerialNo:           pc.Serial,
			EffectiveTime:      wireSecond(pc.EffectiveTime),
			ExpireTime:         wireSecond(pc.ExpireTime),
			EncryptCertificate: enc,
		})
	}
	return jsonResponse(http.StatusOK, out)
}
