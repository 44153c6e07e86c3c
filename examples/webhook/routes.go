package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// Sink is where verified, de-duplicated callbacks go, with the account they
// arrived for. Both methods should be quick (WeChat wants an answer within 5
// seconds): enqueue and return. An error makes the provider deliver again.
type Sink interface {
	HandleEvent(ctx context.Context, account string, e *complaint.Event) error
	HandlePayment(ctx context.Context, account string, p Payment) error
}

// Payment is the little the server passes on of a payment notification
// (PAYJS notify_url, 畅想 v3 callback); the provider's typed notification has
// the rest.
type Payment struct {
	Provider   complaint.Provider
	OrderID    string // the provider's order id
	OutTradeNo string // the merchant's order number
	// Amount is the amount as the provider sent it: fen for PAYJS, 畅想's
	// total_fee text (its unit is undocumented).
	Amount string
}

// NewMux builds every account's client and callback handler and routes
//
//	POST /callbacks/{provider}/{account}          complaint callbacks (wechatpay, allinpay, changxiang)
//	POST /callbacks/{provider}/{account}/payment  payment notifications (payjs, changxiang)
//	GET  /healthz
//
// All handlers share store, so a redelivery is recognised whichever account
// path it arrives on. The returned function releases the clients.
func NewMux(cfg *Config, sink Sink, store complaint.Store, log *slog.Logger) (http.Handler, func(), error) {
	routes := map[string]http.Handler{}
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	var errs []error
	for _, a := range cfg.Accounts {
		// The handler names the provider in its lines itself; clients do not.
		hlog := log.With(slog.String("account", a.Name))
		alog := hlog.With(slog.String("provider", string(a.Provider)))
		opts := []complaint.HandlerOption{complaint.WithStore(store), complaint.WithHandlerLogger(hlog)}
		events := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
			return sink.HandleEvent(ctx, a.Key(), e)
		})
		var err error
		switch a.Provider {
		case complaint.WeChatPay:
			var c *wechatpay.Client
			if c, err = newWeChatPay(a, alog); err == nil {
				closers = append(closers, func() { _ = c.Close() })
				// WeChat's callbacks carry ids only: fetch the complaint
				// before the sink runs (a failed fetch still dispatches).
				routes[a.Key()] = complaint.NewHandler(wechatpay.NewReceiver(c), events,
					append(opts, complaint.WithEnrichment(c.Adapter()))...)
			}
		case complaint.Allinpay:
			var c *allinpay.Client
			if c, err = newAllinpay(a, alog); err == nil {
				// Allinpay relays WeChat's ids-only callbacks too: fetch
				// those complaints as for WeChat (Alipay notifications carry
				// the complaint and are not fetched again).
				routes[a.Key()] = complaint.NewHandler(allinpay.NewReceiver(c), events,
					append(opts, complaint.WithEnrichment(c.Adapter()))...)
			}
		case complaint.PAYJS:
			var c *payjs.Client
			if c, err = newPAYJS(a, alog); err == nil {
				routes[a.Key()+"/payment"] = complaint.NewPaymentHandler(payjs.NewReceiver(c),
					complaint.PaymentSinkFunc[*payjs.Notification](func(ctx context.Context, n *payjs.Notification) error {
						return sink.HandlePayment(ctx, a.Key(), Payment{Provider: complaint.PAYJS, OrderID: n.PayJSOrderID,
							OutTradeNo: n.OutTradeNo, Amount: strconv.FormatInt(n.TotalFee, 10)})
					}), opts...)
			}
		case complaint.Changxiang:
			var c *changxiang.Client
			if c, err = newChangxiang(a, alog); err == nil {
				routes[a.Key()] = complaint.NewHandler(changxiang.NewReceiver(c), events, opts...)
				routes[a.Key()+"/payment"] = complaint.NewPaymentHandler(changxiang.NewPaymentReceiver(c),
					complaint.PaymentSinkFunc[*changxiang.PaymentNotification](func(ctx context.Context, n *changxiang.PaymentNotification) error {
						return sink.HandlePayment(ctx, a.Key(), Payment{Provider: complaint.Changxiang, OrderID: n.TradeNo,
							OutTradeNo: n.OutTradeNo, Amount: n.TotalFee})
					}), opts...)
			}
		}
		errs = append(errs, a.wrap(err))
	}
	if err := errors.Join(errs...); err != nil {
		closeAll()
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	route := func(suffix string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			h, ok := routes[r.PathValue("provider")+"/"+r.PathValue("account")+suffix]
			if !ok {
				http.NotFound(w, r)
				return
			}
			h.ServeHTTP(w, r)
		}
	}
	mux.Handle("POST /callbacks/{provider}/{account}", route(""))
	mux.Handle("POST /callbacks/{provider}/{account}/payment", route("/payment"))
	return mux, closeAll, nil
}

