package wechatpay

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

func TestFlexInt64(t *testing.T) {
	for in, want := range map[string]int64{`0`: 0, `"0"`: 0, `"200"`: 200, `200`: 200, `null`: 0, `""`: 0, `-3`: -3} {
		var f FlexInt64
		if err := json.Unmarshal([]byte(in), &f); err != nil || int64(f) != want {
			t.Errorf("%s: %d %v", in, f, err)
		}
	}
	for _, in := range []string{`"1.5"`, `1.5`, `"x"`, `true`, `{}`} {
		var f FlexInt64
		if err := json.Unmarshal([]byte(in), &f); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
	if b, _ := json.Marshal(FlexInt64(42)); string(b) != `"42"` {
		t.Errorf("marshal %s", b)
	}
}

func TestMediaList(t *testing.T) {
	for in, n := range map[string]int{
		`[{"media_type":"USER_COMPLAINT_IMAGE","media_url":["a","b"]},{"media_type":"OPERATION_IMAGE","media_url":["c"]}]`: 2,
		`{"media_type":"OPERATION_IMAGE","media_url":["c"]}`:                                                               1,
		`null`: 0,
		`[]`:   0,
	} {
		var m MediaList
		if err := json.Unmarshal([]byte(in), &m); err != nil || len(m) != n {
			t.Errorf("%s: %v %v", in, m, err)
		}
	}
	var m MediaList
	if err := json.Unmarshal([]byte(`"x"`), &m); err == nil {
		t.Error("string accepted")
	}
	b, _ := json.Marshal(MediaList{{MediaType: MediaOperationImage, MediaURL: []string{"u"}}})
	if string(b) != `[{"media_type":"OPERATION_IMAGE","media_url":["u"]}]` {
		t.Errorf("marshal %s", b)
	}
}

func TestModelRoundTrip(t *testing.T) {
	// What the fake server encodes, the client decodes to the same value.
	var c Complaint
	if err := json.Unmarshal([]byte(mainlandComplaintJSON("C1", "ct")), &c); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	var c2 Complaint
	if err := json.Unmarshal(b, &c2); err != nil {
		t.Fatal(err)
	}
	c.Raw, c2.Raw = nil, nil
	if !jsonEqual(t, c, c2) {
		t.Errorf("round trip differs:\n%+v\n%+v", c, c2)
	}
	if strings.Contains(string(b), "PayerPhonePlaintext") || strings.Contains(string(b), "Raw") {
		t.Error("internal fields encoded")
	}
}

func jsonEqual(t *testing.T, a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestToComplaintMainland(t *testing.T) {
	var c Complaint
	if err := json.Unmarshal([]byte(mainlandComplaintJSON("C1", "Q1RFWFQ=")), &c); err != nil {
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
}

func TestMediaID(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.mch.weixin.qq.com" + mediaPath:                        "ChsyMDAyMDgwMjAyMjAyMTgxMTA0NDEzMTEwMzASGzMwMDIwMDAyMDIyMDIxODE1MDQ0MTcwOTI5NhgAIO%2FFR1pAGKAMwAjgB+x%3D%3D",
		"https://api.mch.weixin.qq.com/v3/merchant-service/images/abc.jpg": "abc.jpg",
		"abc": "abc",
	} {
		if got := mediaID(in); got != want {
			t.Errorf("%s: %s", in, got)
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
	if ProblemOthers.ProblemType() != complaint.ProblemOther || ProblemServiceNotWork.ProblemType() != complaint.ProblemServiceNotWork {
		t.Error("problem types")
	}
	if MediaOperationImage.MediaKind() != complaint.MediaOperation || MediaType("X").MediaKind() != complaint.MediaOther {
		t.Error("media kinds")
	}
}

func TestMisspellingsVerbatim(t *testing.T) {
	for _, s := range []string{string(OperateUserComfirmComplaint), string(OperateMerchantRefuseRerund)} {
		if s != "USER_COMFIRM_COMPLAINT" && s != "MERCHANT_REFUSE_RERUND" {
			t.Errorf("%s", s)
		}
	}
	b, _ := json.Marshal(NegotiationHistory{UserAppyPlatformServiceReason: "r"})
	if !strings.Contains(string(b), `"user_appy_platform_service_reason":"r"`) {
		t.Errorf("%s", b)
	}
}
