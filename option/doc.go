// Package option holds the client options that every tousu provider shares:
// where requests go (WithBaseURL), how they travel (WithHTTPClient,
// WithTransport, WithTimeout, WithRetry, WithMaxResponseBytes, WithUserAgent),
// where the client logs (WithLogger) and what time it is (WithClock). They are
// defined once here and mean the same for every provider; each provider package
// adds its own options of the same Option type:
//
//	client, err := wechatpay.NewClient(creds,
//		wechatpay.WithPublicKey(keyID, pub), // wechatpay's own
//		option.WithTimeout(5*time.Second),   // shared
//		option.WithLogger(logger),
//	)
//
// A provider's own option given to another provider's client is an error from
// NewClient, never silently ignored.
package option
