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

func (echoReceiver) Receive(_ context.Context, _ http.Header, body []byte) ([]complaint.Event, error) {
	id := strings.TrimSpace(string(body))
	if id == "" {
		return nil, complaint.ErrMalformedNotification
	}
	return []complaint.Event{{ID: "evt-" + id, Provider: "echo", Kind: complaint.KindCreated, ComplaintID: id}}, nil
}

func (echoReceiver) Ack(err error) complaint.Ack {
	if err != nil {
		return complaint.Ack{Status: complaint.StatusFor(err), Body: []byte("fail")}
	}
	return complaint.Ack{Status: http.StatusOK, ContentType: "text/plain", Body: []byte("success")}
}

func ExampleNewHandler() {
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		fmt.Println("new event:", e.Kind, e.ComplaintID)
		return nil
	})
	h := complaint.NewHandler(echoReceiver{}, sink)

	for _, body := range []string{"C100", "C100", ""} { // a complaint, its redelivery, junk
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(body)))
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// new event: created C100
	// 200 success
	// 200 success
	// 400 fail
}

func ExampleMaskPhone() {
	c := complaint.Contact{Phone: "18612045566"}
	fmt.Println(c)
	// Output: Contact{phone=186******66}
}
