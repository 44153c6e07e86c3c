package wxcomplaint

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A page decodes to what decoding each item alone gives, with the items' Raw
// left nil and each item's raw JSON available from RawItems.
func TestDecodeComplaintPage(t *testing.T) {
	items := []string{
		mainlandComplaintJSON("C1", "Q1RFWFQ="),
		globalComplaintJSON("G1"),
		`{"complaint_id":"C3","complaint_time":"2025-05-21T08:00:00+08:00","complaint_media_list":null}`,
	}
	body := []byte(page(items, 10, 20, 23))
	p, err := DecodeComplaintPage(body, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p.Limit != 10 || p.Offset != 20 || p.TotalCount != 23 || len(p.Data) != 3 {
		t.Fatalf("page %+v", p)
	}
	raw, err := RawItems(body)
	if err != nil || len(raw) != 3 {
		t.Fatalf("raw items: %d %v", len(raw), err)
	}
	for i, item := range items {
		if p.Data[i].Raw != nil {
			t.Errorf("item %d: Raw kept (%d bytes)", i, len(p.Data[i].Raw))
		}
		if string(raw[i]) != item {
			t.Errorf("raw item %d:\n%s\nwant\n%s", i, raw[i], item)
		}
		var one Complaint
		if err := DecodeComplaint([]byte(item), &one); err != nil {
			t.Fatal(err)
		}
		if string(one.Raw) != item {
			t.Errorf("item %d: DecodeComplaint Raw is not the body", i)
		}
		one.Raw = nil
		if !reflect.DeepEqual(one, p.Data[i]) {
			t.Errorf("item %d: page decode differs from item decode:\n%+v\n%+v", i, p.Data[i], one)
		}
	}
	c := p.Data[0]
	if c.ComplaintState != StatePending || c.ProblemType != ProblemRefund || c.ApplyRefundAmount != 10 ||
		c.ComplaintOrderInfo[0].Amount != 3 || c.ServiceOrderInfo[0].State != ServiceOrderDoing ||
		c.AdditionalInfo.SharePowerInfo.ReturnAddressInfo.Longitude != "113.9" || !c.NeedImmediateService ||
		c.UserTagList[0] != UserTagTrusted || c.ComplaintMediaList[0].MediaType != MediaUserComplaintImage ||
		c.PayerOpenID == "" || c.PayerPhone != "Q1RFWFQ=" || c.ComplaintTime.Nanosecond() != 120e6 {
		t.Errorf("decoded complaint = %+v", c)
	}
	if !strings.Contains(string(raw[0]), "brand_new_field") {
		t.Error("raw item lost the unknown field")
	}
	g := p.Data[1].ComplaintOrderInfo
	if g[0].SettlementRefundedAmount != 0 || g[1].SettlementRefundedAmount != 200 || g[0].SettlementCurrency != "HKD" ||
		p.Data[1].Priority != PriorityPriority || !p.Data[1].IsOverdue {
		t.Errorf("global item %+v", p.Data[1])
	}
}

// The page decoder gives exactly what encoding/json gives when it decodes the
// same page into the exported types directly (MediaList's own lenient
// UnmarshalJSON included): the speed-up changes nothing.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	body := []byte(page([]string{mainlandComplaintJSON("C1", "x"), globalComplaintJSON("G1")}, 10, 0, 2))
	var want Page[Complaint]
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeComplaintPage(body, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// The page size asked for only sizes memory: more items than that (or than
// the body's size suggests) decode all the same.
func TestDecodeComplaintPageAnyLimit(t *testing.T) {
	var items []string
	for i := range 5 {
		items = append(items, mainlandComplaintJSON(fmt.Sprint("C", i), ""), globalComplaintJSON(fmt.Sprint("G", i)))
	}
	body := []byte(page(items, 10, 0, 10))
	want, err := DecodeComplaintPage(body, 10)
	if err != nil || len(want.Data) != 10 {
		t.Fatalf("%d items, %v", len(want.Data), err)
	}
	for _, limit := range []int{0, 1, 3, 9, 11, 50, 1000, -1} {
		got, err := DecodeComplaintPage(body, limit)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: %v\n%+v", limit, err, got)
		}
	}
	// The retry path (an empty time) gives the same items.
	lenient := strings.Replace(string(body), `"complaint_time":"2025-05-20T13:29:35.120+08:00"`, `"complaint_time":""`, 1)
	got, err := DecodeComplaintPage([]byte(lenient), 10)
	if err != nil || len(got.Data) != 10 || !got.Data[0].ComplaintTime.IsZero() {
		t.Fatalf("lenient: %v", err)
	}
	got.Data[0].ComplaintTime = want.Data[0].ComplaintTime
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lenient page differs:\n%+v\n%+v", got, want)
	}
}

