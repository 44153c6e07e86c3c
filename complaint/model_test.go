package complaint

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestMaskPhone(t *testing.T) {
	cases := map[string]string{
		"18612045566":    "186******66",
		"+8618612045566": "+86*********66",
		"123456":         "******",
		"1234567":        "123**67",
		"":               "",
	}
	for in, want := range cases {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContactNeverPrintsThePhone(t *testing.T) {
	const phone = "18612045566"
	c := Complaint{ID: "c1", Contact: Contact{Phone: phone, Name: "buyer"}}
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, nil))
	l.Info("complaint", "contact", c.Contact)
	l.Info("complaint", slog.Any("contact", c.Contact))
	outs := []string{
		fmt.Sprint(c.Contact), fmt.Sprintf("%v %+v %#v %s", c.Contact, c.Contact, c.Contact, c.Contact),
		fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logs.String(),
	}
	for _, out := range outs {
		if strings.Contains(out, phone) {
			t.Fatalf("phone leaked: %s", out)
		}
	}
	if !strings.Contains(outs[0], "186******66") {
		t.Fatalf("masked phone missing: %s", outs[0])
	}
	// JSON is for storage, not logs: it keeps the phone so a user's database has it.
	b, _ := json.Marshal(c)
	if !strings.Contains(string(b), phone) {
		t.Fatalf("json lost the phone: %s", b)
	}
}

