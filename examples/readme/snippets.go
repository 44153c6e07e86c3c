// Package readme holds every Go snippet of README.md as compiled code, so
// that the README cannot show code that no longer builds: go build and go
// vet compile this file, and readme_test.go checks that each ```go block of
// README.md is, byte for byte, one of the snippets marked here (between a
// "readme:start" and a "readme:end" comment; the testing snippet is a real
// test in readme_test.go) and that every marked snippet is in the README,
// in its English and its Chinese part. Edit a snippet here, then copy it
// into README.md.
package readme

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// queue stands for the merchant's own work queue.
type queue interface {
	Push(ctx context.Context, e *complaint.Event) error
}

// readme:start wechatpay
func weChatPay(ctx context.Context, keyPEM, publicKeyPEM []byte, apiV3Key string) error {
	key, err := wechatpay.LoadPrivateKey(keyPEM) // apiclient_key.pem
	if err != nil {
		return err
	}
	pub, err := wechatpay.LoadPublicKey(publicKeyPEM) // 微信支付公钥 pub_key.pem
	if err != nil {
		return err
	}
	client, err := wechatpay.NewClient(wechatpay.Credentials{
		MchID:      "1900000109",
		CertSerial: "3775B6A45ACD588826D15E583A95F5DD00000000",
		PrivateKey: key,
		APIv3Key:   signing.NewSecret(apiV3Key), // exactly 32 bytes
	}, wechatpay.WithPublicKey("PUB_KEY_ID_0119000010920250101000000000000", pub),
		option.WithTimeout(10*time.Second))
	if err != nil {
		return err
	}
	defer client.Close()

	src := client.Adapter() // a complaint.Source and a complaint.Responder
	for c, err := range src.List(ctx, complaint.ListOptions{Since: time.Now().AddDate(0, 0, -7)}) {
		if err != nil {
			return err
		}
		fmt.Println(c.ID, c.State, c.Amount.Amount, c.DueAt) // amounts in fen
		if c.State == complaint.StatePending {
			err := src.Reply(ctx, c.Ref(), complaint.Reply{Content: "您好，我们已收到，正在处理。"})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// readme:end

// readme:start allinpay
func allinpayComplaints(ctx context.Context, keyBase64 string) error {
	client, err := allinpay.NewClient(allinpay.Credentials{
		AppID:      "00000051",
		CusID:      "990581007426001",
		SignType:   allinpay.SignRSA,             // or allinpay.SignSM2
		PrivateKey: signing.NewSecret(keyBase64), // bare Base64 PKCS#8, as Allinpay hands it out
	}, allinpay.WithEnvironment(allinpay.Production))
	if err != nil {
		return err
	}
	src := client.Adapter() // WeChat and Alipay complaints, told apart by Channel
	for c, err := range src.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			return err
		}
		fmt.Println(c.Channel, c.ID, c.State, c.DueAt)
		if c.Channel == complaint.ChannelAlipay && c.State.Open() {
			err := src.Complete(ctx, c.Ref(), complaint.Completion{Code: "REFUND", Remark: "已全额退款"})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// readme:end

// readme:start payjs
func payjsComplaints(ctx context.Context, mchID, key string) error {
	client, err := payjs.NewClient(payjs.Credentials{MchID: mchID, Key: signing.NewSecret(key)})
	if err != nil {
		return err
	}
	// PAYJS never pushes complaints and answers its list about once every
	// four hours: poll it (see the poller below) or list it now and then.
	src := client.Adapter()
	for c, err := range src.List(ctx, complaint.ListOptions{Since: time.Now().Add(-24 * time.Hour)}) {
		if errors.Is(err, complaint.ErrRateLimited) {
			return nil // listed less than four hours ago
		}
		if err != nil {
			return err
		}
		// PAYJS refunds whole orders only; the Ref carries the order id.
		err = src.DecideRefund(ctx, c.Ref(), complaint.RefundDecision{Approve: true})
		if err != nil {
			return err
		}
	}
	return nil
}

// readme:end

// readme:start changxiang
func changxiangCallbacks(secret string, q queue) (http.Handler, error) {
	client, err := changxiang.NewClient(changxiang.Credentials{Secret: signing.NewSecret(secret)})
	if err != nil {
		return nil, err
	}
	// 畅想 only pushes, and each notification carries the whole complaint.
	return complaint.NewHandler(changxiang.NewReceiver(client), complaint.SinkFunc(q.Push)), nil
}

// readme:end

// readme:start handler
func serve(wx *wechatpay.Client, al *allinpay.Client, cx *changxiang.Client, q queue) error {
	sink := complaint.SinkFunc(q.Push) // enqueue and return: WeChat wants an answer within 5 s
	mux := http.NewServeMux()
	mux.Handle("POST /callbacks/wechatpay", complaint.NewHandler(wechatpay.NewReceiver(wx), sink, complaint.WithEnrichment(wx.Adapter())))
	mux.Handle("POST /callbacks/allinpay", complaint.NewHandler(allinpay.NewReceiver(al), sink, complaint.WithEnrichment(al.Adapter())))
	mux.Handle("POST /callbacks/changxiang", complaint.NewHandler(changxiang.NewReceiver(cx), sink))
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	return srv.ListenAndServe()
}

// readme:end

// readme:start errors
func replyOrRetry(ctx context.Context, r complaint.Responder, ref complaint.Ref, text string) error {
	err := r.Reply(ctx, ref, complaint.Reply{Content: text})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, complaint.ErrRateLimited):
		return fmt.Errorf("try again later: %w", err)
	case errors.Is(err, complaint.ErrNotFound):
		return nil // withdrawn or never ours
	case errors.Is(err, complaint.ErrInvalidRequest):
		var v *complaint.ValidationError
		if errors.As(err, &v) {
			log.Printf("reply refused before sending: %s: %s", v.Field, v.Reason)
		}
		return err
	case errors.Is(err, errors.ErrUnsupported):
		return nil // this provider cannot reply (PAYJS)
	}
	return err // *wechatpay.APIError and friends carry status, code and request id
}

// readme:end

// readme:start poller
func poll(ctx context.Context, wx *wechatpay.Client, pj *payjs.Client, state complaint.PollState, q queue) error {
	sink := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
		switch e.Kind {
		case complaint.KindDueSoon, complaint.KindOverdue:
			slog.Warn("complaint needs an answer", "ref", e.Ref, "kind", e.Kind, "due", e.Complaint.DueAt)
		}
		return q.Push(ctx, e)
	})
	p, err := complaint.NewPoller(sink, []complaint.PollSource{
		{Name: "payjs-1234567890", Source: pj.Adapter()},     // the only complaint feed for PAYJS
		{Name: "wechatpay-1900000109", Source: wx.Adapter()}, // a safety net for missed callbacks
	}, complaint.WithPollState(state), complaint.WithDeadlineMargin(12*time.Hour))
	if err != nil {
		return err
	}
	return p.Run(ctx) // until ctx is done
}

// readme:end

// The snippets that reach production hosts or listen on a port are
// compiled, not run; readme_test.go runs the others against the fakes.
var _ = []any{weChatPay, allinpayComplaints, payjsComplaints, serve, poll}
