package wechatpaytest

import (
	"net/http"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// encrypt seals plaintext with the APIv3 key as WeChat does for certificates
// and callbacks: a random 12-character nonce, the given associated data,
// Base64 of ciphertext‖tag.
func (s *Server) encrypt(plaintext []byte, associatedData string) (wechatpay.EncryptedResource, error) {
	nonce := randomString(signing.AESGCMNonceSize)
	ct, err := s.gcm.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))
	if err != nil {
		return wechatpay.EncryptedResource{}, err
	}
	return wechatpay.EncryptedResource{
		Algorithm:      wechatpay.AlgorithmAEADAES256GCM,
		Ciphertext:     signing.EncodeBase64(ct),
		AssociatedData: associatedData,
		Nonce:          nonce,
	}, nil
}

// handleCertificates serves GET /v3/certificates (/v3/global/certificates on
// global): the active platform certificates, each PEM encrypted with the APIv3
// key under associated_data "certificate". A public-key-only merchant gets 404
// RESOURCE_NOT_EXISTS, as new merchants do from WeChat.
func (s *Server) handleCertificates(c *call) *response {
	switch wechatpay.CertificateAlgorithmType(c.r.URL.Query().Get("algorithm_type")) {
	case "", wechatpay.CertificateRSA, wechatpay.CertificateAll, wechatpay.CertificateSM2:
	default:
		return queryParamError("algorithm_type", "取值应为RSA、SM2或ALL")
	}
	if s.cfg.mode&CertificateMode == 0 {
		return notFound("无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥")
	}
	out := wechatpay.CertificatesResponse{Data: []wechatpay.Certificate{}}
	if wechatpay.CertificateAlgorithmType(c.r.URL.Query().Get("algorithm_type")) == wechatpay.CertificateSM2 {
		// The fake has no SM2 certificates.
		return jsonResponse(http.StatusOK, out)
	}
	s.mu.Lock()
	certs := newestFirst(s.certs)
	s.mu.Unlock()
	for _, pc := range certs {
		enc, err := s.encrypt(pc.PEM, "certificate")
		if err != nil {
			return apiError(http.StatusInternalServerError, wechatpay.CodeSystemError, "系统错误", nil)
		}
		out.Data = append(out.Data, wechatpay.Certificate{
			SerialNo:           pc.Serial,
			EffectiveTime:      beijingSecond(pc.EffectiveTime),
			ExpireTime:         beijingSecond(pc.ExpireTime),
			EncryptCertificate: enc,
		})
	}
	return jsonResponse(http.StatusOK, out)
}
