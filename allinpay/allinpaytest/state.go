package allinpaytest

import (
	"crypto/rand"
	"fmt"
	"maps"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
)

// WeChat complaint states (complaint_state) and problem types, as WeChat
// sends them and Allinpay relays them.
const (
	StatePending    = "PENDING"
	StateProcessing = "PROCESSING"
	StateProcessed  = "PROCESSED"

	ProblemRefund         = "REFUND"
	ProblemServiceNotWork = "SERVICE_NOT_WORK"
	ProblemOthers         = "OTHERS"
)

// Media types of complaint_media_list.
const (
	MediaUserComplaintImage = "USER_COMPLAINT_IMAGE"
	MediaOperationImage     = "OPERATION_IMAGE"
)

// History operate_type values the fake writes itself (the seed lists them
// all; seed any of them with AddHistory).
const (
	OpUserCreateComplaint    = "USER_CREATE_COMPLAINT"
	OpUserResponse           = "USER_RESPONSE"
	OpMerchantResponse       = "MERCHANT_RESPONSE"
	OpMerchantConfirmDone    = "MERCHANT_CONFIRM_COMPLETE"
	OpMerchantApproveRefund  = "MERCHANT_APPROVE_REFUND"
	OpMerchantRefuseRefund   = "MERCHANT_REFUSE_RERUND" // sic, as WeChat spells it
	OperatorUser             = "投诉人"
	OperatorMerchant         = "商家"
	wechatImageURLPrefix     = "https://api.mch.weixin.qq.com/v3/merchant-service/images/"
	alipayFileURLPrefix      = "https://allinpaytest.invalid/alipay/complaint/file/"
	alipayStatusWaitProcess  = "WAIT_PROCESS"
	alipayStatusProcessed    = "PROCESSED"
	alipayDefaultStatusDescr = "待处理"
)

// Media is one complaint_media_list entry: a media type and full WeChat media
// URLs (see Server.AddImage).
type Media struct {
	Type string
	URLs []string
}

// WeChatOrder is one complaint_order_info entry.
type WeChatOrder struct {
	TransactionID string
	OutTradeNo    string
	Amount        int64 // fen
}

// WeChatComplaint is a WeChat Pay complaint as Allinpay relays it (fact sheet
// §4.2). Zero values are filled in by AddWeChatComplaint where noted.
type WeChatComplaint struct {
	ComplaintID string // default: 27 digits shaped like WeChat's
	// CusID is the Allinpay merchant the complaint is against (sent as
	// merchantNo in list items); default the server's CusID.
	CusID         string
	ComplaintTime time.Time // default now; sent at second precision
	State         string    // default StatePending
	Detail        string    // complaint_detail
	// ComplaintedMchID is the WeChat sub-merchant id; sent when set.
	ComplaintedMchID     string
	ProblemType          string
	ProblemDescription   string
	ApplyRefundAmount    int64 // fen; sent when not zero
	UserComplaintTimes   int   // default 1
	IncomingUserResponse bool
	FullRefunded         bool
	// PayerPhone is sent as given when set (whether Allinpay relays WeChat's
	// ciphertext or a plain number is not documented).
	PayerPhone string
	Orders     []WeChatOrder
	Media      []Media
	// Extra fields are added to the complaint object as given, as fields
	// Allinpay or WeChat may add later.
	Extra map[string]any
}

// HistoryEntry is one negotiation-history item (the seed's data[] item).
type HistoryEntry struct {
	LogID          string // default: a 27-digit id
	Operator       string
	OperateTime    time.Time // default now
	OperateType    string
	OperateDetails string
	ImageList      []string
	// Media is sent as the item's single complaint_media_list object, when
	// set.
	Media *Media
}

// RefundDecision is a wxcomplaintsrefundprogress call the fake accepted.
type RefundDecision struct {
	Action          string // APPROVE or REJECT
	LaunchRefundDay string // as sent ("" when absent)
	RejectReason    string
	RejectMediaList []string // media ids
	Remark          string
}

