package wxcomplaint

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

func TestToComplaintMainland(t *testing.T) {
	var c Complaint
	if err := DecodeComplaint([]byte(mainlandComplaintJSON("C1", "Q1RFWFQ=")), &c); err != nil {
		t.Fatal(err)
	}
	got := c.ToComplaint()
	want := complaint.Complaint{
		Provider: complaint.WeChatPay, ID: "C1", MerchantID: "1900012181",
		State: complaint.StatePending, ProviderState: "PENDING",
		Problem: complaint.Problem{Type: complaint.ProblemRefund, ProviderType: "REFUND", Description: "不满意商家服务"},
		Content: "反馈一个重复扣费的问题",
		Amount:  complaint.CNY(3),
		Refund:  complaint.Refund{Requested: complaint.CNY(10), Full: true},
		Times:   1, AwaitingReply: true, Urgent: true, PlatformAssisting: true,
		Tags: []string{"TRUSTED"},
	}
	if got.ID != want.ID || got.MerchantID != want.MerchantID || got.State != want.State || got.ProviderState != want.ProviderState ||
		got.Problem != want.Problem || got.Content != want.Content || got.Amount != want.Amount || got.Refund != want.Refund ||
		got.Times != want.Times || got.AwaitingReply != want.AwaitingReply || got.Urgent != want.Urgent ||
		got.PlatformAssisting != want.PlatformAssisting || strings.Join(got.Tags, ",") != "TRUSTED" || got.Provider != want.Provider {
		t.Errorf("got %+v", got)
	}
	// The reference names the complained merchant (complainted_mchid), which
	// a service provider's calls need; WeChat has one channel and acts by
	// complaint, so neither Channel nor OrderID is set.
	if r := got.Ref(); r != (complaint.Ref{Provider: complaint.WeChatPay, ID: "C1", MerchantID: "1900012181"}) {
		t.Errorf("Ref() = %+v", r)
	}
	if got.Contact.EncryptedPhone != "Q1RFWFQ=" || got.Contact.OpenID == "" || got.Contact.Phone != "" {
		t.Errorf("contact %+v", got.Contact)
	}
	if len(got.Orders) != 1 || got.Orders[0].TransactionID != "4200000404201909069117582536" || got.Orders[0].Amount != complaint.CNY(3) {
		t.Errorf("orders %+v", got.Orders)
	}
	if len(got.Media) != 1 || got.Media[0].Kind != complaint.MediaUser || got.Media[0].ID != "xxxxx" || got.Media[0].ProviderKind != "USER_COMPLAINT_IMAGE" {
		t.Errorf("media %+v", got.Media)
	}
	if got.CreatedAt.IsZero() || got.Raw.(*Complaint) != &c {
		t.Error("time or raw")
	}
	if (*Complaint)(nil).ToComplaint() != nil {
		t.Error("nil complaint converted")
	}
}

func TestToComplaintGlobal(t *testing.T) {
	var c Complaint
	if err := DecodeComplaint([]byte(globalComplaintJSON("G1")), &c); err != nil {
		t.Fatal(err)
	}
	cc := c.ToComplaint()
	if cc.Amount != (complaint.Money{Amount: 1500, Currency: "HKD"}) || cc.Refund.Refunded != (complaint.Money{Amount: 200, Currency: "HKD"}) ||
		!cc.Urgent || cc.State != complaint.StateProcessing || cc.Orders[1].PaidAt.IsZero() || cc.Media[0].ID != "abc%2Fdef" {
		t.Errorf("converted global complaint: %+v", cc)
	}
	// Orders in different currencies are not summed.
	c.ComplaintOrderInfo[1].SettlementCurrency = "CNY"
	if cc := c.ToComplaint(); cc.Amount != (complaint.Money{}) || cc.Orders[1].Amount != complaint.CNY(500) {
		t.Errorf("mixed currencies: %+v %+v", cc.Amount, cc.Orders)
	}
}

