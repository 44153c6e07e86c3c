package wechatpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// A client built from the server's credentials and options lists the seeded
// complaints, replies, and the server's state follows.
func Example() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	seeded := srv.Seed(12)

	client, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	ctx := context.Background()

	now := time.Now()
	n := 0
	for _, err := range client.AllComplaints(ctx, &wechatpay.ListComplaintsRequest{BeginDate: now.AddDate(0, 0, -7), EndDate: now, Limit: 5}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println("complaints:", n)

	id := seeded[0].ComplaintID
	err = client.Reply(ctx, &wechatpay.ReplyRequest{ComplaintID: id, ComplaintedMchID: srv.MchID(), ResponseContent: "您好，已为您安排退款。"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := srv.Complaint(id)
	h := srv.History(id)
	fmt.Println(c.ComplaintState, h[len(h)-1].OperateType)
	// Output:
	// complaints: 12
	// PROCESSING MERCHANT_RESPONSE
}

// The server pushes signed, encrypted callbacks to the registered URL; here a
// complaint.NewHandler behind an httptest.Server receives them.
func ExampleServer_Notify() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client, _ := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	defer client.Close()

	events := make(chan *complaint.Event, 1)
	handler := complaint.NewHandler(wechatpay.NewReceiver(client), complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		events <- e
		return nil
	}))
	merchant := httptest.NewServer(handler)
	defer merchant.Close()
	srv.SetNotificationURL(merchant.URL + "/wechatpay/complaints")

	c := srv.AddComplaint(srv.SampleComplaint(0))
	status, err := srv.Notify(context.Background(), c.ComplaintID, wechatpay.ActionCreateComplaint)
	fmt.Println(status, err)
	e := <-events
	fmt.Println(e.Ref.ID == c.ComplaintID, e.Kind)

	// A probe signature is refused.
	status, _ = srv.Notify(context.Background(), c.ComplaintID, wechatpay.ActionUserResponse,
		wechatpaytest.WithNotifyFault(wechatpaytest.FaultProbeSignature))
	fmt.Println(status)
	// Output:
	// 200 <nil>
	// true created
	// 401
}

// A handler on the test machine receives the server's callbacks: register an
// httptest.Server's plain http:// URL with CreateNotificationURL (the client
// and the server accept http on a loopback host: localhost, 127.0.0.0/8 or
// [::1]; real WeChat requires https), then push a callback. The handler
// verifies and decrypts it with the client, as a production handler would.
func ExampleServer_localHandler() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	ctx := context.Background()

	actions := make(chan wechatpay.ActionType, 1)
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := client.ParseNotification(r)
		if err != nil {
			http.Error(w, `{"code":"FAIL","message":"失败"}`, http.StatusUnauthorized)
			return
		}
		actions <- n.Decrypted.ActionType
		w.WriteHeader(http.StatusNoContent)
	}))
	defer local.Close()

	registered, err := client.CreateNotificationURL(ctx, &wechatpay.NotificationURLRequest{URL: local.URL + "/wechatpay/complaints"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(registered.URL == srv.NotificationURL(), strings.HasPrefix(registered.URL, "http://127.0.0.1:"))

	c := srv.AddComplaint(srv.SampleComplaint(0))
	status, err := srv.Notify(ctx, c.ComplaintID, wechatpay.ActionCreateComplaint)
	fmt.Println(status, err, <-actions)

	// Plain http to any other host is refused, as WeChat refuses it.
	_, err = client.CreateNotificationURL(ctx, &wechatpay.NotificationURLRequest{URL: "http://shop.example/n"})
	fmt.Println(errors.Is(err, complaint.ErrInvalidRequest))
	// Output:
	// true true
	// 204 <nil> CREATE_COMPLAINT
	// true
}

// NewNotificationRequest builds a callback for calling a handler directly,
// without a network.
func ExampleServer_NewNotificationRequest() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client, _ := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	defer client.Close()

	req, _ := srv.NewNotificationRequest("200201820250101080076610000", wechatpay.ActionMerchantApproveRefund)
	n, err := client.ParseNotification(req)
	fmt.Println(n.EventType, n.Decrypted.ActionType, err)
	// Output:
	// COMPLAINT.STATE_CHANGE MERCHANT_APPROVE_REFUND <nil>
}

// InjectFault makes the next response misbehave once, here with a tampered
// body the client must reject.
func ExampleServer_InjectFault() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client, _ := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	defer client.Close()
	srv.SetNotificationURL("https://shop.example/wechatpay/complaints")

	srv.InjectFault(wechatpaytest.FaultTamperedBody)
	_, err := client.GetNotificationURL(context.Background())
	fmt.Println(errors.Is(err, complaint.ErrSignatureInvalid))
	_, err = client.GetNotificationURL(context.Background())
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}