// AlipayTrade is one complaint_trade_info_list entry.
type AlipayTrade struct {
	TradeNo           string
	OutNo             string
	Amount            string // yuan, as Alipay writes it ("12.50")
	GmtTrade          time.Time
	StatusDescription string
}

// AlipayImage is one img_file_list entry of a finish call.
type AlipayImage struct {
	ImgURL    string `json:"img_url"`
	ImgURLKey string `json:"img_url_key"`
}

// AlipayComplaint is an Alipay complaint as Allinpay relays it (fact sheet
// §4.4). Zero values are filled in by AddAlipayComplaint where noted.
type AlipayComplaint struct {
	// ID is Alipay's complaint id, digits (sent as a JSON number unless
	// WithStringNumbers); default: 16 digits.
	ID string
	// CusID is the Allinpay merchant; default the server's CusID.
	CusID        string
	TaskID       string // default: "TK" and 14 digits
	OppositePID  string
	OppositeName string
	// ComplainAmount is yuan as Allinpay sends it ("12.50"); sent verbatim,
	// so a test can seed a malformed amount.
	ComplainAmount    string
	Contact           string
	GmtComplain       time.Time // default now; sent at second precision
	GmtProcess        time.Time
	GmtOverdue        time.Time
	GmtRiskFinish     time.Time
	ComplainContent   string
	TradeNo           string
	Status            string // default WAIT_PROCESS
	StatusDescription string
	ComplainURL       string
	CertifyInfo       []string
	Trades            []AlipayTrade
	// Set by alicomplaintprocessfinish (or seeded).
	ProcessCode       string
	ProcessMessage    string
	ProcessRemark     string
	ProcessImgURLList []string
	// ProcessImages are the img_file_list entries of the finish call.
	ProcessImages []AlipayImage
	Extra         map[string]any
}

// TransactionComplaint is a "complaint order" of wxcomplaintorderdetail
// (WeChat mini-program transaction complaints, 交易投诉, fact sheet §4.1 #9).
type TransactionComplaint struct {
	ComplaintOrderID string // default: 20 digits
	CusID            string // default the server's CusID
	OrderID          string
	OpenID           string
	HeadImgURL       string
	PhoneNumber      string
	Type             int
	Status           int
	ProductName      string
	TotalCostStr     string
	CreateTime       time.Time // sent as Unix seconds
	PayTime          time.Time
	ExpireTime       time.Time
	MediaIDList      []string
	Content          string
}

type wxState struct {
	c       WeChatComplaint
	history []HistoryEntry
	refunds []RefundDecision
}

type aliState struct{ c AlipayComplaint }

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

func cloneMedia(ms []Media) []Media {
	out := slices.Clone(ms)
	for i := range out {
		out[i].URLs = slices.Clone(out[i].URLs)
	}
	return out
}

func cloneWeChat(c WeChatComplaint) WeChatComplaint {
	c.Orders = slices.Clone(c.Orders)
	c.Media = cloneMedia(c.Media)
	c.Extra = maps.Clone(c.Extra)
	return c
}

func cloneHistory(h HistoryEntry) HistoryEntry {
	h.ImageList = slices.Clone(h.ImageList)
	if h.Media != nil {
		m := cloneMedia([]Media{*h.Media})[0]
		h.Media = &m
	}
	return h
}

func cloneAlipay(c AlipayComplaint) AlipayComplaint {
	c.CertifyInfo = slices.Clone(c.CertifyInfo)
	c.Trades = slices.Clone(c.Trades)
	c.ProcessImgURLList = slices.Clone(c.ProcessImgURLList)
	c.ProcessImages = slices.Clone(c.ProcessImages)
	c.Extra = maps.Clone(c.Extra)
	return c
}

