package allinpay

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// KindViolation is the kind of the event a VIOLATION notification becomes: a
// WeChat Pay merchant-violation notice, not a complaint. Its Ref names the
// merchant (MerchantID, Channel WeChat) and no complaint (ID is empty), so a
// sink that acts on complaints skips it by kind.
const KindViolation complaint.Kind = "violation"

// ackSuccess is the only answer that stops Allinpay resending: the plain
// body "success", exactly.
var ackSuccess = []byte("success")

// ackFailure is the failure answer: anything but "success" makes Allinpay
// resend (15s, 15s, 5m, 10m, 15m).
var ackFailure = []byte("fail")

// Receiver plugs a client into complaint.NewHandler for Allinpay's risk
// notification URL (风控通知地址): it verifies notifications with
// Client.Verify, turns them into events and answers the way Allinpay
// expects. It is safe for concurrent use.
//
// Every verified notification becomes one event; none is dropped, since
// Allinpay posts all risk types to the one URL:
//   - COMPLAINT and COMPLAINTV2: a WeChat complaint; Ref{Provider allinpay,
//     ID complaint_id, MerchantID cusid (see below), Channel WeChat}; Kind
//     from action_type by WeChat's mapping (COMPLAINTV2, which has none:
//     complaint.KindUpdated); ProviderKind the action_type, or the risk type
//     when there is none. WeChat's notification carries ids only, so
//     Complaint is nil: pass complaint.WithEnrichment(client.Adapter()) to
//     NewHandler to have it fetched before the sink runs.
//   - VIOLATION: KindViolation, ProviderKind "VIOLATION", a Ref without
//     complaint id.
//   - the Alipay complaint notification (no risktype): Ref{ID the
//     notification's id when sent (see Notification.Alipay), MerchantID,
//     Channel Alipay}; Kind from status (WAIT_PROCESS created; PROCESSED
//     and OVERDUE_PROCESSED completed; DROP_* withdrawn; others
//     state_changed); ProviderKind the status. The notification carries the
//     whole complaint, so Complaint is set (AlipayComplaint.ToComplaint),
//     and its Ref() is the event's Ref.
//   - any other risk type: complaint.KindOther, ProviderKind the risk type,
//     a Ref without complaint id; it is acknowledged, never refused, and the
//     notification is in Raw for the sink to read.
//
// Raw is the *Notification. MerchantID is the notification's cusid when it
// is not the client's own (an agent's sub-merchant) and empty when it is, as
// every Ref names the client's own merchant. Time is the Alipay push time
// (gmt_risk_finish_time, else gmt_process, else gmt_complain), a violation's
// punish_time, else the time of receipt.
//
// The event id is complaint.DeriveEventID over every received field but sign
// (names and values, sorted by name). Allinpay sends no notification id,
// and a resend repeats the notification's fields, so a resend has the same
// id and is de-duplicated, whatever the signature (SM2 signatures differ at
// each signing); any field that differs (another action_type, status,
// gmt_process or push time, or a field Allinpay adds such as a time) gives
// a new id. Two notifications whose fields are all equal (two COMPLAINTV2
// for one complaint, sent alike) cannot be told apart and give one event;
// the complaint.Poller is the safety net for such changes.
type Receiver struct {
	c *Client
}

// NewReceiver returns the receiver for c's notifications.
func NewReceiver(c *Client) *Receiver { return &Receiver{c: c} }

// Provider is complaint.Allinpay.
func (*Receiver) Provider() complaint.Provider { return complaint.Allinpay }

// Receive verifies one delivery's body with Client.Verify and returns its
// event (see Receiver). The delivery's URL query is not read.
func (r *Receiver) Receive(ctx context.Context, d *complaint.Delivery) ([]complaint.Event, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil || r.c == nil {
		return nil, fmt.Errorf("%w: allinpay: receiver without client; use NewReceiver", complaint.ErrInternal)
	}
	if d == nil {
		return nil, fmt.Errorf("%w: nil delivery", complaint.ErrMalformedNotification)
	}
	n, err := r.c.Verify(ctx, d.Header, d.Body)
	if err != nil {
		return nil, err
	}
	return []complaint.Event{r.event(n)}, nil
}

// event converts a verified notification.
func (r *Receiver) event(n *Notification) complaint.Event {
	e := complaint.Event{
		ID:           notificationEventID(n.Fields),
		Ref:          complaint.Ref{Provider: complaint.Allinpay, MerchantID: r.c.refMerchant(n.CusID)},
		Kind:         complaint.KindOther,
		ProviderKind: string(n.RiskType),
		Raw:          n,
	}
	switch {
	case n.Complaint != nil:
		e.Ref.ID, e.Ref.Channel = n.Complaint.ComplaintID, complaint.ChannelWeChat
		if n.Complaint.ActionType != "" {
			e.Kind, e.ProviderKind = n.Complaint.ActionType.Kind(), string(n.Complaint.ActionType)
		} else {
			e.Kind = complaint.KindUpdated
		}
	case n.Violation != nil:
		e.Ref.Channel, e.Kind, e.Time = complaint.ChannelWeChat, KindViolation, n.Violation.PunishTime
	case n.Alipay != nil:
		a := n.Alipay
		e.Ref.ID, e.Ref.Channel = a.ID, complaint.ChannelAlipay
		e.Kind, e.ProviderKind = alipayStatusKind(a.Status), string(a.Status)
		e.Time = firstTime(a.GmtRiskFinishTime, a.GmtProcess, a.GmtComplain)
		e.Complaint = a.ToComplaint()
	}
	if e.Time.IsZero() {
		e.Time = r.c.now()
	}
	return e
}

// notificationEventID derives the event id from every field but sign (see
// Receiver).
func notificationEventID(f Fields) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	kv := make([]string, 2*len(keys))
	for i, k := range keys {
		kv[2*i], kv[2*i+1] = k, f[k]
	}
	return complaint.DeriveEventID(kv...)
}

// alipayStatusKind maps an Alipay complaint status onto an event kind.
func alipayStatusKind(status AlipayStatus) complaint.Kind {
	switch status {
	case AlipayStatusWaitProcess:
		return complaint.KindCreated
	case AlipayStatusProcessed, AlipayStatusOverdueProcessed:
		return complaint.KindCompleted
	case AlipayStatusDropComplain, AlipayStatusDropOverdueComplain, AlipayStatusDropOverdueProcessed, AlipayStatusDropProcessed:
		return complaint.KindWithdrawn
	}
	return complaint.KindStateChanged
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Ack answers 200 with the plain body "success" when err is nil, the one
// answer that stops Allinpay resending. Otherwise it answers "fail" with
// complaint.StatusFor(err) (401 for a signature that does not verify, 400
// for a malformed notification or another merchant's, 413 for an oversize
// body, 503 while another delivery of the same event is in flight, 500
// otherwise), and Allinpay resends; the body never echoes the error.
func (*Receiver) Ack(err error) complaint.Ack {
	if err == nil {
		return complaint.Ack{Status: http.StatusOK, ContentType: "text/plain; charset=utf-8", Body: slices.Clone(ackSuccess)}
	}
	return complaint.Ack{Status: complaint.StatusFor(err), ContentType: "text/plain; charset=utf-8", Body: slices.Clone(ackFailure)}
}
