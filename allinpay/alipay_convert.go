package allinpay

import (
	"github.com/tousu-go/tousu/complaint"
)

// Media.ProviderKind of the converted Alipay images: the field they came from.
const (
	AlipayMediaCertifyInfo = "certify_info"         // the buyer's evidence
	AlipayMediaProcessImg  = "process_img_url_list" // the merchant's evidence
)

// ToComplaint converts an Alipay complaint to the common model, losslessly:
// the complaint itself is Raw.
//
// The Ref it yields is Provider allinpay, Channel alipay, ID the Alipay id
// (also ChannelID, Allinpay relaying Alipay's own id) and MerchantID the
// sub-merchant (CusID: empty for the client's own merchant). State maps
// Status as AlipayStatus.State says, the raw status kept in ProviderState.
// Amount is complain_amount in fen. Orders are complaint_trade_info_list
// (trade_no as TransactionID, out_no as OutTradeNo, amount, gmt_trade as
// PaidAt), or the complaint's trade_no alone when the list is empty. The
// contact is Contact.Phone when it reads as a phone number (digits, with
// spaces, '-' or a leading '+'), else Contact.Other["contact"].
// opposite_name and opposite_pid name the party complained about, not the
// buyer, and stay in Raw. certify_info images are user media,
// process_img_url_list merchant media. CreatedAt is gmt_complain, UpdatedAt
// gmt_process, DueAt gmt_overdue, ClosedAt gmt_process once the status is
// final (resolved or withdrawn). gmt_risk_finish_time is Alipay's push time
// and stays in Raw.
func (a *AlipayComplaint) ToComplaint() *complaint.Complaint {
	if a == nil {
		return nil
	}
	out := &complaint.Complaint{
		Provider:      complaint.Allinpay,
		ID:            a.ID,
		MerchantID:    a.CusID,
		Channel:       complaint.ChannelAlipay,
		ChannelID:     a.ID,
		State:         a.Status.State(),
		ProviderState: string(a.Status),
		Content:       a.ComplainContent,
		Amount:        complaint.CNY(a.ComplainAmount),
		Contact:       alipayContact(a),
		CreatedAt:     a.GmtComplain,
		UpdatedAt:     a.GmtProcess,
		DueAt:         a.GmtOverdue,
		Raw:           a,
	}
	if out.State == complaint.StateResolved || out.State == complaint.StateWithdrawn {
		out.ClosedAt = a.GmtProcess
	}
	switch {
	case len(a.ComplaintTradeInfoList) > 0:
		out.Orders = make([]complaint.Order, len(a.ComplaintTradeInfoList))
		for i, t := range a.ComplaintTradeInfoList {
			out.Orders[i] = complaint.Order{TransactionID: t.TradeNo, OutTradeNo: t.OutNo,
				Amount: complaint.CNY(t.Amount), PaidAt: t.GmtTrade}
		}
	case a.TradeNo != "":
		out.Orders = []complaint.Order{{TransactionID: a.TradeNo}}
	}
	if n := len(a.CertifyInfo) + len(a.ProcessImgURLList); n > 0 {
		out.Media = make([]complaint.Media, 0, n)
		for _, u := range a.CertifyInfo {
			out.Media = append(out.Media, complaint.Media{Kind: complaint.MediaUser, ProviderKind: AlipayMediaCertifyInfo, URL: u})
		}
		for _, u := range a.ProcessImgURLList {
			out.Media = append(out.Media, complaint.Media{Kind: complaint.MediaMerchant, ProviderKind: AlipayMediaProcessImg, URL: u})
		}
	}
	return out
}

// alipayContact is the buyer's contact in the common model.
func alipayContact(a *AlipayComplaint) complaint.Contact {
	var ct complaint.Contact
	switch {
	case isPhone(a.Contact):
		ct.Phone = complaint.Phone(a.Contact)
	case a.Contact != "":
		ct.Other = map[string]string{"contact": a.Contact}
	}
	return ct
}

// isPhone reports whether s reads as a phone number: 5 to 20 digits, with
// spaces or '-' between them and an optional leading '+'.
func isPhone(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && i == 0, c == ' ' && i > 0, c == '-' && i > 0:
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}
