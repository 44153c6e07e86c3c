package allinpay_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
)

var fakeSignTypes = []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2}

// fakeClient starts a fake (strict about each page's version) and a client
// for it.
func fakeClient(t *testing.T, opts ...allinpaytest.Option) (*allinpay.Client, *allinpaytest.Server) {
	t.Helper()
	srv := allinpaytest.NewServer(append([]allinpaytest.Option{allinpaytest.WithStrictVersions()}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

var (
	t0        = time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	imageData = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1, 2, 3}, 100)...)
)

// seed adds three complaints an hour apart (the newest a refund request with
// a user image) and returns their ids, oldest first.
func seed(srv *allinpaytest.Server, cusid string) []string {
	var ids []string
	imgURL := srv.AddImage("", imageData)
	for i := range 3 {
		c := allinpaytest.WeChatComplaint{
			CusID: cusid, ComplaintTime: t0.Add(time.Duration(i) * time.Hour), Detail: "扣费有误",
			ProblemType: allinpaytest.ProblemOthers, UserComplaintTimes: i + 1, ProblemDescription: "描述",
			Orders: []allinpaytest.WeChatOrder{{TransactionID: "42000000" + string(rune('0'+i)), OutTradeNo: "T" + string(rune('0'+i)), Amount: 100 * int64(i+1)}},
		}
		if i == 2 {
			c.ProblemType, c.ApplyRefundAmount, c.ComplaintedMchID = allinpaytest.ProblemRefund, 300, "1900000109"
			c.Media = []allinpaytest.Media{{Type: allinpaytest.MediaUserComplaintImage, URLs: []string{imgURL}}}
		}
		ids = append(ids, srv.AddWeChatComplaint(c).ComplaintID)
	}
	return ids
}

// Every WeChat method against the fake, in both sign types and with numbers
// as JSON numbers or strings: list and iterate, detail, image download,
// upload, reply, refund rejection, completion; refusals before any request.
func TestWeChatMethodsOnFake(t *testing.T) {
	for _, st := range fakeSignTypes {
		for _, strs := range []bool{false, true} {
			name := string(st)
			opts := []allinpaytest.Option{allinpaytest.WithSignType(st)}
			if strs {
				name += "/string-numbers"
				opts = append(opts, allinpaytest.WithStringNumbers())
			}
			t.Run(name, func(t *testing.T) { testWeChatMethods(t, opts...) })
		}
	}
}

