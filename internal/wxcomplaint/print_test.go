package wxcomplaint

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Personal data a complaint or a history item may carry, as decoded. The
// buyer's text holds a phone number, as it often does in practice.
const (
	phonePlain  = "18612045566"
	phoneCT     = "R1p3ciphertextOfThePhone=="
	openID      = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	buyerText   = "反馈一个重复扣费的问题，请联系 18612045566"
	buyerSecret = "请联系"
)

func personalComplaint(t *testing.T) Complaint {
	item := strings.Replace(mainlandComplaintJSON("200201820200101080076610000", phoneCT), "反馈一个重复扣费的问题", buyerText, 1)
	var c Complaint
	if err := DecodeComplaint([]byte(item), &c); err != nil {
		t.Fatal(err)
	}
	c.PayerPhonePlaintext = phonePlain
	c.ComplaintDetailTrans = "please call " + phonePlain
	c.UserTagList = []UserTag{UserTagHighRisk}
	return c
}

// printed renders v with fmt's verbs (inside containers too) and through
// slog's text handler, and with withJSON through slog's JSON handler as well.
// slog resolves LogValue only for the value it is given, so the JSON handler
// marshals a slice or a struct that has no LogValue with its json tags: only
// types with a LogValue are checked there.
func printed(v any, verbs []string, withJSON bool) string {
	var b strings.Builder
	for _, f := range verbs {
		fmt.Fprintf(&b, f+"\n", v)
		fmt.Fprintf(&b, f+"\n", []any{v})
		fmt.Fprintf(&b, f+"\n", struct{ X any }{v})
	}
	fmt.Fprintln(&b, v)
	fmt.Fprint(&b, v)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("msg", "v", v)
	if withJSON {
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "v", v)
	}
	b.Write(buf.Bytes())
	return b.String()
}

func assertHidden(t *testing.T, what, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s prints %q:\n%s", what, s, out)
		}
	}
}

func TestComplaintPrintsNoPersonalData(t *testing.T) {
	c := personalComplaint(t)
	secrets := []string{phonePlain, phoneCT, openID, buyerSecret, "HIGH_RISK", "please call", "brand_new_field"}
	for name, v := range map[string]any{"value": c, "pointer": &c} {
		assertHidden(t, name, printed(v, allVerbs, true), secrets...)
	}
	for name, v := range map[string]any{"slice": []Complaint{c, c}, "page": Page[Complaint]{Data: []Complaint{c}}} {
		assertHidden(t, name, printed(v, allVerbs, false), secrets...)
	}
	// Printing stays useful: ids, state, orders and the redaction marker show.
	out := fmt.Sprintf("%+v", c)
	for _, want := range []string{"200201820200101080076610000", "PENDING", "4200000404201909069117582536", Redacted, "186******66"} {
		if !strings.Contains(out, want) {
			t.Errorf("%%+v lacks %q:\n%s", want, out)
		}
	}
	if gs := fmt.Sprintf("%#v", c); !strings.HasPrefix(gs, "wxcomplaint.Complaint{") {
		t.Errorf("%%#v = %s", gs)
	}
	// Printing does not change the value.
	if c.PayerPhone != phoneCT || c.ComplaintDetail != buyerText || c.Raw == nil || c.UserTagList[0] != UserTagHighRisk {
		t.Error("Format modified the complaint")
	}
	// An empty field stays empty rather than showing the marker.
	if s := fmt.Sprintf("%+v", Complaint{ComplaintID: "X"}); strings.Contains(s, Redacted) {
		t.Errorf("empty complaint shows redactions: %s", s)
	}
}

func TestHistoryPrintsNoPersonalData(t *testing.T) {
	p, err := DecodeHistoryPage([]byte(page([]string{historyItem("L1", "USER_RESPONSE",
		`,"operate_details":"`+buyerText+`","user_appy_platform_service_reason":"call `+phonePlain+`","user_appy_platform_service_reason_description":"`+openID+`",
"normal_message":{"blocks":[{"type":"TEXT","text":{"text":"`+phonePlain+`"}}]},"click_message":{"message_content":{"t":"`+phonePlain+`"}}`)}, 100, 0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	h := p.Data[0]
	h.Raw = []byte(historyItem("L1", "USER_RESPONSE", `,"operate_details":"`+buyerText+`"`))
	for name, v := range map[string]any{"value": h, "pointer": &h, "entry raw": h.ToEntry().Raw} {
		assertHidden(t, name, printed(v, allVerbs, true), phonePlain, buyerSecret, openID)
	}
	assertHidden(t, "page", printed(p, allVerbs, false), phonePlain, buyerSecret, openID)
	if out := fmt.Sprintf("%+v", h); !strings.Contains(out, "L1") || !strings.Contains(out, "USER_RESPONSE") {
		t.Errorf("%%+v lacks the log id or type: %s", out)
	}
}

var allVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"}

// The common model keeps the provider struct in Raw; printing the model goes
// through the struct's Format, so Raw adds none of the personal data. (The
// model prints its own Content and Tags, and fmt prints a struct without
// methods raw under a verb that does not fit a pointer inside a container, so
// only the v verbs are checked here; that is package complaint's business.)
func TestCommonModelRawIsRedacted(t *testing.T) {
	c := personalComplaint(t)
	m := c.ToComplaint()
	m.Content = "" // the model's own copy of the buyer's text
	for name, m := range map[string]any{"pointer": m, "value": *m} {
		out := printed(m, []string{"%v", "%+v", "%#v"}, true)
		assertHidden(t, name, out, phonePlain, phoneCT, openID, "please call", "brand_new_field")
	}
}
