package complainttest_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"

	"fmt"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

// refReceiver is a reference receiver for a made-up provider: form bodies
// id=..&change=..&sig=hex(HMAC-SHA256(secret, id|change)). broken names one
// way to get the contract wrong.
type refReceiver struct {
	secret string
	broken string
	calls  atomic.Int64
}

func (r *refReceiver) Provider() complaint.Provider { return provider }

func sign(secret, id, change string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(id + "|" + change))
	return hex.EncodeToString(m.Sum(nil))
}

func (r *refReceiver) Receive(ctx context.Context, d *complaint.Delivery) ([]complaint.Event, error) {
	if r.broken != "nil-ctx-accepted" {
		if err := complaint.CheckContext(ctx); err != nil {
			return nil, err
		}
	}
	if d == nil || len(d.Body) == 0 {
		return nil, fmt.Errorf("%w: empty delivery", complaint.ErrMalformedNotification)
	}
	if r.broken == "mutates-body" {
		d.Body[0] = 'x'
	}
	v, err := url.ParseQuery(string(d.Body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", complaint.ErrMalformedNotification, err)
	}
	id, change := v.Get("id"), v.Get("change")
	e := complaint.Event{ID: complaint.DeriveEventID(id, change), Kind: complaint.KindUpdated,
		Ref: complaint.Ref{Provider: provider, ID: id}}
	switch r.broken {
	case "unstable-id":
		e.ID = complaint.DeriveEventID(id, change, fmt.Sprint(r.calls.Add(1)))
	case "id-per-complaint":
		e.ID = complaint.DeriveEventID(id)
	case "wrong-provider":
		e.Ref.Provider = "other"
	}
	if !hmac.Equal([]byte(v.Get("sig")), []byte(sign(r.secret, id, change))) {
		switch r.broken {
		case "no-verify":
		case "events-with-error":
			return []complaint.Event{e}, complaint.ErrSignatureInvalid
		default:
			return nil, complaint.ErrSignatureInvalid
		}
	}
	return []complaint.Event{e}, nil
}

func (r *refReceiver) Ack(err error) complaint.Ack {
	if err == nil || r.broken == "ack-ok-on-failure" {
		return complaint.Ack{Status: 200, ContentType: "text/plain", Body: []byte("ok")}
	}
	return complaint.Ack{Status: complaint.StatusFor(err), ContentType: "text/plain", Body: []byte("fail")}
}

func refDelivery(secret, id, change string) *complaint.Delivery {
	body := url.Values{"id": {id}, "change": {change}, "sig": {sign(secret, id, change)}}.Encode()
	return &complaint.Delivery{Method: "POST", URL: &url.URL{Path: "/notify"}, Body: []byte(body)}
}

func receiverFixture(broken string) func(*testing.T) complainttest.ReceiverFixture {
	return func(*testing.T) complainttest.ReceiverFixture {
		return complainttest.ReceiverFixture{
			Receiver: &refReceiver{secret: "s3cret", broken: broken},
			Delivery: refDelivery("s3cret", "C100", "1"),
			Later:    refDelivery("s3cret", "C100", "2"),
			Forged:   refDelivery("not-the-secret", "C100", "1"),
		}
	}
}

func TestReferenceReceiverPasses(t *testing.T) {
	complainttest.TestReceiver(t, receiverFixture(""))
}

// TestBrokenReceiver runs the contract against one broken variant; it is
// meant to fail, and runs only as the child process of
// TestReceiverContractHasTeeth.
func TestBrokenReceiver(t *testing.T) {
	complainttest.TestReceiver(t, receiverFixture(brokenVariant(t, "COMPLAINTTEST_BROKEN_RECEIVER")))
}

func TestReceiverContractHasTeeth(t *testing.T) {
	checkCaught(t, "TestBrokenReceiver", "COMPLAINTTEST_BROKEN_RECEIVER", map[string]string{
		"no-verify":         "ForgedIsRefused",
		"events-with-error": "ForgedIsRefused",
		"unstable-id":       "RedeliveryHasTheSameIDs",
		"id-per-complaint":  "LaterChangeIsNew",
		"wrong-provider":    "GenuineDelivery",
		"mutates-body":      "GenuineDelivery",
		"nil-ctx-accepted":  "BadInput",
		"ack-ok-on-failure": "Ack",
	})
}
