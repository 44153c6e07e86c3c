package complaint

import (
	"testing"
	"time"
)

func TestDefaultDeadlineRule(t *testing.T) {
	for _, tt := range []struct {
		c    Complaint
		want time.Duration
	}{
		{Complaint{Provider: WeChatPay}, 72 * time.Hour},
		{Complaint{Provider: Allinpay, Channel: ChannelWeChat}, 72 * time.Hour},
		{Complaint{Provider: Allinpay, Channel: ChannelAlipay}, 0},
		{Complaint{Provider: PAYJS}, 0},
		{Complaint{Provider: Changxiang}, 0},
	} {
		if got := DefaultDeadlineRule(&tt.c); got != tt.want {
			t.Errorf("DefaultDeadlineRule(%s/%s) = %v, want %v", tt.c.Provider, tt.c.Channel, got, tt.want)
		}
	}
}

func TestEstimateDueAt(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	own := created.Add(5 * time.Hour)
	hours := func(h int) DeadlineRule {
		return func(*Complaint) time.Duration { return time.Duration(h) * time.Hour }
	}
	for _, tt := range []struct {
		name    string
		c       Complaint
		rule    DeadlineRule
		due     time.Time
		estim   bool
		changed bool
	}{
		{"estimates", Complaint{CreatedAt: created}, hours(72), created.Add(72 * time.Hour), true, true},
		{"provider's deadline kept", Complaint{CreatedAt: created, DueAt: own}, hours(72), own, false, false},
		{"estimate replaced", Complaint{CreatedAt: created, DueAt: own, DueEstimated: true}, hours(1), created.Add(time.Hour), true, true},
		{"no rule clears", Complaint{CreatedAt: created, DueAt: own, DueEstimated: true}, nil, time.Time{}, false, true},
		{"zero rule clears", Complaint{CreatedAt: created, DueAt: own, DueEstimated: true}, hours(0), time.Time{}, false, true},
		{"negative rule", Complaint{CreatedAt: created}, hours(-1), time.Time{}, false, false},
		{"no creation time", Complaint{}, hours(72), time.Time{}, false, false},
	} {
		c := tt.c
		c.EstimateDueAt(tt.rule)
		if !c.DueAt.Equal(tt.due) || c.DueEstimated != tt.estim {
			t.Errorf("%s: DueAt %v estimated %v, want %v %v", tt.name, c.DueAt, c.DueEstimated, tt.due, tt.estim)
		}
	}
}

func TestIsOverdue(t *testing.T) {
	due := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		c    Complaint
		now  time.Time
		want bool
	}{
		{Complaint{State: StatePending, DueAt: due}, due.Add(-time.Nanosecond), false},
		{Complaint{State: StatePending, DueAt: due}, due, true},
		{Complaint{State: StateProcessing, DueAt: due}, due.Add(time.Hour), true},
		{Complaint{State: StateResolved, DueAt: due}, due.Add(time.Hour), false},
		{Complaint{State: StateWithdrawn, Overdue: true}, due, false},
		{Complaint{State: StatePending, Overdue: true}, due.Add(-time.Hour), true},
		{Complaint{State: StatePending}, due, false},
		{Complaint{State: StateUnknown, DueAt: due}, due.Add(time.Hour), false},
	} {
		if got := tt.c.IsOverdue(tt.now); got != tt.want {
			t.Errorf("%+v IsOverdue(%v) = %v, want %v", tt.c.State, tt.now.Sub(due), got, tt.want)
		}
	}
}