func testWeChatMethods(t *testing.T, opts ...allinpaytest.Option) {
	c, srv := fakeClient(t, opts...)
	ids := seed(srv, "")
	ctx := context.Background()
	window := &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(24 * time.Hour)}

	p, err := c.ListComplaints(ctx, window)
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalCount != 3 || len(p.Data) != 3 || p.Data[0].ComplaintID != ids[2] || p.Data[2].ComplaintID != ids[0] {
		t.Fatalf("list %+v", p)
	}
	newest := p.Data[0]
	if newest.MerchantNo != srv.CusID() || newest.ProblemType != allinpay.ProblemRefund || newest.ApplyRefundAmount != 300 ||
		newest.UserComplaintTimes != 3 || newest.ComplaintState != allinpay.StatePending || !newest.ComplaintTime.Equal(t0.Add(2*time.Hour)) ||
		newest.ComplaintedMchID != "1900000109" || newest.ComplaintOrderInfo[0].Amount != 300 || newest.ComplaintOrderInfo[0].OutTradeNo != "T2" ||
		len(newest.ComplaintMediaList) != 1 || newest.ComplaintMediaList[0].MediaType != allinpay.MediaUserComplaintImage {
		t.Fatalf("newest %+v", newest)
	}
	if r := srv.Requests()[0]; r.Fields.Get("begindate") != "2024-05-01 10:00:00" || r.Fields.Get("enddate") != "2024-05-02 10:00:00" ||
		r.Fields.Get("version") != "11" {
		t.Fatalf("list form %v", r.Fields)
	}

	// The iterator across pages of 2, then an early break after one request.
	srv.ResetRequests()
	var got []string
	for it, err := range c.AllComplaints(ctx, &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(24 * time.Hour), PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, it.ComplaintID)
	}
	if !slices.Equal(got, []string{ids[2], ids[1], ids[0]}) || len(srv.Requests()) != 2 {
		t.Fatalf("iterated %v in %d requests", got, len(srv.Requests()))
	}
	srv.ResetRequests()
	for range c.AllComplaints(ctx, &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(24 * time.Hour), PageSize: 1}) {
		break
	}
	if len(srv.Requests()) != 1 {
		t.Fatalf("%d requests after break", len(srv.Requests()))
	}

	// A span over 30 days is refused before any I/O.
	srv.ResetRequests()
	if _, err := c.ListComplaints(ctx, &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(allinpay.MaxListSpan + time.Second)}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatalf("long span: %v", err)
	}

	d, err := c.GetComplaint(ctx, &allinpay.GetComplaintRequest{ComplaintID: ids[2]})
	if err != nil {
		t.Fatal(err)
	}
	if d.ComplaintID != ids[2] || d.ComplaintDetail != "扣费有误" || d.ApplyRefundAmount != 300 || d.ProblemDescription != "描述" ||
		len(d.ComplaintOrderInfo) != 1 || d.ComplaintOrderInfo[0].TransactionID != "420000002" || len(d.Raw) == 0 {
		t.Fatalf("detail %+v", d)
	}
	if _, err := c.GetComplaint(ctx, &allinpay.GetComplaintRequest{ComplaintID: "999"}); !errors.Is(err, complaint.ErrNotFound) {
		t.Fatalf("unknown complaint (retmsg %q): %v", allinpaytest.MsgComplaintNotFound, err)
	}

	img, err := c.DownloadImage(ctx, &allinpay.DownloadImageRequest{MediaURL: d.ComplaintMediaList[0].MediaURL[0]})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img.Data, imageData) || img.ContentType != "image/png" {
		t.Fatalf("image %q %d bytes", img.ContentType, len(img.Data))
	}

	srv.ResetRequests()
	up, err := c.UploadImage(ctx, &allinpay.UploadImageRequest{Data: imageData})
	if err != nil {
		t.Fatal(err)
	}
	if stored, ok := srv.Image(up.MediaID); !ok || !bytes.Equal(stored, imageData) {
		t.Fatal("upload not stored")
	}
	if r := srv.Requests()[0]; !bytes.Equal(r.File, imageData) || r.FileName != "image.png" || r.Fields.Has("file") {
		t.Fatalf("upload request %q %v", r.FileName, r.Fields)
	}

	srv.ResetRequests()
	if err := c.Reply(ctx, &allinpay.ReplyRequest{ComplaintID: ids[2], Content: strings.Repeat("好", allinpay.MaxReplyRunes+1)}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatalf("long reply: %v", err)
	}
	if err := c.Reply(ctx, &allinpay.ReplyRequest{ComplaintID: ids[2], Content: "已退款", Images: []string{"a", "b", "c", "d", "e"}}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatalf("five images: %v", err)
	}
	if len(srv.Requests()) != 0 {
		t.Fatal("refused reply sent")
	}
	if err := c.Reply(ctx, &allinpay.ReplyRequest{ComplaintID: ids[2], Content: "您好，已为您处理", Images: []string{up.MediaID, up.MediaID}}); err != nil {
		t.Fatal(err)
	}
	h := srv.History(ids[2])
	last := h[len(h)-1]
	if last.OperateType != allinpaytest.OpMerchantResponse || last.OperateDetails != "您好，已为您处理" ||
		!slices.Equal(last.ImageList, []string{allinpaytest.ImageURL(up.MediaID), allinpaytest.ImageURL(up.MediaID)}) {
		t.Fatalf("history %+v", last)
	}
	if r := srv.Requests()[0]; r.Method != "complaintsResp" || r.Fields.Get("response_images") != up.MediaID+"#@#"+up.MediaID {
		t.Fatalf("reply request %v", r)
	}

	if err := c.UpdateRefundProgress(ctx, &allinpay.UpdateRefundProgressRequest{ComplaintID: ids[2], Action: allinpay.RefundReject,
		RejectReason: "商品已使用", RejectMediaList: []string{up.MediaID}, Remark: "见图"}); err != nil {
		t.Fatal(err)
	}
	if ds := srv.RefundDecisions(ids[2]); len(ds) != 1 || ds[0].Action != "REJECT" || ds[0].RejectReason != "商品已使用" ||
		!slices.Equal(ds[0].RejectMediaList, []string{up.MediaID}) || ds[0].Remark != "见图" {
		t.Fatalf("decisions %+v", ds)
	}
	// A second decision, and one on a complaint that is not a refund request,
	// are Allinpay's FAIL.
	var ae *allinpay.APIError
	if err := c.UpdateRefundProgress(ctx, &allinpay.UpdateRefundProgressRequest{ComplaintID: ids[0], Action: allinpay.RefundApprove}); !errors.As(err, &ae) ||
		ae.RetMsg != allinpaytest.MsgNotRefundRequest {
		t.Fatalf("not a refund: %v", err)
	}

	if err := c.Complete(ctx, &allinpay.CompleteRequest{ComplaintID: ids[2]}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.WeChatComplaint(ids[2]); got.State != allinpaytest.StateProcessed {
		t.Fatalf("state %q", got.State)
	}

	tc := srv.AddTransactionComplaint(allinpaytest.TransactionComplaint{OrderID: "O1", OpenID: "oX", PhoneNumber: "13900001111",
		Type: 2, Status: 3, ProductName: "会员", TotalCostStr: "9.90", CreateTime: t0, ExpireTime: t0.Add(72 * time.Hour),
		MediaIDList: []string{"x1"}, Content: "没有到账"})
	o, err := c.GetTransactionComplaint(ctx, &allinpay.GetTransactionComplaintRequest{ComplaintOrderID: tc.ComplaintOrderID})
	if err != nil {
		t.Fatal(err)
	}
	if o.ComplaintOrderID != tc.ComplaintOrderID || o.OrderID != "O1" || o.OpenID != "oX" || o.PhoneNumber.Plain() != "13900001111" ||
		o.Type != 2 || o.Status != 3 || o.ProductName != "会员" || o.TotalCostStr != "9.90" || !o.CreateTime.Equal(t0) ||
		!o.PayTime.IsZero() || !o.ExpireTime.Equal(t0.Add(72*time.Hour)) || !slices.Equal(o.CustomerMaterial.MediaIDList, []string{"x1"}) ||
		o.CustomerMaterial.Content != "没有到账" {
		t.Fatalf("complaint order %#v", *o)
	}
	if _, err := c.GetTransactionComplaint(ctx, &allinpay.GetTransactionComplaintRequest{ComplaintOrderID: "nope"}); !errors.Is(err, complaint.ErrNotFound) {
		t.Fatalf("unknown complaint order: %v", err)
	}
}

