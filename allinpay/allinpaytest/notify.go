package allinpaytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Risk types of notifications (fact sheet §5.3).
const (
	RiskComplaint   = "COMPLAINT"
	RiskComplaintV2 = "COMPLAINTV2"
	RiskViolation   = "VIOLATION"
)

// Action types of COMPLAINT notifications seen in production (fact sheet §6).
const (
	ActionCreateComplaint    = "CREATE_COMPLAINT"
	ActionContinueComplaint  = "CONTINUE_COMPLAINT"
	ActionUserResponse       = "USER_RESPONSE"
	ActionResponseByPlatform = "RESPONSE_BY_PLATFORM"
)

// Ack is the answer Allinpay expects, exactly; anything else makes it resend.
const Ack = "success"

// RetryDelays are the waits before Allinpay's resends of a notification not
// answered Ack: 15s, 15s, 5m, 10m, 15m (prodoc/2621).
var RetryDelays = []time.Duration{15 * time.Second, 15 * time.Second, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute}

// Notification is a risk notification before it is signed: the form fields
// (sign excluded), which a test may change, and the sign type it is signed
// with ("" means the server's), which is also sent as its signtype field.
// AfterSign, when set, changes the signed form before it is sent, to test a
// receiver's verification.
type Notification struct {
	Fields    map[string]string
	SignType  SignType
	AfterSign func(form url.Values)
}

// base are the fields every notification carries [inferred: Allinpay's
// payment notifications carry appid and cusid; orgid is added for agents].
func (s *Server) base(cusid string) map[string]string {
	f := map[string]string{"appid": s.cfg.appID, "cusid": cusid}
	if s.cfg.orgID != "" {
		f["orgid"] = s.cfg.orgID
	}
	return f
}