// Every field the fingerprint covers changes it; what it leaves out does not.
func TestFingerprint(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	base := func() *Complaint {
		return &Complaint{Provider: WeChatPay, ID: "c", State: StatePending, ProviderState: "PENDING", Amount: CNY(100),
			Refund: Refund{Requested: CNY(50)}, Orders: []Order{{TransactionID: "t1", Amount: CNY(100)}},
			Tags: []string{"A"}, Media: []Media{{URL: "u1"}}, CreatedAt: at, DueAt: at.Add(72 * time.Hour), DueEstimated: true,
			Content: "text", Contact: Contact{EncryptedPhone: "ct1"}}
	}
	fp := Fingerprint(base())
	if len(fp) != 32 || fp != Fingerprint(base()) {
		t.Fatalf("fingerprint %q: want 32 hex characters, the same for the same version", fp)
	}
	changes := map[string]func(c *Complaint){
		"state":              func(c *Complaint) { c.State = StateProcessing },
		"provider state":     func(c *Complaint) { c.ProviderState = "PROCESSING" },
		"amount":             func(c *Complaint) { c.Amount.Amount = 101 },
		"currency":           func(c *Complaint) { c.Amount.Currency = "HKD" },
		"requested":          func(c *Complaint) { c.Refund.Requested.Amount = 60 },
		"refunded":           func(c *Complaint) { c.Refund.Refunded.Amount = 50 },
		"full":               func(c *Complaint) { c.Refund.Full = true },
		"refunded at":        func(c *Complaint) { c.Refund.RefundedAt = at },
		"times":              func(c *Complaint) { c.Times = 2 },
		"awaiting reply":     func(c *Complaint) { c.AwaitingReply = true },
		"urgent":             func(c *Complaint) { c.Urgent = true },
		"platform assisting": func(c *Complaint) { c.PlatformAssisting = true },
		"tags":               func(c *Complaint) { c.Tags = append(c.Tags, "B") },
		"tags split":         func(c *Complaint) { c.Tags = []string{"", "A"} },
		"media":              func(c *Complaint) { c.Media = append(c.Media, Media{URL: "u2"}) },
		"updated at":         func(c *Complaint) { c.UpdatedAt = at },
		"closed at":          func(c *Complaint) { c.ClosedAt = at },
		"overdue":            func(c *Complaint) { c.Overdue = true },
		"provider deadline":  func(c *Complaint) { c.DueEstimated = false },
		"order refunded":     func(c *Complaint) { c.Orders[0].Refunded.Amount = 100 },
		"another refunded order": func(c *Complaint) {
			c.Orders = append(c.Orders, Order{TransactionID: "t9", Refunded: CNY(30)})
		},
	}
	seen := map[string]string{fp: "base"}
	for name, f := range changes {
		c := base()
		f(c)
		got := Fingerprint(c)
		if prev, dup := seen[got]; dup {
			t.Errorf("changing %s gives the fingerprint of %s", name, prev)
		}
		seen[got] = name
	}
	same := map[string]func(c *Complaint){
		"id":             func(c *Complaint) { c.ID = "other" },
		"content":        func(c *Complaint) { c.Content = "other text" },
		"phone":          func(c *Complaint) { c.Contact.EncryptedPhone = "ct2" },
		"created at":     func(c *Complaint) { c.CreatedAt = at.Add(time.Hour) },
		"estimated due":  func(c *Complaint) { c.DueAt = at.Add(time.Hour) },
		"raw":            func(c *Complaint) { c.Raw = 1 },
		"order id":       func(c *Complaint) { c.Orders[0].TransactionID = "t2" },
		"media url only": func(c *Complaint) { c.Media[0].URL = "u9" },
		// One read names an order another leaves out (Allinpay's Alipay list
		// and notification): no change until money moves on it.
		"unrefunded order named": func(c *Complaint) { c.Orders = append(c.Orders, Order{TransactionID: "t9", Amount: CNY(100)}) },
		"no orders":              func(c *Complaint) { c.Orders = nil },
	}
	for name, f := range same {
		c := base()
		f(c)
		if Fingerprint(c) != fp {
			t.Errorf("changing %s changed the fingerprint", name)
		}
	}
	// Provider deadlines are compared to the nanosecond, in any zone.
	a, b := base(), base()
	a.DueEstimated, b.DueEstimated = false, false
	b.DueAt = b.DueAt.In(time.FixedZone("CST", 8*3600))
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("the same deadline in another zone changed the fingerprint")
	}
	b.DueAt = b.DueAt.Add(time.Nanosecond)
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("a deadline a nanosecond later kept the fingerprint")
	}
}
