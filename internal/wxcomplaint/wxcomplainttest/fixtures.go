package wxcomplainttest

import (
	"fmt"
	"strings"
)

// MainlandComplaint is a complaints-v2 item (list and detail) with every field
// of WeChat's spec, payer_phone set to phoneCT, and "brand_new_field", which
// WeChat does not document.
func MainlandComplaint(id, phoneCT string) string {
	return `{"complaint_id":"` + id + `","complaint_time":"2025-05-20T13:29:35.120+08:00",
"complaint_detail":"反馈一个重复扣费的问题","complaint_state":"PENDING","complainted_mchid":"1900012181",
"complaint_full_refunded":true,"incoming_user_response":true,"problem_description":"不满意商家服务",
"user_complaint_times":1,"payer_phone":"` + phoneCT + `","payer_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
"complaint_order_info":[{"transaction_id":"4200000404201909069117582536","out_trade_no":"20190906154617947762231","amount":3}],
"service_order_info":[{"order_id":"15646546545165651651","out_order_no":"1234323JKHDFE1243252","state":"DOING"}],
"complaint_media_list":[{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx"]}],
"problem_type":"REFUND","apply_refund_amount":10,"user_tag_list":["TRUSTED"],
"additional_info":{"type":"SHARE_POWER_TYPE","share_power_info":{"return_time":"2023-02-10T14:44:14+08:00",
"return_address_info":{"return_address":"广东省深圳市南山区","longitude":"113.9","latitude":"22.5"},"is_returned_to_same_machine":false}},
"in_platform_service":true,"need_immediate_service":true,"is_agent_mode":false,"brand_new_field":{"x":1}}`
}

// GlobalComplaint is a global complaints item: settlement amounts in HKD,
// settlement_refunded_amount once as a string (as the spec shows) and once as
// a number (as WeChat sends), and a media URL in the mainland form the global
// list returns.
func GlobalComplaint(id string) string {
	return `{"complaint_id":"` + id + `","complaint_time":"2025-05-20T13:29:35.120+08:00","complaint_detail":"charged twice",
"complaint_state":"PROCESSING","complainted_mchid":"1900012181","complaint_full_refunded":false,"incoming_user_response":false,
"user_complaint_times":2,"complaint_order_info":[{"transaction_id":"42000","out_trade_no":"o1","settlement_amount":1000,
"settlement_refunded_amount":"0","settlement_currency":"HKD","payer_amount":900,"payer_refunded_amount":0,"payer_currency":"CNY",
"trade_time":"2025-05-19T10:00:00+08:00"},{"transaction_id":"42001","out_trade_no":"o2","settlement_amount":500,
"settlement_refunded_amount":200,"settlement_currency":"HKD","payer_amount":450,"payer_refunded_amount":180,"payer_currency":"CNY",
"trade_time":"2025-05-19T11:00:00+08:00"}],"is_overdue":true,"priority":"PRIORITY","complaint_detail_trans":"重复扣款",
"complaint_media_list":[{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/abc%2Fdef"]}]}`
}

// HistoryItem is a negotiation-historys item of operateType; extra is spliced
// in after the required fields (start it with a comma).
func HistoryItem(id, operateType, extra string) string {
	return `{"log_id":"` + id + `","operator":"投诉人","operate_time":"2025-05-20T13:29:35.120+08:00","operate_type":"` + operateType + `"` + extra + `}`
}

// Page wraps items in a list answer.
func Page(items []string, limit, offset, total int) string {
	return fmt.Sprintf(`{"data":[%s],"limit":%d,"offset":%d,"total_count":%d}`, strings.Join(items, ","), limit, offset, total)
}

// PHPMediaID is the media id of wechatpay-php's image download test, with
// %2F, plus a + and %3D%3D: media ids are used exactly as written.
const PHPMediaID = "ChsyMDAyMDgwMjAyMjAyMTgxMTA0NDEzMTEwMzASGzMwMDIwMDAyMDIyMDIxODE1MDQ0MTcwOTI5NhgAIO%2FFR1pAGKAMwAjgB+x%3D%3D"
