package allinpay_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
)

// A notification handler for Allinpay's risk notification URL (风控通知地址):
// complaint.NewHandler verifies each notification through the receiver,
// drops resends, hands each event to the sink once and answers "success".
// Here the fake Allinpay server posts a WeChat complaint notification twice
// (a resend) and an Alipay one.
func ExampleNewReceiver() {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
	defer srv.Close()
	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	sink := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
		// Enqueue and return quickly. Kinds tell complaints from violation
		// notices (allinpay.KindViolation) and risk types added later.
		fmt.Println("event:", e.Ref, e.Kind, e.ProviderKind)
		if e.Complaint != nil { // the Alipay notification carries the complaint
			fmt.Println("complaint:", e.Complaint.Channel, e.Complaint.State, e.Complaint.Amount.Amount)
		}
		return nil
	})
	mux := http.NewServeMux()
	mux.Handle("POST /allinpay/notify", complaint.NewHandler(allinpay.NewReceiver(c), sink))
	// To fetch WeChat complaints before the sink runs (the notification
	// carries ids only), add complaint.WithEnrichment(client.Adapter()).
	web := httptest.NewServer(mux)
	defer web.Close()

	ctx := context.Background()
	n := srv.ComplaintNotification("200000020240501000000000001", allinpaytest.ActionCreateComplaint)
	answers, err := srv.NotifyTimes(ctx, web.URL+"/allinpay/notify", n, 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range answers {
		fmt.Println("answer:", a.Status, a.Body)
	}
	ali := srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2024050100000001", Status: "WAIT_PROCESS", ComplainAmount: "12.50"})
	an, err := srv.AlipayComplaintNotification(ali.ID)
	if err != nil {
		log.Fatal(err)
	}
	// The Alipay notification carries the complaint's content (the event's
	// Complaint) but, as Allinpay's page lists it, no id: its Ref has none,
	// and the task_id is in the event's Raw (*allinpay.Notification).Alipay.
	if _, err := srv.Notify(ctx, web.URL+"/allinpay/notify", an); err != nil {
		log.Fatal(err)
	}
	// Output:
	// event: allinpay/wechat/200000020240501000000000001 created CREATE_COMPLAINT
	// answer: 200 success
	// answer: 200 success
	// event: allinpay/alipay created WAIT_PROCESS
	// complaint: alipay pending 1250
}