// parseFile reads the file the account's variable names and parses it;
// errors name the variable, never the file's content.
func parseFile[T any](a Account, suffix string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	b, err := a.file(suffix)
	if err != nil {
		return zero, err
	}
	v, err := parse(b)
	if err != nil {
		return zero, fmt.Errorf("%s%s: %w", a.prefix, suffix, err)
	}
	return v, nil
}

// clientOptions are the shared options of every account's client: its
// logger, and a base URL when the account sets one (a sandbox, a test).
func clientOptions(a Account, log *slog.Logger) []option.Option {
	opts := []option.Option{option.WithLogger(log), option.WithTimeout(10 * time.Second)}
	if u := a.optional("BASE_URL"); u != "" {
		opts = append(opts, option.WithBaseURL(u))
	}
	return opts
}

func newWeChatPay(a Account, log *slog.Logger) (*wechatpay.Client, error) {
	key, err := parseFile(a, "PRIVATE_KEY_FILE", wechatpay.LoadPrivateKey)
	if err != nil {
		return nil, err
	}
	pub, err := parseFile(a, "PUBLIC_KEY_FILE", wechatpay.LoadPublicKey)
	if err != nil {
		return nil, err
	}
	mchID, _ := a.get("MCHID")
	serial, _ := a.get("CERT_SERIAL")
	apiv3, _ := a.get("APIV3_KEY")
	pubID, _ := a.get("PUBLIC_KEY_ID")
	return wechatpay.NewClient(wechatpay.Credentials{MchID: mchID, CertSerial: serial, PrivateKey: key,
		APIv3Key: signing.NewSecret(apiv3)},
		append(clientOptions(a, log), wechatpay.WithPublicKey(pubID, pub))...)
}

func newAllinpay(a Account, log *slog.Logger) (*allinpay.Client, error) {
	key, err := a.file("PRIVATE_KEY_FILE")
	if err != nil {
		return nil, err
	}
	pub, err := a.optionalFile("ALLINPAY_PUBLIC_KEY_FILE") // empty: Allinpay's published key
	if err != nil {
		return nil, err
	}
	signType, _ := a.get("SIGN_TYPE")
	st := allinpay.SignType(strings.ToUpper(signType))
	if st != allinpay.SignRSA && st != allinpay.SignSM2 {
		return nil, fmt.Errorf("%sSIGN_TYPE: want RSA or SM2", a.prefix)
	}
	appID, _ := a.get("APPID")
	cusID, _ := a.get("CUSID")
	return allinpay.NewClient(allinpay.Credentials{AppID: appID, CusID: cusID, OrgID: a.optional("ORGID"),
		SignType: st, PrivateKey: signing.NewSecret(key), AllinpayPublicKey: string(pub)}, clientOptions(a, log)...)
}

func newPAYJS(a Account, log *slog.Logger) (*payjs.Client, error) {
	mchID, _ := a.get("MCHID")
	key, _ := a.get("KEY")
	return payjs.NewClient(payjs.Credentials{MchID: mchID, Key: signing.NewSecret(key)}, clientOptions(a, log)...)
}

func newChangxiang(a Account, log *slog.Logger) (*changxiang.Client, error) {
	secret, _ := a.get("SECRET")
	return changxiang.NewClient(changxiang.Credentials{Secret: signing.NewSecret(secret),
		AppKey: a.optional("APP_KEY"), MchID: a.optional("MCHID")}, clientOptions(a, log)...)
}
