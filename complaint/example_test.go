package complaint_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tousu-go/tousu/complaint"
)

// echoReceiver is a toy provider: the body is the complaint id, and it answers
// "success" the way Allinpay and PAYJS expect.
type echoReceiver struct{}

func (echoReceiver) Provider() complaint.Provider { return "echo" }

func (echoReceiver) Receive(_ context.Context, d *complaint.Delivery) ([]complaint.Event, error) {
	id := strings.TrimSpace(string(d.Body))
	if id == "" {
		return nil, complaint.ErrMalformedNotification
	}
	ref := complaint.Ref{Provider: "echo", ID: id}
	return []complaint.Event{{ID: "evt-" + id, Ref: ref, Kind: complaint.KindCreated}}, nil
}

func (echoReceiver) Ack(err error) complaint.Ack {
	if err != nil {
		return complaint.Ack{Status: complaint.StatusFor(err), Body: []byte("fail")}
	}
	return complaint.Ack{Status: http.StatusOK, ContentType: "text/plain", Body: []byte("success")}
}

func ExampleNewHandler() {
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		fmt.Println("new event:", e.Kind, e.Ref)
		return nil
	})
	h := complaint.NewHandler(echoReceiver{}, sink)

	for _, body := range []string{"C100", "C100", ""} { // a complaint, its redelivery, junk
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(body)))
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// new event: created echo/C100
	// 200 success
	// 200 success
	// 400 fail
}

func ExampleMaskPhone() {
	c := complaint.Contact{Phone: "18612045566", Name: "张三丰"}
	fmt.Println(c)
	fmt.Printf("%v %+v\n", c.Phone, c.Phone)
	fmt.Println(c.Phone.Plain())
	// Output:
	// Contact{phone=186******66 name=张**}
	// 186******66 186******66
	// 18612045566
}

func ExampleDeriveEventID() {
	// A 畅想 complaint notification carries no event id. The fields that define
	// the change make one: a redelivery has the same id, a later refund of the
	// same complaint does not.
	created := complaint.DeriveEventID("CX20261201001", "1", "2026-12-01 10:00:00", "", "")
	again := complaint.DeriveEventID("CX20261201001", "1", "2026-12-01 10:00:00", "", "")
	refunded := complaint.DeriveEventID("CX20261201001", "1", "2026-12-01 10:00:00", "2026-12-02 09:30:00", "12.50")
	fmt.Println(created == again, created == refunded)
	// Output: true false
}

// paid is a toy payment notification: the body is the order id.
type paid struct{ Order string }

type payReceiver struct{ echoReceiver }

func (payReceiver) ReceivePayment(_ context.Context, d *complaint.Delivery) (paid, string, error) {
	order := strings.TrimSpace(string(d.Body))
	if order == "" {
		return paid{}, "", complaint.ErrMalformedNotification
	}
	return paid{Order: order}, order, nil
}

func ExampleNewPaymentHandler() {
	sink := complaint.PaymentSinkFunc[paid](func(_ context.Context, n paid) error {
		fmt.Println("paid:", n.Order)
		return nil
	})
	h := complaint.NewPaymentHandler[paid](payReceiver{}, sink)
	for _, body := range []string{"O-1", "O-1"} { // a notification and its redelivery
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/paid", strings.NewReader(body)))
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// paid: O-1
	// 200 success
	// 200 success
}