func TestToEntry(t *testing.T) {
	p, err := DecodeHistoryPage([]byte(page([]string{
		historyItem("L1", "MERCHANT_REFUSE_RERUND", `,"operate_details":"已发货","image_list":["https://api.mch.weixin.qq.com/v3/merchant-service/images/m2"],
"complaint_media_list":{"media_type":"OPERATION_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/`+phpMediaID+`","x"]}`),
		historyItem("L2", "MERCHANT_RESPONSE", `,"normal_message":{"blocks":[{"type":"TEXT","text":{"text":"您好"}},{"type":"IMAGE","image":{"media_id":"m"}},{"type":"TEXT","text":{"text":"请查收"}}]}`),
		historyItem("L3", "USER_RESPONSE", `,"image_list":["u1"]`),
	}, 100, 0, 3)))
	if err != nil {
		t.Fatal(err)
	}
	e := p.Data[0].ToEntry()
	if e.ID != "L1" || e.Kind != complaint.KindRefundRejected || e.Actor != complaint.ActorMerchant || e.ActorName != "投诉人" ||
		e.Content != "已发货" || e.Raw != &p.Data[0] || e.Time.IsZero() || e.ProviderKind != "MERCHANT_REFUSE_RERUND" {
		t.Errorf("entry = %+v", e)
	}
	if len(e.Media) != 3 || e.Media[0].ID != "m2" || e.Media[0].Kind != complaint.MediaMerchant ||
		e.Media[1].ID != phpMediaID || e.Media[1].Kind != complaint.MediaOperation || e.Media[2].ID != "x" {
		t.Errorf("media = %+v", e.Media)
	}
	if e := p.Data[1].ToEntry(); e.Content != "您好\n请查收" || e.Kind != complaint.KindMerchantReply {
		t.Errorf("rich message entry = %+v", e)
	}
	if e := p.Data[2].ToEntry(); len(e.Media) != 1 || e.Media[0].Kind != complaint.MediaUser || e.Actor != complaint.ActorUser {
		t.Errorf("user entry = %+v", e)
	}
	if (*NegotiationHistory)(nil).ToEntry() != nil {
		t.Error("nil history converted")
	}
}