// Logging a whole Complaint or Event, by value or pointer and with either
// handler, masks the phone and leaves out the ciphertext and the buyer's text.
func TestComplaintAndEventLogValue(t *testing.T) {
	const phone, cipher, text = "18612045566", "Q0lQSEVSVEVYVA==", "call me on 18612045566"
	c := &Complaint{Provider: WeChatPay, ID: "c1", State: StatePending, Content: text,
		Amount: Money{Amount: 1200, Currency: "HKD"}, Contact: Contact{Phone: phone, EncryptedPhone: cipher}}
	e := &Event{ID: "e1", Ref: c.Ref(), Kind: KindCreated, Complaint: c}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		l := slog.New(h)
		l.Info("x", "complaint", c)
		l.Info("x", "complaint", *c)
		l.Info("x", "event", e)
		l.Info("x", "event", *e)
	}
	out := logs.String()
	for _, secret := range []string{phone, cipher, "call me"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{`"id":"c1"`, `"state":"pending"`, `"amount":1200`, `"currency":"HKD"`,
		`"contact":"Contact{phone=186******66}"`, `"ref":{"provider":"wechatpay","id":"c1"}`, "event.ref.id=c1",
		"event.complaint.id=c1", "complaint.amount=1200"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestStateOpen(t *testing.T) {
	for s, want := range map[State]bool{StatePending: true, StateProcessing: true, StateResolved: false,
		StateWithdrawn: false, StateUnknown: false} {
		if s.Open() != want {
			t.Errorf("%q.Open() = %v", s, !want)
		}
	}
}

func TestValidationErrorMatchesSentinel(t *testing.T) {
	err := fmt.Errorf("wechatpay: %w", &ValidationError{Field: "response_content", Reason: "longer than 200 characters"})
	if !errors.Is(err, ErrInvalidRequest) {
		t.Fatal("ValidationError does not match ErrInvalidRequest")
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "response_content" {
		t.Fatal("errors.As failed")
	}
	if errors.Is(err, ErrNotFound) {
		t.Fatal("ValidationError matches an unrelated sentinel")
	}
	if !errors.Is(ErrUnsupported, errors.ErrUnsupported) {
		t.Fatal("ErrUnsupported is not errors.ErrUnsupported")
	}
}

func TestEventDedupeKey(t *testing.T) {
	a := Event{Ref: Ref{Provider: WeChatPay, ID: "c"}, ID: "x"}
	b := Event{Ref: Ref{Provider: PAYJS, ID: "c"}, ID: "x"}
	if a.DedupeKey() == b.DedupeKey() {
		t.Fatal("events of two providers with the same id share a dedupe key")
	}
	if a.DedupeKey() != "wechatpay:x" {
		t.Fatalf("DedupeKey() = %q", a.DedupeKey())
	}
}

// A Phone masks itself wherever fmt or slog meet it, also as a field of a
// struct that has no String method of its own.
func TestPhoneMasksInEveryVerb(t *testing.T) {
	const phone = "18612045566"
	p := Phone(phone)
	holder := struct {
		Who   string
		Phone Phone
	}{"buyer", p}
	// slog's text handler prints a struct with fmt; its JSON handler encodes
	// one through encoding/json, which writes a Phone in clear (storage needs
	// it), so only the Phone itself goes to the JSON handler.
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("m", "phone", p)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("m", "phone", p, "holder", holder)
	outs := []string{
		fmt.Sprint(p), fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%X|%d|%10s", p, p, p, p, p, p, p, p, p),
		fmt.Sprintf("%v|%+v|%#v", holder, holder, holder), p.String(), p.GoString(), logs.String(),
	}
	for _, out := range outs {
		if strings.Contains(out, phone) || strings.Contains(out, fmt.Sprintf("%x", phone)) {
			t.Fatalf("phone leaked: %s", out)
		}
		if !strings.Contains(out, "186******66") {
			t.Fatalf("masked phone missing: %s", out)
		}
	}
	if p.Plain() != phone {
		t.Fatalf("Plain() = %q", p.Plain())
	}
	if got := fmt.Sprintf("%#v", p); got != `"186******66"` {
		t.Fatalf("%%#v = %s", got)
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张三丰": "张**", "Li": "L*", "王": "*", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	c := Contact{Name: "张三丰"}
	for _, out := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		if strings.Contains(out, "三丰") || !strings.Contains(out, "name=张**") {
			t.Fatalf("name not masked: %s", out)
		}
	}
}

func TestRef(t *testing.T) {
	c := &Complaint{Provider: Allinpay, ID: "200000020250101", MerchantID: "5601", Channel: ChannelWeChat,
		Orders: []Order{{TransactionID: "4200", ProviderOrderID: "trx-1"}}}
	want := Ref{Provider: Allinpay, ID: "200000020250101", MerchantID: "5601", Channel: ChannelWeChat, OrderID: "trx-1"}
	if c.Ref() != want {
		t.Fatalf("Ref() = %+v, want %+v", c.Ref(), want)
	}
	if got := want.String(); got != "allinpay/wechat/5601/200000020250101" {
		t.Fatalf("String() = %q", got)
	}
	if got := (Ref{Provider: PAYJS, ID: "x"}).String(); got != "payjs/x" {
		t.Fatalf("String() = %q", got)
	}
	// Several orders: no single order id to act on.
	c.Orders = append(c.Orders, Order{ProviderOrderID: "trx-2"})
	if c.Ref().OrderID != "" {
		t.Fatalf("two orders gave OrderID %q", c.Ref().OrderID)
	}
	if !(Ref{}).IsZero() || want.IsZero() {
		t.Fatal("IsZero")
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var back Ref
	if err := json.Unmarshal(b, &back); err != nil || back != want {
		t.Fatalf("JSON round trip: %s -> %+v, %v", b, back, err)
	}
	if string(b) != `{"provider":"allinpay","id":"200000020250101","merchant_id":"5601","channel":"wechat","order_id":"trx-1"}` {
		t.Fatalf("JSON %s", b)
	}
}

func TestDeriveEventID(t *testing.T) {
	a := DeriveEventID("CX123", "1", "2026-12-01 10:00:00", "", "")
	if len(a) != 32 || a != DeriveEventID("CX123", "1", "2026-12-01 10:00:00", "", "") {
		t.Fatalf("id %q: want 32 hex characters, stable", a)
	}
	for _, other := range []string{
		DeriveEventID("CX123", "1", "2026-12-01 10:00:00", "2026-12-02 09:00:00", ""), // refunded since
		DeriveEventID("CX12", "31", "2026-12-01 10:00:00", "", ""),                    // fields shifted
		DeriveEventID("CX123", "1", "2026-12-01 10:00:00", ""),                        // one field fewer
		DeriveEventID("CX123", "1", "2026-12-01 10:00:00", "", "", ""),                // one more
	} {
		if other == a {
			t.Fatalf("distinct field lists gave the same id %q", a)
		}
	}
	// The documented rule, computed by hand: sha256("2:ab1:c")[:16].
	sum := sha256.Sum256([]byte("2:ab1:c"))
	if got, want := DeriveEventID("ab", "c"), hex.EncodeToString(sum[:16]); got != want {
		t.Fatalf("DeriveEventID(ab, c) = %s, want %s", got, want)
	}
}

func TestCheckContext(t *testing.T) {
	var nilCtx context.Context
	err := CheckContext(nilCtx)
	var ve *ValidationError
	if !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &ve) || ve.Field != "ctx" {
		t.Fatalf("CheckContext(nil) = %v", err)
	}
	if err := CheckContext(context.Background()); err != nil {
		t.Fatalf("CheckContext(Background) = %v", err)
	}
}

// fmt never shows buyer data of a Complaint, Event or Entry, whatever the verb
// and however they are nested.
func TestFormatHidesBuyerData(t *testing.T) {
	const phone, text, name = "18612045566", "请打 18612045566 联系我", "张三丰"
	c := &Complaint{Provider: WeChatPay, ID: "c1", State: StatePending, Content: text, Tags: []string{"HIGH_RISK"},
		Contact: Contact{Phone: phone, Name: name, OpenID: "oUpF8uXYZ"}}
	e := &Event{ID: "e1", Ref: c.Ref(), Kind: KindCreated, Complaint: c}
	en := &Entry{ID: "l1", Actor: ActorUser, ActorName: name, Kind: KindUserMessage, Content: text}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, e), fmt.Sprintf(verb, *e),
			fmt.Sprintf(verb, en), fmt.Sprintf(verb, []any{c, e, en}), fmt.Sprintf(verb, map[string]*Complaint{"k": c}))
	}
	for _, out := range outs {
		for _, secret := range []string{phone, "请打", "三丰", "oUpF8u"} {
			if strings.Contains(out, secret) {
				t.Fatalf("%q printed: %s", secret, out)
			}
		}
	}
	if got := fmt.Sprint(c); !strings.Contains(got, "id=c1") || !strings.Contains(got, "state=pending") ||
		!strings.HasPrefix(got, "complaint.Complaint{") {
		t.Fatalf("summary %s", got)
	}
	if got := fmt.Sprint(e); !strings.Contains(got, "ref={provider=wechatpay id=c1}") || !strings.Contains(got, "complaint={") {
		t.Fatalf("event summary %s", got)
	}
	if got := fmt.Sprint(en); got != "complaint.Entry{id=l1 actor=user kind=user_message provider_kind=}" {
		t.Fatalf("entry summary %s", got)
	}
}

