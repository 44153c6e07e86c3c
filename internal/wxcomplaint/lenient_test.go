package wxcomplaint

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
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

// Every provider time decodes "" as the zero time, at every depth, without
// failing the page; the other times of the page keep their values.
func TestUnmarshalEmptyTimes(t *testing.T) {
	item := mainlandComplaintJSON("C1", "")
	item = strings.Replace(item, `"complaint_time":"2025-05-20T13:29:35.120+08:00"`, `"complaint_time":""`, 1)
	item = strings.Replace(item, `"return_time":"2023-02-10T14:44:14+08:00"`, `"return_time":""`, 1)
	global := strings.Replace(globalComplaintJSON("G1"), `"trade_time":"2025-05-19T10:00:00+08:00"`, `"trade_time":""`, 1)
	p, err := DecodeComplaintPage([]byte(page([]string{item, mainlandComplaintJSON("C2", ""), global}, 10, 0, 3)), 10)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Data[0]
	if !c.ComplaintTime.IsZero() || !c.AdditionalInfo.SharePowerInfo.ReturnTime.IsZero() {
		t.Errorf("empty times decoded as %v and %v", c.ComplaintTime, c.AdditionalInfo.SharePowerInfo.ReturnTime)
	}
	if c.ComplaintID != "C1" || c.ComplaintOrderInfo[0].Amount != 3 || len(c.ComplaintMediaList) != 1 ||
		c.AdditionalInfo.SharePowerInfo.ReturnAddressInfo.Latitude != "22.5" {
		t.Errorf("the rest of the item was not decoded: %+v", c)
	}
	if want := time.Date(2025, 5, 20, 5, 29, 35, 120e6, time.UTC); !p.Data[1].ComplaintTime.Equal(want) {
		t.Errorf("the next item's time is %v", p.Data[1].ComplaintTime)
	}
	g := p.Data[2].ComplaintOrderInfo
	if !g[0].TradeTime.IsZero() || g[1].TradeTime.IsZero() || g[1].SettlementRefundedAmount != 200 {
		t.Errorf("global orders: %+v", g)
	}

	// History operate_time and a rich message's expired_time.
	h := historyItem("L1", "MERCHANT_RESPONSE", `,"normal_message":{"blocks":[{"type":"BUTTON","button":{"text":"ok",
"action":{"action_type":"ACTION_TYPE_SEND_MESSAGE","message_info":{"content":"x"}},"invalid_info":{"expired_time":"","multi_clickable":true}}}]}`)
	h = strings.Replace(h, `"operate_time":"2025-05-20T13:29:35.120+08:00"`, `"operate_time":""`, 1)
	hp, err := DecodeHistoryPage([]byte(page([]string{h}, 100, 0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if hi := hp.Data[0]; !hi.OperateTime.IsZero() || !hi.NormalMessage.Blocks[0].Button.InvalidInfo.ExpiredTime.IsZero() ||
		!hi.NormalMessage.Blocks[0].Button.InvalidInfo.MultiClickable {
		t.Errorf("history item %+v", hp.Data[0])
	}
}

func TestUnmarshalObjectMediaListInComplaint(t *testing.T) {
	item := strings.Replace(mainlandComplaintJSON("C1", ""),
		`"complaint_media_list":[{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx"]}]`,
		`"complaint_media_list":{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx"]}`, 1)
	var c Complaint
	if err := DecodeComplaint([]byte(item), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.ComplaintMediaList) != 1 || c.ComplaintMediaList[0].MediaURL[0] != "https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx" {
		t.Errorf("media %+v", c.ComplaintMediaList)
	}
	if string(c.Raw) != item {
		t.Error("Raw is not the body as received")
	}
}

// The lenient retry fixes only WeChat's irregular shapes: anything else fails
// with encoding/json's error, and nothing of a failed decode is left behind.
func TestUnmarshalStillFails(t *testing.T) {
	bad := map[string]string{
		"bad time":            `{"complaint_id":"C","complaint_time":"yesterday"}`,
		"bad time with blank": `{"complaint_id":"C","complaint_time":"yesterday","complaint_order_info":[{"trade_time":""}]}`,
		"number time":         `{"complaint_time":12}`,
		"string for bool":     `{"complaint_full_refunded":"true","complaint_time":""}`,
		"trailing data":       `{"complaint_time":""} {}`,
		"not json":            `{"complaint_time":"`,
		"string media list":   `{"complaint_media_list":"x"}`,
		"blank non-time":      `{"user_complaint_times":""}`,
	}
	for name, in := range bad {
		var c Complaint
		if err := DecodeComplaint([]byte(in), &c); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !reflect.DeepEqual(c, Complaint{}) {
			t.Errorf("%s: partial result %+v", name, c)
		}
		if _, err := DecodeComplaintPage([]byte(`{"data":[`+in+`]}`), 10); err == nil {
			t.Errorf("%s: accepted in a page", name)
		}
	}
	// encoding/json's own error comes back when there is nothing to rewrite.
	var c Complaint
	err := Unmarshal([]byte(`{"complaint_time":"yesterday"}`), &c)
	var pe *time.ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %T %v, want the time parse error", err, err)
	}
}

// A retried decode starts from zero: a value decoded before the retry is not
// mixed into the result.
func TestUnmarshalRetryZeroes(t *testing.T) {
	p := Page[NegotiationHistory]{Data: []NegotiationHistory{{LogID: "stale", Operator: "x"}}, TotalCount: 9}
	if err := Unmarshal([]byte(`{"data":[{"log_id":"L1","operate_time":""}],"limit":1}`), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != 1 || p.Data[0].LogID != "L1" || p.Data[0].Operator != "" || p.TotalCount != 0 || p.Limit != 1 {
		t.Errorf("page %+v", p)
	}
}

func TestModelRoundTrip(t *testing.T) {
	// What a server encodes from these types, they decode to the same value.
	var c Complaint
	if err := DecodeComplaint([]byte(mainlandComplaintJSON("C1", "ct")), &c); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	var c2 Complaint
	if err := DecodeComplaint(b, &c2); err != nil {
		t.Fatal(err)
	}
	c.Raw, c2.Raw = nil, nil
	if !reflect.DeepEqual(c, c2) {
		t.Errorf("round trip differs:\n%+v\n%+v", c, c2)
	}
	if strings.Contains(string(b), "PayerPhonePlaintext") || strings.Contains(string(b), "Raw") {
		t.Error("internal fields encoded")
	}
}

func TestMisspellingsVerbatim(t *testing.T) {
	if OperateUserComfirmComplaint != "USER_COMFIRM_COMPLAINT" || OperateMerchantRefuseRerund != "MERCHANT_REFUSE_RERUND" {
		t.Error("misspelt operate types changed")
	}
	b, _ := json.Marshal(NegotiationHistory{UserAppyPlatformServiceReason: "r", UserAppyPlatformServiceReasonDescription: "d"})
	if !strings.Contains(string(b), `"user_appy_platform_service_reason":"r"`) ||
		!strings.Contains(string(b), `"user_appy_platform_service_reason_description":"d"`) {
		t.Errorf("%s", b)
	}
}

func TestHasDuplicateNames(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`: false,
		`{"a":1,"A":2}`:                     true,
		`{"x":{"k":[1,{"q":1}],"k":2}}`:     true,
		`{"x":[{"a":1,"b":{"c":1},"a":2}]}`: true,
		`[{"a":1},{"a":1}]`:                 false,
		`{"a":{"b":1},"c":{"b":1}}`:         false,
	} {
		if got := hasDuplicateNames([]byte(in)); got != want {
			t.Errorf("%s: %v", in, got)
		}
	}
}