func TestDecodeEmptyPages(t *testing.T) {
	for in, n := range map[string]int{`{"data":[],"limit":10,"offset":0,"total_count":0}`: 0, `{"limit":10}`: 0, `{"data":null}`: 0} {
		p, err := DecodeComplaintPage([]byte(in), 10)
		if err != nil || len(p.Data) != n {
			t.Errorf("%s: %+v %v", in, p, err)
		}
		if p.Data != nil {
			t.Errorf("%s: empty page has non-nil data", in)
		}
		items, err := RawItems([]byte(in))
		if err != nil || len(items) != 0 {
			t.Errorf("%s: raw items %v %v", in, items, err)
		}
	}
	if _, err := RawItems([]byte(`{"data":[1,`)); err == nil {
		t.Error("RawItems accepted broken JSON")
	}
}

func TestDecodeHistoryPage(t *testing.T) {
	items := []string{
		historyItem("L1", "USER_CREATE_COMPLAINT", `,"complaint_media_list":{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/m1"]}`),
		historyItem("L2", "MERCHANT_REFUSE_RERUND", `,"operate_details":"已发货","image_list":["https://api.mch.weixin.qq.com/v3/merchant-service/images/m2"]`),
		historyItem("L3", "USER_COMFIRM_COMPLAINT", `,"user_appy_platform_service_reason":"R","user_appy_platform_service_reason_description":"D"`),
		historyItem("L4", "MERCHANT_RESPONSE", `,"normal_message":{"blocks":[{"type":"TEXT","text":{"text":"您好","color":"DEFAULT","is_bold":false}}],"sender_identity":"MANUAL"}`),
		historyItem("L5", "USER_CLICK_RESPONSE", `,"click_message":{"message_content":{"a":1},"action_id":"x","clicked_log_id":"L4"}`),
		historyItem("L6", "SOMETHING_NEW", `,"complaint_media_list":[{"media_type":"OPERATION_IMAGE","media_url":["a","b"]}]`),
	}
	body := []byte(page(items, 300, 0, len(items)))
	p, err := DecodeHistoryPage(body)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Data
	if len(got) != 6 || p.TotalCount != 6 {
		t.Fatalf("got %d items", len(got))
	}
	if got[0].ComplaintMediaList[0].MediaURL[0] == "" || got[1].OperateType != OperateMerchantRefuseRerund ||
		got[2].UserAppyPlatformServiceReason != "R" || got[3].NormalMessage.Blocks[0].Text.Text != "您好" ||
		got[3].NormalMessage.SenderIdentity != SenderManual || string(got[4].ClickMessage.MessageContent) != `{"a":1}` ||
		got[5].OperateType != "SOMETHING_NEW" || len(got[5].ComplaintMediaList[0].MediaURL) != 2 || got[0].Raw != nil {
		t.Errorf("items: %+v", got)
	}
	raw, err := RawItems(body)
	if err != nil || len(raw) != 6 || string(raw[4]) != items[4] {
		t.Errorf("raw items: %v", err)
	}
}