func TestContactAndComplaintSummaries(t *testing.T) {
	if got := (Contact{EncryptedPhone: "Q0lQSEVS"}).String(); got != "Contact{phone=encrypted}" {
		t.Fatalf("encrypted-only contact: %s", got)
	}
	if got := (Contact{Phone: "18612045566", EncryptedPhone: "Q0lQSEVS"}).String(); got != "Contact{phone=186******66}" {
		t.Fatalf("phone and ciphertext: %s", got)
	}
	if got := (Contact{}).String(); got != "Contact{}" {
		t.Fatalf("empty contact: %s", got)
	}
	plain := fmt.Sprint(Complaint{Provider: PAYJS, ID: "p1"})
	if strings.Contains(plain, "contact=") || strings.Contains(plain, "merchant_id=") || strings.Contains(plain, "currency=") ||
		strings.Contains(plain, "created_at=") {
		t.Fatalf("empty fields summarised: %s", plain)
	}
	full := fmt.Sprint(Complaint{Provider: PAYJS, ID: "p1", MerchantID: "m1", Amount: Money{Amount: 1, Currency: "HKD"},
		CreatedAt: time.Unix(0, 0), Contact: Contact{EncryptedPhone: "x"}})
	for _, want := range []string{"merchant_id=m1", "currency=HKD", "created_at=", "contact=Contact{phone=encrypted}"} {
		if !strings.Contains(full, want) {
			t.Fatalf("summary lacks %s: %s", want, full)
		}
	}
	for _, c := range []Contact{{Name: "李"}, {Phone: "13800000000"}} {
		if !strings.Contains(fmt.Sprint(Complaint{Contact: c}), "contact=") {
			t.Fatalf("contact %v not summarised", c)
		}
	}
}

func TestMemoryOptionsKeepDefaultsForZero(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(WithTTL(0), WithMaxEntries(0), WithStoreClock(nil), WithStoreClock(clk.now))
	ctx := context.Background()
	for i := range 3 {
		k := fmt.Sprint(i)
		if st, _, _ := s.Claim(ctx, k, time.Minute); st != ClaimNew {
			t.Fatalf("claim %s: %v", k, st)
		}
		_ = s.Commit(ctx, k)
	}
	clk.advance(DefaultStoreTTL - time.Second)
	if s.Len() != 3 {
		t.Fatalf("Len %d: a zero bound or TTL was not replaced by the default", s.Len())
	}
}

func TestListOptionsWindow(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	week := func(until time.Time) time.Time { return until.AddDate(0, 0, -7) }
	s, u, err := ListOptions{}.Window(now, week)
	if err != nil || !u.Equal(now) || !s.Equal(now.AddDate(0, 0, -7)) {
		t.Fatalf("zero window = [%v, %v), %v; want the look-back before now", s, u, err)
	}
	until := now.Add(-time.Hour)
	s, u, err = ListOptions{Until: until}.Window(now, week)
	if err != nil || !u.Equal(until) || !s.Equal(until.AddDate(0, 0, -7)) {
		t.Fatalf("window with Until = [%v, %v), %v; want the look-back before Until", s, u, err)
	}
	since := now.Add(-2 * time.Hour)
	s, u, err = ListOptions{Since: since}.Window(now, week)
	if err != nil || !s.Equal(since) || !u.Equal(now) {
		t.Fatalf("window with Since = [%v, %v), %v", s, u, err)
	}
	if _, _, err := (ListOptions{Since: now, Until: since}).Window(now, week); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("inverted window: %v, want a ValidationError", err)
	}
	if _, _, err := (ListOptions{Since: now.Add(time.Minute)}).Window(now, week); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("Since after now with a zero Until: %v, want a ValidationError", err)
	}
	if s, u, err := (ListOptions{Since: now, Until: now}).Window(now, week); err != nil || !s.Equal(u) {
		t.Fatalf("empty window [%v, %v): %v, want no error", s, u, err)
	}
}
