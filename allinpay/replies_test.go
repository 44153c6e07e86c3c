package allinpay

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

// ok answers every call with a plain SUCCESS, recording the method.
func okHandler(methods *[]string) func(string, url.Values) (map[string]string, string) {
	return func(m string, _ url.Values) (map[string]string, string) {
		*methods = append(*methods, m)
		return nil, ""
	}
}

// Reply: the exact method name, content and images joined by #@#, the
// sub-merchant's cusid, no version of its own (the default 11), nothing
// empty; the request is not modified.
func TestReply(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			var methods []string
			f.handle = okHandler(&methods)
			content := strings.Repeat("您", MaxReplyRunes) // 200 runes, 600 bytes
			req := &ReplyRequest{ComplaintID: "200001", Content: content, Images: []string{"m1", "m2", "m3", "m4"}, CusID: "990000000000001"}
			if err := c.Reply(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			r := f.requests[0]
			if methods[0] != "complaintsResp" || r.Get("response_content") != content || r.Get("response_images") != "m1#@#m2#@#m3#@#m4" ||
				r.Get("cusid") != "990000000000001" || r.Get("complaint_id") != "200001" || r.Get("version") != "11" {
				t.Fatalf("%s %v", methods[0], r)
			}
			if len(req.Images) != 4 || req.Images[0] != "m1" {
				t.Fatal("request modified")
			}
			if err := c.Reply(context.Background(), &ReplyRequest{ComplaintID: "200001", Content: "好的"}); err != nil {
				t.Fatal(err)
			}
			if _, ok := f.requests[1]["response_images"]; ok {
				t.Fatal("empty response_images sent")
			}
		})
	}
}

func TestReplyValidation(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	five := []string{"1", "2", "3", "4", "5"}
	for _, tc := range []struct {
		field string
		r     *ReplyRequest
	}{
		{"request", nil},
		{"complaint_id", &ReplyRequest{Content: "x"}},
		{"response_content", &ReplyRequest{ComplaintID: "1"}},
		{"response_content", &ReplyRequest{ComplaintID: "1", Content: strings.Repeat("您", MaxReplyRunes+1)}},
		{"response_content", &ReplyRequest{ComplaintID: "1", Content: "\xff"}},
		{"response_images", &ReplyRequest{ComplaintID: "1", Content: "x", Images: five}},
		{"response_images", &ReplyRequest{ComplaintID: "1", Content: "x", Images: []string{""}}},
		{"response_images", &ReplyRequest{ComplaintID: "1", Content: "x", Images: []string{"a#@#b"}}},
	} {
		err := c.Reply(context.Background(), tc.r)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: %v", tc.r, err)
		}
	}
	if len(f.requests) != 0 {
		t.Fatalf("%d requests sent", len(f.requests))
	}
}

// Complete: the exact method name and the sub-merchant; a FAIL is an
// *APIError mapped onto the sentinels.
func TestComplete(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			var methods []string
			f.handle = okHandler(&methods)
			if err := c.Complete(context.Background(), &CompleteRequest{ComplaintID: "200001", CusID: "990000000000001"}); err != nil {
				t.Fatal(err)
			}
			if methods[0] != "complaintsComplete" || f.requests[0].Get("complaint_id") != "200001" || f.requests[0].Get("cusid") != "990000000000001" {
				t.Fatalf("%v %v", methods, f.requests[0])
			}
			f.handle = func(string, url.Values) (map[string]string, string) { return nil, "投诉单不存在" }
			err := c.Complete(context.Background(), &CompleteRequest{ComplaintID: "404"})
			var ae *APIError
			if !errors.As(err, &ae) || ae.Method != "complaintsComplete" || ae.RetCode != "FAIL" || !errors.Is(err, complaint.ErrNotFound) {
				t.Fatalf("%v", err)
			}
		})
	}
	c, _ := newTestClient(t, SignRSA)
	if err := c.Complete(context.Background(), &CompleteRequest{}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatal(err)
	}
}

func intp(n int) *int { return &n }

// Refund decisions: APPROVE sends launch_refund_day (0 included) and no
// REJECT field; REJECT sends the reason, media ids joined by #@# and the
// remark.
func TestUpdateRefundProgress(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			var methods []string
			f.handle = okHandler(&methods)
			ctx := context.Background()
			if err := c.UpdateRefundProgress(ctx, &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundApprove, LaunchRefundDay: intp(0), Remark: "同意"}); err != nil {
				t.Fatal(err)
			}
			if err := c.UpdateRefundProgress(ctx, &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundReject,
				RejectReason: "已发货", RejectMediaList: []string{"a", "b"}, CusID: "990000000000001"}); err != nil {
				t.Fatal(err)
			}
			if err := c.UpdateRefundProgress(ctx, &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundApprove}); err != nil {
				t.Fatal(err)
			}
			a, r, bare := f.requests[0], f.requests[1], f.requests[2]
			if methods[0] != "wxcomplaintsrefundprogress" || a.Get("action") != "APPROVE" || a.Get("launch_refund_day") != "0" || a.Get("remark") != "同意" {
				t.Fatalf("approve %v", a)
			}
			for _, k := range []string{"reject_reason", "reject_media_list"} {
				if _, ok := a[k]; ok {
					t.Fatalf("approve sent %s", k)
				}
			}
			if r.Get("action") != "REJECT" || r.Get("reject_reason") != "已发货" || r.Get("reject_media_list") != "a#@#b" ||
				r.Get("cusid") != "990000000000001" {
				t.Fatalf("reject %v", r)
			}
			if _, ok := r["launch_refund_day"]; ok {
				t.Fatal("reject sent launch_refund_day")
			}
			if _, ok := bare["launch_refund_day"]; ok {
				t.Fatal("nil launch_refund_day sent")
			}
		})
	}
}

func TestUpdateRefundProgressValidation(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	for _, tc := range []struct {
		field string
		r     *UpdateRefundProgressRequest
	}{
		{"request", nil},
		{"complaint_id", &UpdateRefundProgressRequest{Action: RefundApprove}},
		{"action", &UpdateRefundProgressRequest{ComplaintID: "1"}},
		{"action", &UpdateRefundProgressRequest{ComplaintID: "1", Action: "approve"}},
		{"launch_refund_day", &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundApprove, LaunchRefundDay: intp(-1)}},
		{"reject_reason", &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundApprove, RejectReason: "x"}},
		{"reject_media_list", &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundApprove, RejectMediaList: []string{"a"}}},
		{"reject_reason", &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundReject}},
		{"launch_refund_day", &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundReject, RejectReason: "x", LaunchRefundDay: intp(0)}},
		{"reject_media_list", &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundReject, RejectReason: "x", RejectMediaList: []string{"1", "2", "3", "4", "5"}}},
	} {
		err := c.UpdateRefundProgress(context.Background(), tc.r)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: %v", tc.r, err)
		}
	}
	if len(f.requests) != 0 {
		t.Fatalf("%d requests sent", len(f.requests))
	}
}