// wxCusID is the merchant a WeChat complaint is against, or the server's.
func (s *Server) wxCusID(complaintID string) string {
	if c, ok := s.WeChatComplaint(complaintID); ok {
		return c.CusID
	}
	return s.cfg.cusID
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ComplaintNotification is a COMPLAINT notification: resource is the JSON
// {"complaint_id", "action_type"}. The complaint need not be stored; when it
// is, cusid is its merchant.
func (s *Server) ComplaintNotification(complaintID, actionType string) Notification {
	f := s.base(s.wxCusID(complaintID))
	f["risktype"] = RiskComplaint
	f["resource"] = jsonString(map[string]string{"complaint_id": complaintID, "action_type": actionType})
	return Notification{Fields: f}
}

// ComplaintV2Notification is a COMPLAINTV2 notification: resource is the
// JSON {"complaint_id"}.
func (s *Server) ComplaintV2Notification(complaintID string) Notification {
	f := s.base(s.wxCusID(complaintID))
	f["risktype"] = RiskComplaintV2
	f["resource"] = jsonString(map[string]string{"complaint_id": complaintID})
	return Notification{Fields: f}
}

// Violation is the content of a VIOLATION notification's resource. Allinpay
// documents none of it; the fields are those of WeChat's merchant-violation
// notice, which Allinpay relays [inferred].
type Violation struct {
	SubMchID          string `json:"sub_mchid"`
	CompanyName       string `json:"company_name"`
	RecordID          string `json:"record_id"`
	PunishPlan        string `json:"punish_plan"`
	PunishTime        string `json:"punish_time"`
	PunishDescription string `json:"punish_description"`
	RiskType          string `json:"risk_type"`
	RiskDescription   string `json:"risk_description"`
}

// ViolationNotification is a VIOLATION notification about the server's
// merchant, resource being v as JSON.
func (s *Server) ViolationNotification(v Violation) Notification {
	f := s.base(s.cfg.cusID)
	f["risktype"] = RiskViolation
	f["resource"] = jsonString(v)
	return Notification{Fields: f}
}

// AlipayComplaintNotification is the Alipay complaint notification for a
// stored Alipay complaint, with the fields prodoc/2621 lists (empty ones
// left out; complaint_trade_info_list as a JSON string). The page lists no
// risktype, so none is sent [inferred]; add one to Fields to test that shape.
func (s *Server) AlipayComplaintNotification(id string) (Notification, error) {
	c, ok := s.AlipayComplaint(id)
	if !ok {
		return Notification{}, fmt.Errorf("allinpaytest: no alipay complaint %q", id)
	}
	trades := []map[string]string{}
	for _, t := range c.Trades {
		trades = append(trades, map[string]string{"trade_no": t.TradeNo, "out_no": t.OutNo, "amount": t.Amount,
			"gmt_trade": aliTime(t.GmtTrade), "status_description": t.StatusDescription})
	}
	f := s.base(c.CusID)
	for k, v := range map[string]string{
		"complain_amount": c.ComplainAmount, "complain_content": c.ComplainContent,
		"complaint_trade_info_list": jsonString(trades), "contact": c.Contact,
		"gmt_complain": aliTime(c.GmtComplain), "gmt_overdue": aliTime(c.GmtOverdue),
		"gmt_process": aliTime(c.GmtProcess), "gmt_risk_finish_time": aliTime(c.GmtRiskFinish),
		"opposite_name": c.OppositeName, "opposite_pid": c.OppositePID, "paychnl": "ALIPAY",
		"status": c.Status, "status_description": c.StatusDescription, "task_id": c.TaskID,
	} {
		if v != "" {
			f[k] = v
		}
	}
	return Notification{Fields: f}, nil
}

// RiskNotification is a notification of any risk type, for example one
// Allinpay adds later, with the given extra fields (resource among them).
func (s *Server) RiskNotification(riskType string, fields map[string]string) Notification {
	f := s.base(s.cfg.cusID)
	f["risktype"] = riskType
	for k, v := range fields {
		f[k] = v
	}
	return Notification{Fields: f}
}

// SignNotification returns n's form as Allinpay posts it: the fields, signtype
// and a sign over all of them (SHA1withRSA, or SM3withSM2 under the user id
// "Allinpay") with the fake's key of n's sign type, then AfterSign applied.
func (s *Server) SignNotification(n Notification) (url.Values, error) {
	st := n.SignType
	if st == "" {
		st = s.cfg.signType
	}
	k := s.cfg.allinpay[st]
	if k == nil {
		return nil, fmt.Errorf("allinpaytest: unknown sign type %q", st)
	}
	fields := make(map[string]string, len(n.Fields)+2)
	for kk, v := range n.Fields {
		fields[kk] = v
	}
	fields["signtype"] = string(st)
	delete(fields, "sign")
	sig, err := k.sign(allinpayUID, stringToSign(fields))
	if err != nil {
		return nil, fmt.Errorf("allinpaytest: signing a notification: %w", err)
	}
	fields["sign"] = sig
	form := url.Values{}
	for kk, v := range fields {
		form.Set(kk, v)
	}
	if n.AfterSign != nil {
		n.AfterSign(form)
	}
	return form, nil
}

// NewNotificationRequest builds the POST Allinpay would send to target, for
// calling a handler directly (httptest.NewRecorder) instead of over the
// network.
func (s *Server) NewNotificationRequest(ctx context.Context, target string, n Notification) (*http.Request, error) {
	form, err := s.SignNotification(n)
	if err != nil {
		return nil, err
	}
	return newFormRequest(ctx, target, form)
}

func newFormRequest(ctx context.Context, target string, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("allinpaytest: notify: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	return req, nil
}

// NotifyResult is a receiver's answer to one post of a notification.
type NotifyResult struct {
	Status int
	Body   string
	// Acknowledged: status 200 and a body of exactly Ack, the only answer
	// that stops Allinpay resending.
	Acknowledged bool
	// After is how long after the previous post Allinpay would have sent
	// this one (0 for the first); Deliver does not wait.
	After time.Duration
}

// Delivery is one post of a notification, recorded.
type Delivery struct {
	URL    string
	Form   url.Values
	Result NotifyResult
}

// Deliveries returns the notifications posted so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	return snapshot(s, &s.delivered, func(d *Delivery) { d.Form = cloneValues(d.Form) })
}

// Notify signs n and posts it to target once, returning the answer.
func (s *Server) Notify(ctx context.Context, target string, n Notification) (NotifyResult, error) {
	rs, err := s.NotifyTimes(ctx, target, n, 1)
	if err != nil {
		return NotifyResult{}, err
	}
	return rs[0], nil
}

// NotifyTimes signs n once and posts the same form to target times times, as
// a redelivery repeats the same notification, returning every answer.
func (s *Server) NotifyTimes(ctx context.Context, target string, n Notification, times int) ([]NotifyResult, error) {
	return s.deliver(ctx, target, n, times, false)
}

// Deliver posts n as Allinpay does: once, then again after each answer that
// is not an acknowledgement, up to len(RetryDelays) resends, without
// waiting (each result's After says when Allinpay would have sent it). It
// returns every answer; the last is acknowledged unless all six attempts
// failed.
func (s *Server) Deliver(ctx context.Context, target string, n Notification) ([]NotifyResult, error) {
	return s.deliver(ctx, target, n, 1+len(RetryDelays), true)
}

func (s *Server) deliver(ctx context.Context, target string, n Notification, times int, untilAck bool) ([]NotifyResult, error) {
	form, err := s.SignNotification(n)
	if err != nil {
		return nil, err
	}
	var out []NotifyResult
	for i := range times {
		r, err := s.post(ctx, target, form)
		if err != nil {
			return out, err
		}
		if i > 0 && untilAck {
			r.After = RetryDelays[i-1]
		}
		out = append(out, r)
		if untilAck && r.Acknowledged {
			break
		}
	}
	return out, nil
}

func (s *Server) post(ctx context.Context, target string, form url.Values) (NotifyResult, error) {
	req, err := newFormRequest(ctx, target, form)
	if err != nil {
		return NotifyResult{}, err
	}
	resp, err := s.cfg.notifyClient.Do(req)
	if err != nil {
		return NotifyResult{}, fmt.Errorf("allinpaytest: notify: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	r := NotifyResult{Status: resp.StatusCode, Body: string(b)}
	r.Acknowledged = r.Status == http.StatusOK && r.Body == Ack
	s.mu.Lock()
	s.delivered = append(s.delivered, Delivery{URL: target, Form: cloneValues(form), Result: r})
	s.mu.Unlock()
	return r, nil
}
