package wechatpaytest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay"
)

type sample struct {
	detail, description, translated string
	problem                         wechatpay.ProblemType
	amount                          int64
	sharePower                      bool
}

// samples are realistic complaint texts, in the buyer's words.
var samples = []sample{
	{"充电宝已经归还到原机柜，但是一直在计费，押金99元被扣了，联系客服没人回复。", "充电宝归还后仍在扣费", "Returned the power bank but I am still being charged.", wechatpay.ProblemRefund, 9900, true},
	{"开通的会员权益一直没有生效，付款成功后无法使用任何功能。", "会员权益未生效", "Membership benefits never took effect after payment.", wechatpay.ProblemServiceNotWork, 2990, false},
	{"商家承诺七天无理由退货，货已经退回去一周了还没有退款。", "退货后未退款", "Returned the goods a week ago, still no refund.", wechatpay.ProblemRefund, 15800, false},
	{"外卖超时两个小时才送到，饭菜都凉了，要求退部分款项。", "配送严重超时", "Delivery was two hours late; asking for a partial refund.", wechatpay.ProblemRefund, 4650, false},
	{"课程内容和宣传的完全不一样，老师也换人了，要求全额退款。", "商品与描述不符", "The course differs from what was advertised.", wechatpay.ProblemRefund, 199900, false},
	{"同一笔订单被扣款两次，请尽快退回多扣的钱。", "重复扣款", "Charged twice for the same order.", wechatpay.ProblemRefund, 6800, false},
	{"客服态度很差，问题反映了三次都没有解决。", "服务态度差", "Support was rude and did not solve the problem.", wechatpay.ProblemOthers, 3500, false},
}

var samplePNG = sync.OnceValue(func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := 0; x < 4; x++ {
		for y := 0; y < 4; y++ {
			img.Set(x, y, color.RGBA{R: 0x07, G: 0xC1, B: 0x60, A: 0xFF})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
})

// SamplePNG returns a small valid PNG, for uploads and seeded images.
func SamplePNG() []byte { return bytes.Clone(samplePNG()) }

// SampleComplaint returns a realistic complaint, not yet stored: Chinese text
// chosen by i, an order, a payer phone (plaintext in PayerPhonePlaintext;
// AddComplaint encrypts it), and for even i a complaint image stored on this
// server under a media id containing %2F and %3D%3D, as WeChat's ids do. Its
// time is i*5 hours before now. Fields match the server's region.
func (s *Server) SampleComplaint(i int) wechatpay.Complaint {
	if i < 0 {
		i = -i
	}
	sm := samples[i%len(samples)]
	t := s.now().Add(-time.Duration(i) * 5 * time.Hour)
	c := wechatpay.Complaint{
		ComplaintTime:       t,
		ComplaintDetail:     sm.detail,
		ComplaintState:      wechatpay.StatePending,
		ComplaintedMchID:    s.cfg.mchID,
		ProblemDescription:  sm.description,
		UserComplaintTimes:  1 + i%3,
		PayerPhonePlaintext: complaint.Phone(fmt.Sprintf("1380013%04d", i%10000)),
		PayerOpenID:         "oUpF8u" + randomString(22),
		ComplaintOrderInfo: []wechatpay.ComplaintOrder{{
			TransactionID: "4200" + randomDigits(24),
			OutTradeNo:    "TS" + t.Format("20060102") + randomDigits(10),
		}},
	}
	if i%2 == 0 {
		id := "ChsyMDAy" + randomString(24) + "%2F" + randomString(20) + "%3D%3D"
		c.ComplaintMediaList = wechatpay.MediaList{{
			MediaType: wechatpay.MediaUserComplaintImage,
			MediaURL:  []string{s.AddImage(id, SamplePNG())},
		}}
	}
	if s.cfg.region == wechatpay.RegionGlobal {
		o := &c.ComplaintOrderInfo[0]
		o.SettlementAmount = sm.amount
		o.SettlementCurrency = "HKD"
		o.PayerAmount = sm.amount * 92 / 100
		o.PayerCurrency = "CNY"
		o.TradeTime = t.Add(-48 * time.Hour).Truncate(time.Second)
		c.ComplaintDetailTrans = sm.translated
		c.Priority = wechatpay.PriorityGeneral
		if i%4 == 0 {
			c.Priority = wechatpay.PriorityPriority
		}
		c.PayerOpenID = ""
		return c
	}
	c.ComplaintOrderInfo[0].Amount = sm.amount
	c.ProblemType = sm.problem
	if sm.problem == wechatpay.ProblemRefund {
		c.ApplyRefundAmount = sm.amount
	}
	if sm.problem == wechatpay.ProblemServiceNotWork {
		c.ServiceOrderInfo = []wechatpay.ServiceOrder{{
			OrderID:    "1000000000" + randomDigits(18),
			OutOrderNo: "SO" + randomDigits(16),
			State:      wechatpay.ServiceOrderDoing,
		}}
	}
	if sm.sharePower {
		c.AdditionalInfo = &wechatpay.AdditionalInfo{
			Type: wechatpay.AdditionalInfoSharePower,
			SharePowerInfo: &wechatpay.SharePowerInfo{
				ReturnTime: t.Add(-30 * time.Minute).Truncate(time.Second),
				ReturnAddressInfo: &wechatpay.ReturnAddressInfo{
					ReturnAddress: "广东省深圳市南山区科技园腾讯滨海大厦一楼",
					Longitude:     "113.9345",
					Latitude:      "22.5226",
				},
				IsReturnedToSameMachine: true,
			},
		}
	}
	if i%4 == 0 {
		c.UserTagList = []wechatpay.UserTag{wechatpay.UserTagTrusted}
	}
	c.NeedImmediateService = i%3 == 1
	c.IsAgentMode = i%5 == 4
	return c
}

// Seed stores n sample complaints (SampleComplaint(0..n-1), newest first) and
// returns them as stored.
func (s *Server) Seed(n int) []wechatpay.Complaint {
	out := make([]wechatpay.Complaint, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, s.AddComplaint(s.SampleComplaint(i)))
	}
	return out
}
