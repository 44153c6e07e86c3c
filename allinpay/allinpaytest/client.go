package allinpaytest

import (
	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// Credentials returns the credentials of an allinpay client that talks to this
// server as its merchant: the server's ids, the merchant's private key and the
// fake's own "Allinpay" public key of the server's sign type. In agent and
// group mode CusID is the agent or group number, so that listing returns every
// sub-merchant's complaints; calls on one complaint carry the sub-merchant's
// number from the complaint reference.
func (s *Server) Credentials() allinpay.Credentials {
	k := s.Keys()
	cusID := s.CusID()
	if s.OrgID() != "" {
		cusID = s.OrgID()
	}
	return allinpay.Credentials{
		AppID:             s.AppID(),
		CusID:             cusID,
		OrgID:             s.OrgID(),
		SignType:          allinpay.SignType(k.SignType),
		PrivateKey:        signing.NewSecret(k.Merchant.PrivateKey),
		AllinpayPublicKey: k.Allinpay.PublicKey,
	}
}

// ClientOptions returns the options that point an allinpay client at this
// server: its base URL and its HTTP client.
func (s *Server) ClientOptions() []option.Option {
	return []option.Option{
		option.WithBaseURL(s.URL()),
		option.WithHTTPClient(s.Client()),
	}
}
