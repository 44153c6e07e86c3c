package wechatpaytest

import (
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// Credentials returns the merchant credentials of this server for
// wechatpay.NewClient. PrivateKey is nil when the server was given only a
// public key (WithMerchantKey).
func (s *Server) Credentials() wechatpay.Credentials {
	return wechatpay.Credentials{
		MchID:      s.cfg.mchID,
		CertSerial: s.cfg.merchantSerial,
		PrivateKey: s.cfg.merchantKey,
		APIv3Key:   signing.NewSecret(string(s.cfg.apiV3Key)),
	}
}

// ClientOptions returns the options that point a wechatpay client at this
// server: its base URL (option.WithBaseURL) and region
// (wechatpay.WithEnvironment), its HTTP client (trusting its TLS certificate
// with WithTLS), its clock, and the keys that verify its signatures as a
// merchant in its key mode holds them: the public key, and the current
// platform certificates by serial. Append more options (for example
// wechatpay.WithCertificateDownload, or a WithRequestSerial during the grey
// switch) after these.
func (s *Server) ClientOptions() []option.Option {
	env := wechatpay.Mainland
	if s.cfg.region == wechatpay.RegionGlobal {
		env = wechatpay.Global
	}
	opts := []option.Option{
		wechatpay.WithEnvironment(env),
		option.WithBaseURL(s.URL),
		option.WithHTTPClient(s.Client()),
		option.WithClock(s.cfg.now),
	}
	if s.cfg.publicKey != nil && s.cfg.mode&PublicKeyMode != 0 {
		opts = append(opts, wechatpay.WithPublicKey(s.cfg.publicKeyID, s.cfg.publicKey.Public()))
	}
	s.mu.Lock()
	certs := newestFirst(s.certs)
	s.mu.Unlock()
	for _, c := range certs {
		opts = append(opts, wechatpay.WithPlatformKey(c.Serial, c.key.Public()))
	}
	return opts
}