// AddWeChatComplaint stores c, replacing a complaint with the same id, and
// returns it as stored, defaults filled in (see WeChatComplaint). Without
// history a USER_CREATE_COMPLAINT entry by the complainant at ComplaintTime
// is recorded; entries get log ids and times when they lack them.
func (s *Server) AddWeChatComplaint(c WeChatComplaint, history ...HistoryEntry) WeChatComplaint {
	c = cloneWeChat(c)
	now := s.now()
	if c.ComplaintTime.IsZero() {
		c.ComplaintTime = now
	}
	c.ComplaintTime = c.ComplaintTime.Truncate(time.Second)
	if c.ComplaintID == "" {
		c.ComplaintID = "2002018" + cntime.Format(c.ComplaintTime, "20060102") + randomDigits(12)
	}
	if c.CusID == "" {
		c.CusID = s.cfg.cusID
	}
	if c.State == "" {
		c.State = StatePending
	}
	if c.UserComplaintTimes == 0 {
		c.UserComplaintTimes = 1
	}
	hist := make([]HistoryEntry, 0, len(history)+1)
	for _, h := range history {
		hist = append(hist, s.fillHistory(cloneHistory(h)))
	}
	if len(hist) == 0 {
		var images []string
		for _, m := range c.Media {
			if m.Type == MediaUserComplaintImage {
				images = append(images, m.URLs...)
			}
		}
		hist = append(hist, s.fillHistory(HistoryEntry{
			Operator: OperatorUser, OperateTime: c.ComplaintTime, OperateType: OpUserCreateComplaint,
			OperateDetails: c.Detail, ImageList: images,
		}))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wx[c.ComplaintID] = &wxState{c: c, history: hist}
	return cloneWeChat(c)
}

func (s *Server) fillHistory(h HistoryEntry) HistoryEntry {
	if h.LogID == "" {
		h.LogID = "3002000" + randomDigits(20)
	}
	if h.OperateTime.IsZero() {
		h.OperateTime = s.now()
	}
	h.OperateTime = h.OperateTime.Truncate(time.Second)
	return h
}

// WeChatComplaint returns a copy of a stored WeChat complaint.
func (s *Server) WeChatComplaint(id string) (WeChatComplaint, bool) {
	return read(s, s.wx, id, func(st *wxState) WeChatComplaint { return cloneWeChat(st.c) })
}

// read returns what f reads from m[id] under the lock.
func read[S, T any](s *Server, m map[string]*S, id string, f func(*S) T) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := m[id]
	if !ok {
		var zero T
		return zero, false
	}
	return f(st), true
}

// update runs f on m[id] under the lock and reports whether it exists.
func update[S any](s *Server, m map[string]*S, id string, f func(*S)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := m[id]
	if ok {
		f(st)
	}
	return ok
}

// UpdateWeChatComplaint changes a stored WeChat complaint in place (the id
// cannot change) and reports whether it exists: a buyer's or WeChat's side of
// the story, such as a state change.
func (s *Server) UpdateWeChatComplaint(id string, f func(*WeChatComplaint)) bool {
	return update(s, s.wx, id, func(st *wxState) {
		c := cloneWeChat(st.c)
		f(&c)
		c.ComplaintID = id
		st.c = c
	})
}

// History returns a WeChat complaint's negotiation history, oldest first.
func (s *Server) History(id string) []HistoryEntry {
	out, _ := read(s, s.wx, id, func(st *wxState) []HistoryEntry {
		out := make([]HistoryEntry, len(st.history))
		for i, h := range st.history {
			out[i] = cloneHistory(h)
		}
		return out
	})
	return out
}

// AddHistory appends an entry to a WeChat complaint's history (a buyer's
// message, a platform note) and reports whether the complaint exists.
func (s *Server) AddHistory(id string, h HistoryEntry) bool {
	h = s.fillHistory(cloneHistory(h))
	return update(s, s.wx, id, func(st *wxState) { st.history = append(st.history, h) })
}

// RefundDecisions returns the refund decisions accepted for a WeChat
// complaint, oldest first.
func (s *Server) RefundDecisions(id string) []RefundDecision {
	out, _ := read(s, s.wx, id, func(st *wxState) []RefundDecision {
		out := slices.Clone(st.refunds)
		for i := range out {
			out[i].RejectMediaList = slices.Clone(out[i].RejectMediaList)
		}
		return out
	})
	return out
}

