package complainttest_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

// memSource is a reference provider held in memory: a Source and a Responder
// that keep the contract, with switches that break it one way at a time.
type memSource struct {
	mu      sync.Mutex
	list    []*complaint.Complaint
	history map[string][]*complaint.Entry
	broken  string
}

const provider complaint.Provider = "mem"

var base = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func newMem(broken string) *memSource {
	m := &memSource{history: map[string][]*complaint.Entry{}, broken: broken}
	for i := range 4 {
		m.list = append(m.list, &complaint.Complaint{Provider: provider, ID: fmt.Sprintf("C%d", i),
			State: complaint.StatePending, CreatedAt: base.Add(time.Duration(i) * time.Hour)})
	}
	return m
}

func (m *memSource) Provider() complaint.Provider { return provider }

func (m *memSource) List(ctx context.Context, o complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		if ctx == nil {
			if m.broken == "nil-ctx-panics" {
				panic("nil ctx")
			}
			yield(nil, &complaint.ValidationError{Field: "ctx", Reason: "is nil"})
			return
		}
		if !o.Until.IsZero() && o.Until.Before(o.Since) {
			yield(nil, &complaint.ValidationError{Field: "Until", Reason: "is before Since"})
			return
		}
		if err := ctx.Err(); err != nil && m.broken != "ignores-cancel" {
			yield(nil, err)
			return
		}
		m.mu.Lock()
		all := slices.Clone(m.list)
		m.mu.Unlock()
		for _, c := range all {
			in := !c.CreatedAt.Before(o.Since) && c.CreatedAt.Before(o.Until)
			if m.broken == "inclusive-until" {
				in = !c.CreatedAt.Before(o.Since) && !c.CreatedAt.After(o.Until)
			}
			if !in {
				continue
			}
			cp := *c
			if !yield(&cp, nil) && m.broken != "ignores-break" {
				return
			}
		}
	}
}

func (m *memSource) find(ref complaint.Ref) (*complaint.Complaint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.list {
		if c.ID == ref.ID {
			return c, nil
		}
	}
	if m.broken == "missing-is-nil" {
		return &complaint.Complaint{Provider: provider, ID: ref.ID}, nil
	}
	return nil, fmt.Errorf("mem: %s: %w", ref.ID, complaint.ErrNotFound)
}

func (m *memSource) Get(ctx context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	if ctx == nil {
		return nil, &complaint.ValidationError{Field: "ctx", Reason: "is nil"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := m.find(ref)
	if err != nil {
		return nil, err
	}
	cp := *c
	if m.broken == "get-loses-merchant" {
		cp.MerchantID = "someone-else"
	}
	return &cp, nil
}

func (m *memSource) History(ctx context.Context, ref complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) {
		if ctx == nil {
			yield(nil, &complaint.ValidationError{Field: "ctx", Reason: "is nil"})
			return
		}
		if _, err := m.find(ref); err != nil {
			yield(nil, err)
			return
		}
		m.mu.Lock()
		h := slices.Clone(m.history[ref.ID])
		m.mu.Unlock()
		for _, e := range h {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (m *memSource) Reply(ctx context.Context, ref complaint.Ref, r complaint.Reply) error {
	if _, err := m.find(ref); err != nil {
		return err
	}
	if m.broken == "reply-not-recorded" {
		return nil
	}
	m.mu.Lock()
	m.history[ref.ID] = append(m.history[ref.ID], &complaint.Entry{Actor: complaint.ActorMerchant,
		Kind: complaint.KindMerchantReply, Content: r.Content})
	m.mu.Unlock()
	return nil
}

func (m *memSource) Complete(ctx context.Context, ref complaint.Ref, _ complaint.Completion) error {
	c, err := m.find(ref)
	if err != nil {
		return err
	}
	m.mu.Lock()
	c.State = complaint.StateResolved
	m.mu.Unlock()
	return nil
}

func (m *memSource) DecideRefund(context.Context, complaint.Ref, complaint.RefundDecision) error {
	if m.broken == "unsupported-untyped" {
		return errors.New("mem: refunds are not supported")
	}
	return fmt.Errorf("mem: refund decision: %w", errors.ErrUnsupported)
}

func fixtureFor(broken string) func(t *testing.T) complainttest.Fixture {
	return func(t *testing.T) complainttest.Fixture {
		m := newMem(broken)
		f := complainttest.Fixture{Source: m, Responder: m,
			Missing:     complaint.Ref{Provider: provider, ID: "nope"},
			Unsupported: []complainttest.Capability{complainttest.CanDecideRefund}}
		for _, c := range m.list {
			f.Seeded = append(f.Seeded, complainttest.Seed{Ref: c.Ref(), CreatedAt: c.CreatedAt})
		}
		switch broken {
		case "two-seeds":
			f.Seeded = f.Seeded[:2]
		case "responder-of-another-provider":
			f.Responder = otherResponder{m}
		}
		return f
	}
}

// otherResponder claims another provider.
type otherResponder struct{ *memSource }

func (otherResponder) Provider() complaint.Provider { return "other" }

func TestReferenceSourcePasses(t *testing.T) {
	complainttest.TestSource(t, fixtureFor(""))
}

// TestBrokenSource runs the contract against one broken variant; it is
// meant to fail, and runs only as the child process of TestContractHasTeeth.
func TestBrokenSource(t *testing.T) {
	complainttest.TestSource(t, fixtureFor(brokenVariant(t, "COMPLAINTTEST_BROKEN")))
}

// Every way of breaking the contract is caught, by the subtest that checks
// that part.
func TestContractHasTeeth(t *testing.T) {
	checkCaught(t, "TestBrokenSource", "COMPLAINTTEST_BROKEN", map[string]string{
		"inclusive-until":               "WindowIsHalfOpen",
		"ignores-break":                 "EarlyStop",
		"ignores-cancel":                "CancelledContext",
		"nil-ctx-panics":                "InvalidInput",
		"missing-is-nil":                "GetRoundTrip",
		"get-loses-merchant":            "GetRoundTrip",
		"reply-not-recorded":            "Responder",
		"unsupported-untyped":           "Responder",
		"two-seeds":                     "Provider",
		"responder-of-another-provider": "Provider",
	})
}