// An injected FAIL is an *APIError carrying retmsg, mapped onto complaint's
// sentinels by its text.
func TestWeChatFaultsOnFake(t *testing.T) {
	c, srv := fakeClient(t, allinpaytest.WithSignType(allinpaytest.SM2))
	ids := seed(srv, "")
	ctx := context.Background()
	srv.InjectFault(allinpaytest.Fault{Method: "wxcomplaintlistquery", FailMsg: "系统繁忙"})
	_, err := c.ListComplaints(ctx, &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(time.Hour)})
	var ae *allinpay.APIError
	if !errors.As(err, &ae) || ae.RetCode != "FAIL" || ae.RetMsg != "系统繁忙" || ae.Method != "wxcomplaintlistquery" {
		t.Fatalf("%v", err)
	}
	srv.InjectFault(allinpaytest.Fault{Method: "wxcomplaintdetail", FailMsg: allinpaytest.MsgSignError})
	if _, err := c.GetComplaint(ctx, &allinpay.GetComplaintRequest{ComplaintID: ids[0]}); !errors.Is(err, complaint.ErrUnauthorized) {
		t.Fatalf("sign error: %v", err)
	}
}

// Agent mode: the list with the agent number returns every sub-merchant's
// complaints with merchantNo; acting on one takes that merchantNo as CusID
// (and fails with the agent's own number); orgid goes with every request.
func TestWeChatAgentModeOnFake(t *testing.T) {
	for _, st := range fakeSignTypes {
		t.Run(string(st), func(t *testing.T) {
			c, srv := fakeClient(t, allinpaytest.WithSignType(st),
				allinpaytest.WithAgent(allinpaytest.ModeAgent, "ORG0001", "990000000000011", "990000000000012"))
			a := seed(srv, "990000000000011")
			b := seed(srv, "990000000000012")
			ctx := context.Background()
			merchants := map[string]string{}
			for it, err := range c.AllComplaints(ctx, &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(time.Hour * 3), PageSize: 4}) {
				if err != nil {
					t.Fatal(err)
				}
				merchants[it.ComplaintID] = it.MerchantNo
			}
			if len(merchants) != 6 || merchants[a[0]] != "990000000000011" || merchants[b[2]] != "990000000000012" {
				t.Fatalf("merchants %v", merchants)
			}
			if _, err := c.GetComplaint(ctx, &allinpay.GetComplaintRequest{ComplaintID: b[2]}); !errors.Is(err, complaint.ErrNotFound) {
				t.Fatalf("with the agent's number: %v", err)
			}
			srv.ResetRequests()
			if _, err := c.GetComplaint(ctx, &allinpay.GetComplaintRequest{ComplaintID: b[2], CusID: merchants[b[2]]}); err != nil {
				t.Fatal(err)
			}
			if err := c.Reply(ctx, &allinpay.ReplyRequest{ComplaintID: b[2], Content: "收到", CusID: merchants[b[2]]}); err != nil {
				t.Fatal(err)
			}
			if err := c.Complete(ctx, &allinpay.CompleteRequest{ComplaintID: b[2], CusID: merchants[b[2]]}); err != nil {
				t.Fatal(err)
			}
			for _, r := range srv.Requests() {
				if r.Fields.Get("cusid") != "990000000000012" || r.Fields.Get("orgid") != "ORG0001" || r.RetCode != "SUCCESS" {
					t.Fatalf("%s: %v (%s)", r.Method, r.Fields, r.RetCode)
				}
			}
		})
	}
	// A group lists its members' complaints only with groupall=1.
	c, srv := fakeClient(t, allinpaytest.WithAgent(allinpaytest.ModeGroup, "GRP0001", "990000000000021"))
	seed(srv, "990000000000021")
	w := &allinpay.ListComplaintsRequest{Begin: t0, End: t0.Add(3 * time.Hour)}
	p, err := c.ListComplaints(context.Background(), w)
	if err != nil || len(p.Data) != 0 {
		t.Fatalf("without groupall: %+v, %v", p, err)
	}
	w.GroupAll = true
	p, err = c.ListComplaints(context.Background(), w)
	if err != nil || len(p.Data) != 3 || p.Data[0].MerchantNo != "990000000000021" {
		t.Fatalf("with groupall: %+v, %v", p, err)
	}
}
