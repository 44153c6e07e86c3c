package complainttest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

// ReceiverFixture is what TestReceiver needs: a provider's complaint Receiver
// and three deliveries made the way the provider makes them (by its fake
// server or sender).
type ReceiverFixture struct {
	// Receiver is the provider's complaint.Receiver, built for the account
	// the deliveries are addressed to.
	Receiver complaint.Receiver
	// Delivery is a genuine delivery of one change of a complaint; it must
	// yield at least one event.
	Delivery *complaint.Delivery
	// Later is a genuine delivery of a later change of the same complaint:
	// its events must not share an id with Delivery's, or the handler would
	// drop them as duplicates.
	Later *complaint.Delivery
	// Forged carries a notification signed with a key or secret the receiver
	// does not trust.
	Forged *complaint.Delivery
}

// eventKey is what two receptions of one delivery must agree on; Time may be
// the time of receipt and Raw is the provider's own value.
type eventKey struct {
	id   string
	ref  complaint.Ref
	kind complaint.Kind
}

func keysOf(events []complaint.Event) []eventKey {
	out := make([]eventKey, len(events))
	for i, e := range events {
		out[i] = eventKey{e.ID, e.Ref, e.Kind}
	}
	return out
}

// tamperPositions caps how many single-byte changes of a body are tried.
const tamperPositions = 128