func TestMediaID(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.mch.weixin.qq.com/v3/merchant-service/images/" + phpMediaID:                 phpMediaID,
		"https://api.mch.weixin.qq.com/v3/merchant-service/images/abc.jpg":                       "abc.jpg",
		"https://api.mch.weixin.qq.com/v3/merchant-service/images/abc.jpg?complaint_id=1#frag":   "abc.jpg",
		"https://apihk.mch.weixin.qq.com/v3/global/merchant-service/images/a%20b?complaint_id=1": "a%20b",
		"http://127.0.0.1:8080/v3/merchant-service/images/x%3D":                                  "x%3D",
		"/v3/merchant-service/images/rel":                                                        "rel",
		"https://api.mch.weixin.qq.com":                                                          "",
		"https://api.mch.weixin.qq.com/v3/merchant-service/images/":                              "",
		"https://api.mch.weixin.qq.com/v3/merchant-service/images/a/b%3D":                        "a/b%3D",
		"abc": "abc",
		"":    "",
	} {
		if got := MediaID(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestStateAndKindTables(t *testing.T) {
	states := map[ComplaintState]complaint.State{StatePending: complaint.StatePending, StateProcessing: complaint.StateProcessing,
		StateProcessed: complaint.StateResolved, "ARCHIVED": complaint.StateUnknown}
	for in, want := range states {
		if in.State() != want {
			t.Errorf("%s -> %s", in, in.State())
		}
	}
	actions := map[ActionType]complaint.Kind{
		ActionCreateComplaint: complaint.KindCreated, ActionContinueComplaint: complaint.KindContinued,
		ActionUserResponse: complaint.KindUserMessage, ActionResponseByPlatform: complaint.KindPlatformMessage,
		ActionSellerRefund: complaint.KindRefunded, ActionMerchantResponse: complaint.KindMerchantReply,
		ActionMerchantConfirmComplete: complaint.KindCompleted, ActionUserApplyPlatformService: complaint.KindPlatformService,
		ActionUserCancelPlatformService: complaint.KindPlatformService, ActionPlatformServiceFinished: complaint.KindPlatformService,
		ActionMerchantApproveRefund: complaint.KindRefundApproved, ActionMerchantRejectRefund: complaint.KindRefundRejected,
		ActionRefundSuccess: complaint.KindRefunded, "NEW": complaint.KindOther,
	}
	for in, want := range actions {
		if in.Kind() != want {
			t.Errorf("%s -> %s", in, in.Kind())
		}
	}
	ops := map[OperateType][2]string{
		OperateUserCreateComplaint:                {string(complaint.KindCreated), string(complaint.ActorUser)},
		OperateUserComfirmComplaint:               {string(complaint.KindConfirmed), string(complaint.ActorUser)},
		OperateMerchantRefuseRerund:               {string(complaint.KindRefundRejected), string(complaint.ActorMerchant)},
		OperatePlatformResponse:                   {string(complaint.KindPlatformMessage), string(complaint.ActorPlatform)},
		OperateComplaintFullRefundedSystemMessage: {string(complaint.KindRefunded), string(complaint.ActorSystem)},
		OperateUserCreateComplaintSystemMessage:   {string(complaint.KindSystem), string(complaint.ActorSystem)},
		OperateUserRevokeComplaint:                {string(complaint.KindWithdrawn), string(complaint.ActorUser)},
		OperateUserSubmitSatisfaction:             {string(complaint.KindSatisfaction), string(complaint.ActorUser)},
		OperateServiceOrderComplete:               {string(complaint.KindSystem), string(complaint.ActorSystem)},
		OperatePlatformServiceFinished:            {string(complaint.KindPlatformService), string(complaint.ActorPlatform)},
		OperateUserClickResponse:                  {string(complaint.KindUserMessage), string(complaint.ActorUser)},
		"SOMETHING":                               {string(complaint.KindOther), string(complaint.ActorUnknown)},
	}
	for in, want := range ops {
		if string(in.Kind()) != want[0] || string(in.Actor()) != want[1] {
			t.Errorf("%s -> %s/%s, want %v", in, in.Kind(), in.Actor(), want)
		}
	}
	if ProblemOthers.ProblemType() != complaint.ProblemOther || ProblemServiceNotWork.ProblemType() != complaint.ProblemServiceNotWork ||
		ProblemRefund.ProblemType() != complaint.ProblemRefund {
		t.Error("problem types")
	}
	if MediaOperationImage.MediaKind() != complaint.MediaOperation || MediaUserComplaintImage.MediaKind() != complaint.MediaUser ||
		MediaType("X").MediaKind() != complaint.MediaOther {
		t.Error("media kinds")
	}
}

// The media id used to be taken with url.Parse and EscapedPath; these two
// measure the string slicing that replaced it against that, on a WeChat media
// URL.
var mediaURLForBench = "https://api.mch.weixin.qq.com/v3/merchant-service/images/" + phpMediaID

func BenchmarkMediaID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if MediaID(mediaURLForBench) != phpMediaID {
			b.Fatal("wrong id")
		}
	}
}

func BenchmarkMediaIDURLParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		u, err := url.Parse(mediaURLForBench)
		if err != nil {
			b.Fatal(err)
		}
		p := u.EscapedPath()
		if p[strings.LastIndexByte(p, '/')+1:] != phpMediaID {
			b.Fatal("wrong id")
		}
	}
}

// WeChat sends no deadline: DueAt is the 72-hour rule of thumb after
// complaint_time, marked estimated; global's is_overdue is the Overdue flag.
func TestToComplaintDeadline(t *testing.T) {
	var m, g Complaint
	if err := DecodeComplaint([]byte(mainlandComplaintJSON("C1", "")), &m); err != nil {
		t.Fatal(err)
	}
	if err := DecodeComplaint([]byte(globalComplaintJSON("G1")), &g); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		c       *Complaint
		overdue bool
	}{{&m, false}, {&g, true}} {
		got := tt.c.ToComplaint()
		if want := tt.c.ComplaintTime.Add(complaint.DefaultRespondWithin); !got.DueAt.Equal(want) || !got.DueEstimated {
			t.Errorf("%s: DueAt %v (estimated %v), want %v estimated", got.ID, got.DueAt, got.DueEstimated, want)
		}
		if got.Overdue != tt.overdue {
			t.Errorf("%s: Overdue = %v, want %v", got.ID, got.Overdue, tt.overdue)
		}
	}
	m.ComplaintTime = time.Time{}
	if got := m.ToComplaint(); !got.DueAt.IsZero() || got.DueEstimated {
		t.Errorf("without complaint_time: DueAt %v (estimated %v), want none", got.DueAt, got.DueEstimated)
	}
}