// AddAlipayComplaint stores c, replacing a complaint with the same id, and
// returns it as stored, defaults filled in (see AlipayComplaint).
func (s *Server) AddAlipayComplaint(c AlipayComplaint) AlipayComplaint {
	c = cloneAlipay(c)
	if c.GmtComplain.IsZero() {
		c.GmtComplain = s.now()
	}
	c.GmtComplain = c.GmtComplain.Truncate(time.Second)
	if c.ID == "" {
		c.ID = "2" + randomDigits(15)
	}
	if c.CusID == "" {
		c.CusID = s.cfg.cusID
	}
	if c.TaskID == "" {
		c.TaskID = "TK" + randomDigits(14)
	}
	if c.Status == "" {
		c.Status = alipayStatusWaitProcess
		if c.StatusDescription == "" {
			c.StatusDescription = alipayDefaultStatusDescr
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ali[c.ID] = &aliState{c: c}
	return cloneAlipay(c)
}

// AlipayComplaint returns a copy of a stored Alipay complaint.
func (s *Server) AlipayComplaint(id string) (AlipayComplaint, bool) {
	return read(s, s.ali, id, func(st *aliState) AlipayComplaint { return cloneAlipay(st.c) })
}

// UpdateAlipayComplaint changes a stored Alipay complaint in place (the id
// cannot change) and reports whether it exists.
func (s *Server) UpdateAlipayComplaint(id string, f func(*AlipayComplaint)) bool {
	return update(s, s.ali, id, func(st *aliState) {
		c := cloneAlipay(st.c)
		f(&c)
		c.ID = id
		st.c = c
	})
}

// AddTransactionComplaint stores a complaint order for wxcomplaintorderdetail
// and returns it as stored, defaults filled in.
func (s *Server) AddTransactionComplaint(c TransactionComplaint) TransactionComplaint {
	c.MediaIDList = slices.Clone(c.MediaIDList)
	if c.ComplaintOrderID == "" {
		c.ComplaintOrderID = randomDigits(20)
	}
	if c.CusID == "" {
		c.CusID = s.cfg.cusID
	}
	if c.CreateTime.IsZero() {
		c.CreateTime = s.now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := c
	s.orders[c.ComplaintOrderID] = &cp
	return c
}

// AddImage stores image bytes under a WeChat media id, as if WeChat held
// them, and returns the full media URL complaints and history carry
// (https://api.mch.weixin.qq.com/v3/merchant-service/images/<escaped id>),
// which wxgetmerchantimage serves. An empty id is generated.
func (s *Server) AddImage(mediaID string, data []byte) string {
	if mediaID == "" {
		mediaID = newMediaID()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images[mediaID] = slices.Clone(data)
	return ImageURL(mediaID)
}

// Image returns the bytes stored under a WeChat media id (uploaded with
// wxmerchantimageupload or added with AddImage).
func (s *Server) Image(mediaID string) ([]byte, bool) { return s.blob(s.images, mediaID) }

// blob returns a copy of m[k] under the lock.
func (s *Server) blob(m map[string][]byte, k string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := m[k]
	return slices.Clone(b), ok
}

// AlipayFile returns the bytes uploaded with alicomplaintfileupload under a
// file_key.
func (s *Server) AlipayFile(fileKey string) ([]byte, bool) { return s.blob(s.aliFiles, fileKey) }

// ImageURL is the WeChat media URL of a media id, escaped as WeChat escapes
// ids ("/" as %2F, "=" as %3D).
func ImageURL(mediaID string) string { return wechatImageURLPrefix + url.QueryEscape(mediaID) }

// mediaIDOf returns the media id an image URL names, or "" when it is not a
// WeChat media URL.
func mediaIDOf(imgURL string) string {
	esc, ok := strings.CutPrefix(imgURL, wechatImageURLPrefix)
	if !ok || esc == "" || strings.ContainsAny(esc, "/?#") {
		return ""
	}
	id, err := url.QueryUnescape(esc)
	if err != nil {
		return ""
	}
	return id
}

// newMediaID returns an id shaped like WeChat's media ids: Base64 text with
// "/" and "=" in it.
func newMediaID() string {
	return fmt.Sprintf("ChsyMDAyMDE4%s/%s==", randomDigits(16), randomDigits(12))
}