// TestReceiver checks a complaint.Receiver against the contract the callback
// handler relies on: a genuine delivery yields events of the receiver's
// provider whose ids are the same on every reception (so a redelivery is a
// duplicate) and differ for a later change of the same complaint (so it is
// not); a forged delivery is refused as ErrSignatureInvalid; a body changed in
// any byte is refused or means exactly what the genuine one meant (bytes the
// provider does not sign, such as an envelope); nothing is dispatched with an
// error; bad input (nil context, nil or empty delivery) is an error, not a
// panic; the delivery is not modified; concurrent receptions agree; and Ack
// answers success with a 2xx, failures without it, and an in-flight
// redelivery with 503 so the provider retries.
func TestReceiver(t *testing.T, newFixture func(t *testing.T) ReceiverFixture) {
	t.Helper()
	ctx := context.Background()

	t.Run("GenuineDelivery", func(t *testing.T) {
		f := newFixture(t)
		body := bytes.Clone(f.Delivery.Body)
		events, err := f.Receiver.Receive(ctx, f.Delivery)
		if err != nil {
			t.Fatalf("Receive of a genuine delivery: %v", err)
		}
		if len(events) == 0 {
			t.Fatal("a genuine delivery of a complaint change yielded no event")
		}
		for _, e := range events {
			if e.ID == "" || e.Kind == "" {
				t.Errorf("event %+v: want a non-empty ID and Kind", e.Ref)
			}
			if e.Ref.Provider != f.Receiver.Provider() {
				t.Errorf("event of provider %q from a %q receiver", e.Ref.Provider, f.Receiver.Provider())
			}
		}
		if !bytes.Equal(f.Delivery.Body, body) {
			t.Error("Receive changed the delivery's body")
		}
	})

	t.Run("RedeliveryHasTheSameIDs", func(t *testing.T) {
		f := newFixture(t)
		first := mustReceive(t, f.Receiver, f.Delivery)
		again := mustReceive(t, f.Receiver, f.Delivery)
		if !slices.Equal(keysOf(first), keysOf(again)) {
			t.Fatalf("two receptions of one delivery: %+v then %+v; a redelivery must repeat ids, refs and kinds", keysOf(first), keysOf(again))
		}
	})

	t.Run("LaterChangeIsNew", func(t *testing.T) {
		f := newFixture(t)
		first := mustReceive(t, f.Receiver, f.Delivery)
		later := mustReceive(t, f.Receiver, f.Later)
		sameComplaint := false
		for _, a := range first {
			for _, b := range later {
				if a.ID == b.ID {
					t.Fatalf("a later change has event id %q of the first: the handler would drop it", a.ID)
				}
				sameComplaint = sameComplaint || (a.Ref.ID == b.Ref.ID && a.Ref.Provider == b.Ref.Provider)
			}
		}
		if !sameComplaint {
			t.Fatalf("the fixture's Later (%+v) is not about the complaint of Delivery (%+v)", keysOf(later), keysOf(first))
		}
	})

	t.Run("ForgedIsRefused", func(t *testing.T) {
		f := newFixture(t)
		events, err := f.Receiver.Receive(ctx, f.Forged)
		if !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Fatalf("Receive of a forged delivery = %v, want complaint.ErrSignatureInvalid", err)
		}
		if events != nil {
			t.Fatalf("a refused delivery yielded events %+v", keysOf(events))
		}
	})

	t.Run("TamperedIsRefusedOrUnchanged", func(t *testing.T) {
		f := newFixture(t)
		want := keysOf(mustReceive(t, f.Receiver, f.Delivery))
		n := len(f.Delivery.Body)
		step := max(1, n/tamperPositions)
		refused := 0
		for i := 0; i < n; i += step {
			d := *f.Delivery
			d.Body = bytes.Clone(f.Delivery.Body)
			d.Body[i] ^= 0x01
			events, err := f.Receiver.Receive(ctx, &d)
			switch {
			case err != nil && events != nil:
				t.Fatalf("byte %d changed: an error (%v) came with events", i, err)
			case err != nil:
				refused++
			case !slices.Equal(keysOf(events), want):
				t.Fatalf("byte %d changed: accepted with events %+v, the genuine delivery's were %+v", i, keysOf(events), want)
			}
		}
		if refused == 0 {
			t.Fatal("no changed byte was refused: the receiver does not verify")
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		f := newFixture(t)
		var nilCtx context.Context
		if events, err := f.Receiver.Receive(nilCtx, f.Delivery); !errors.Is(err, complaint.ErrInvalidRequest) || events != nil {
			t.Errorf("Receive(nil ctx) = %d events, %v; want complaint.ErrInvalidRequest", len(events), err)
		}
		if events, err := f.Receiver.Receive(ctx, nil); err == nil || events != nil {
			t.Errorf("Receive(nil delivery) = %d events, %v; want an error", len(events), err)
		}
		empty := *f.Delivery
		empty.Body = nil
		if events, err := f.Receiver.Receive(ctx, &empty); err == nil || events != nil {
			t.Errorf("Receive(empty body) = %d events, %v; want an error", len(events), err)
		}
	})

	t.Run("ConcurrentReceptionsAgree", func(t *testing.T) {
		f := newFixture(t)
		want := keysOf(mustReceive(t, f.Receiver, f.Delivery))
		const n = 8
		got := make([][]eventKey, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				events, err := f.Receiver.Receive(ctx, f.Delivery)
				got[i], errs[i] = keysOf(events), err
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || !slices.Equal(got[i], want) {
				t.Fatalf("concurrent reception %d: %+v, %v; want %+v", i, got[i], errs[i], want)
			}
		}
	})

	t.Run("Ack", func(t *testing.T) {
		f := newFixture(t)
		ok := f.Receiver.Ack(nil)
		if ok.Status < 200 || ok.Status > 299 {
			t.Fatalf("Ack(nil).Status = %d, want 2xx", ok.Status)
		}
		for _, err := range []error{complaint.ErrSignatureInvalid, complaint.ErrMalformedNotification, errors.New("sink down")} {
			a := f.Receiver.Ack(err)
			if a.Status >= 200 && a.Status <= 299 && bytes.Equal(a.Body, ok.Body) {
				t.Errorf("Ack(%v) = %d %q: the provider would take a failure for success", err, a.Status, a.Body)
			}
			if a.Status != complaint.StatusFor(err) {
				t.Errorf("Ack(%v).Status = %d, want complaint.StatusFor's %d", err, a.Status, complaint.StatusFor(err))
			}
		}
		if a := f.Receiver.Ack(complaint.ErrInFlight); a.Status != http.StatusServiceUnavailable {
			t.Errorf("Ack(ErrInFlight).Status = %d, want 503 so that the provider retries", a.Status)
		}
	})
}

func mustReceive(t *testing.T, r complaint.Receiver, d *complaint.Delivery) []complaint.Event {
	t.Helper()
	events, err := r.Receive(context.Background(), d)
	if err != nil {
		t.Fatalf("Receive of a genuine delivery: %v", err)
	}
	if len(events) == 0 {
		t.Fatal("a genuine delivery of a complaint change yielded no event")
	}
	return events
}
