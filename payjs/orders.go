package payjs

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/google/go-querystring/query"

	"github.com/tousu-go/tousu/complaint"
)

// orderParams encodes an order request through its url tags (every order call
// names the order by payjs_order_id), after checking that the id is set.
func orderParams(id string, req any) (url.Values, error) {
	if id == "" {
		return nil, &complaint.ValidationError{Field: "payjs_order_id", Reason: "is empty"}
	}
	v, err := query.Values(req)
	if err != nil {
		return nil, fmt.Errorf("payjs: encoding request: %w", err)
	}
	return v, nil
}

// Check queries one order (POST check). It is a read and is retried under the
// client's retry policy.
//
// A successful check of a paid order counts as delivery for PAYJS: it stops the
// asynchronous payment notification for that order, including one in
// progress. PAYJS also blacklists IPs that check at high frequency.
func (c *Client) Check(ctx context.Context, req *CheckRequest) (*CheckResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &complaint.ValidationError{Field: "payjs_order_id", Reason: "request is nil"}
	}
	p, err := orderParams(req.PayJSOrderID, req)
	if err != nil {
		return nil, err
	}
	body, _, err := c.post(ctx, "check", p, true)
	if err != nil {
		return nil, err
	}
	return decodeCheck(body)
}

func decodeCheck(body []byte) (*CheckResponse, error) {
	f, err := decodeFields(body)
	if err != nil {
		return nil, err
	}
	r := &CheckResponse{
		ReturnMsg: f.str("return_msg"), MchID: f.str("mchid"), OutTradeNo: f.str("out_trade_no"),
		PayJSOrderID: f.str("payjs_order_id"), TransactionID: f.str("transaction_id"),
		OpenID: f.str("openid"), PaidTime: f.time("paid_time"), Attach: f.str("attach"), Raw: f,
	}
	var code, status int64
	if err := f.ints(map[string]*int64{"return_code": &code, "status": &status, "total_fee": &r.TotalFee}); err != nil {
		return nil, fmt.Errorf("payjs: check: %w", err)
	}
	r.ReturnCode, r.Status = int(code), OrderStatus(status)
	return r, nil
}

// Refund refunds a whole order (POST refund); PAYJS has no partial refund. It
// succeeds only while the merchant's unsettled funds exceed the amount.
//
// PAYJS answers a repeated refund with return_code=1 and no sign. Refund then
// confirms the order with a signed Check and returns a response with
// AlreadyRefunded and Unsigned set and the order fields from the check
// (remember that a successful check stops PAYJS's payment notifications). If
// the check fails, the error matches both ErrUnsigned and the check's error.
// Refund is not retried automatically.
func (c *Client) Refund(ctx context.Context, req *RefundRequest) (*RefundResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &complaint.ValidationError{Field: "payjs_order_id", Reason: "request is nil"}
	}
	p, err := orderParams(req.PayJSOrderID, req)
	if err != nil {
		return nil, err
	}
	body, _, err := c.post(ctx, "refund", p, false)
	if errors.Is(err, ErrUnsigned) {
		chk, cerr := c.Check(ctx, &CheckRequest{PayJSOrderID: req.PayJSOrderID})
		if cerr != nil {
			return nil, fmt.Errorf("payjs: refund answered without sign and the confirming check failed: %w", errors.Join(ErrUnsigned, cerr))
		}
		if chk.PayJSOrderID != req.PayJSOrderID {
			return nil, fmt.Errorf("payjs: refund answered without sign and the check names another order: %w", ErrUnsigned)
		}
		raw, _ := decodeFields(body)
		return &RefundResponse{
			ReturnCode: 1, PayJSOrderID: chk.PayJSOrderID, OutTradeNo: chk.OutTradeNo,
			TransactionID: chk.TransactionID, AlreadyRefunded: true, Unsigned: true, Check: chk, Raw: raw,
		}, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := decodeFields(body)
	if err != nil {
		return nil, err
	}
	r := &RefundResponse{
		ReturnMsg: f.str("return_msg"), PayJSOrderID: f.str("payjs_order_id"), OutTradeNo: f.str("out_trade_no"),
		TransactionID: f.str("transaction_id"), Refund: f.str("refund"), Raw: f,
	}
	code, err := f.int("return_code")
	if err != nil {
		return nil, fmt.Errorf("payjs: refund: %w", err)
	}
	r.ReturnCode = int(code)
	r.AlreadyRefunded = r.Refund == "1"
	return r, nil
}

// CloseOrder closes an unpaid order (POST close); PAYJS accepts orders of the
// last 30 days. Closing is optional for PAYJS. (It is not named Close: Close on
// a tousu client releases the client.)
func (c *Client) CloseOrder(ctx context.Context, req *CloseRequest) (*CloseResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &complaint.ValidationError{Field: "payjs_order_id", Reason: "request is nil"}
	}
	code, msg, id, raw, err := c.simple(ctx, "close", req.PayJSOrderID, req)
	if err != nil {
		return nil, err
	}
	return &CloseResponse{ReturnCode: code, ReturnMsg: msg, PayJSOrderID: id, Raw: raw}, nil
}

// Reverse reverses an abnormal micropay or facepay order (POST reverse), for
// orders of about the last 7 days.
func (c *Client) Reverse(ctx context.Context, req *ReverseRequest) (*ReverseResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &complaint.ValidationError{Field: "payjs_order_id", Reason: "request is nil"}
	}
	code, msg, id, raw, err := c.simple(ctx, "reverse", req.PayJSOrderID, req)
	if err != nil {
		return nil, err
	}
	return &ReverseResponse{ReturnCode: code, ReturnMsg: msg, PayJSOrderID: id, Raw: raw}, nil
}

func (c *Client) simple(ctx context.Context, endpoint, id string, req any) (int, string, string, fields, error) {
	p, err := orderParams(id, req)
	if err != nil {
		return 0, "", "", nil, err
	}
	body, _, err := c.post(ctx, endpoint, p, false)
	if err != nil {
		return 0, "", "", nil, err
	}
	f, err := decodeFields(body)
	if err != nil {
		return 0, "", "", nil, err
	}
	code, err := f.int("return_code")
	if err != nil {
		return 0, "", "", nil, fmt.Errorf("payjs: %s: %w", endpoint, err)
	}
	return int(code), f.str("return_msg"), f.str("payjs_order_id"), f, nil
}
