package wechatpaytest

import (
	"strconv"
	"time"

	"github.com/tousu-go/tousu/wechatpay"
)

// The rich message (NormalMessage) of response-immediate-service requests and
// of history normal_message, as the fact sheet §4.5 describes it. The same
// types decode the request and encode the history item; nothing in a block is
// marked required except mini_program_jump_info.appid and
// message_info.content.

type wireMessage struct {
	Blocks         []wireBlock `json:"blocks"`
	SenderIdentity string      `json:"sender_identity,omitempty"`
	CustomData     string      `json:"custom_data,omitempty"`
}

type wireBlock struct {
	Type        string           `json:"type"`
	Text        *wireText        `json:"text,omitempty"`
	Image       *wireImage       `json:"image,omitempty"`
	Link        *wireLink        `json:"link,omitempty"`
	FAQList     *wireFAQList     `json:"faq_list,omitempty"`
	Button      *wireButton      `json:"button,omitempty"`
	ButtonGroup *wireButtonGroup `json:"button_group,omitempty"`
}

type wireText struct {
	Text   string `json:"text,omitempty"`
	Color  string `json:"color,omitempty"`
	IsBold bool   `json:"is_bold,omitempty"`
}

type wireImage struct {
	MediaID        string `json:"media_id,omitempty"`
	ImageStyleType string `json:"image_style_type,omitempty"`
}

type wireLink struct {
	Text        string           `json:"text,omitempty"`
	Action      *wireAction      `json:"action,omitempty"`
	InvalidInfo *wireInvalidInfo `json:"invalid_info,omitempty"`
}

type wireFAQList struct {
	FAQs []wireFAQ `json:"faqs,omitempty"`
}

type wireFAQ struct {
	FAQID    string      `json:"faq_id,omitempty"`
	FAQTitle string      `json:"faq_title,omitempty"`
	Action   *wireAction `json:"action,omitempty"`
}

type wireButton struct {
	Text        string           `json:"text,omitempty"`
	Action      *wireAction      `json:"action,omitempty"`
	InvalidInfo *wireInvalidInfo `json:"invalid_info,omitempty"`
}

type wireButtonGroup struct {
	Buttons      []wireButton     `json:"buttons,omitempty"`
	ButtonLayout string           `json:"button_layout,omitempty"`
	InvalidInfo  *wireInvalidInfo `json:"invalid_info,omitempty"`
}

type wireAction struct {
	ActionType          string             `json:"action_type,omitempty"`
	JumpURL             string             `json:"jump_url,omitempty"`
	MiniProgramJumpInfo *actionMiniProgram `json:"mini_program_jump_info,omitempty"`
	MessageInfo         *wireMessageInfo   `json:"message_info,omitempty"`
	ActionID            string             `json:"action_id,omitempty"`
}

// actionMiniProgram is an action's mini program target: only appid is
// required (the reply's mini_program_jump_info requires all three).
type actionMiniProgram struct {
	AppID string `json:"appid"`
	Path  string `json:"path,omitempty"`
	Text  string `json:"text,omitempty"`
}

type wireMessageInfo struct {
	Content    string `json:"content"`
	CustomData string `json:"custom_data,omitempty"`
}

type wireInvalidInfo struct {
	ExpiredTime    wireSecond `json:"expired_time,omitzero"`
	MultiClickable bool       `json:"multi_clickable,omitempty"`
}

// Block and action types the server checks (fact sheet §6).
const (
	blockText        = "TEXT"
	blockImage       = "IMAGE"
	blockLink        = "LINK"
	blockFAQList     = "FAQ_LIST"
	blockButton      = "BUTTON"
	blockButtonGroup = "BUTTON_GROUP"

	actionSendMessage     = "ACTION_TYPE_SEND_MESSAGE"
	actionJumpURL         = "ACTION_TYPE_JUMP_URL"
	actionJumpMiniProgram = "ACTION_TYPE_JUMP_MINI_PROGRAM"
)

// checkMessage validates a rich message: at least one block, each block
// carrying the field its type names, texts within the character rule, images
// uploaded, jump URLs https, required nested fields present.
func (s *Server) checkMessage(m *wireMessage) *response {
	if len(m.Blocks) == 0 {
		return paramError("message.blocks", "不能为空")
	}
	for i := range m.Blocks {
		if bad := s.checkBlock("message.blocks["+strconv.Itoa(i)+"]", &m.Blocks[i]); bad != nil {
			return bad
		}
	}
	return nil
}

func (s *Server) checkBlock(f string, b *wireBlock) *response {
	switch b.Type {
	case blockText:
		if b.Text == nil || b.Text.Text == "" {
			return paramError(f+".text", "不能为空")
		}
		return checkText(f+".text.text", b.Text.Text, 0)
	case blockImage:
		if b.Image == nil || b.Image.MediaID == "" {
			return paramError(f+".image", "不能为空")
		}
		return s.checkMedia(f+".image.media_id", []string{b.Image.MediaID})
	case blockLink:
		if b.Link == nil || b.Link.Text == "" {
			return paramError(f+".link", "不能为空")
		}
		return checkAction(f+".link.action", b.Link.Action)
	case blockFAQList:
		if b.FAQList == nil || len(b.FAQList.FAQs) == 0 {
			return paramError(f+".faq_list", "不能为空")
		}
		for j, q := range b.FAQList.FAQs {
			if bad := checkAction(f+".faq_list.faqs["+strconv.Itoa(j)+"].action", q.Action); bad != nil {
				return bad
			}
		}
	case blockButton:
		if b.Button == nil || b.Button.Text == "" {
			return paramError(f+".button", "不能为空")
		}
		return checkAction(f+".button.action", b.Button.Action)
	case blockButtonGroup:
		if b.ButtonGroup == nil || len(b.ButtonGroup.Buttons) == 0 {
			return paramError(f+".button_group", "不能为空")
		}
		for j, btn := range b.ButtonGroup.Buttons {
			if bad := checkAction(f+".button_group.buttons["+strconv.Itoa(j)+"].action", btn.Action); bad != nil {
				return bad
			}
		}
	case "":
		return paramError(f+".type", "不能为空")
	}
	return nil
}

func checkAction(f string, a *wireAction) *response {
	if a == nil {
		return paramError(f, "不能为空")
	}
	switch a.ActionType {
	case actionJumpURL:
		return checkHTTPS(f+".jump_url", a.JumpURL)
	case actionJumpMiniProgram:
		if a.MiniProgramJumpInfo == nil || a.MiniProgramJumpInfo.AppID == "" {
			return paramError(f+".mini_program_jump_info.appid", "不能为空")
		}
	case actionSendMessage:
		if a.MessageInfo == nil || a.MessageInfo.Content == "" {
			return paramError(f+".message_info.content", "不能为空")
		}
	case "":
		return paramError(f+".action_type", "不能为空")
	}
	if a.MiniProgramJumpInfo != nil && a.MiniProgramJumpInfo.AppID == "" {
		return paramError(f+".mini_program_jump_info.appid", "不能为空")
	}
	if a.MessageInfo != nil && a.MessageInfo.Content == "" {
		return paramError(f+".message_info.content", "不能为空")
	}
	return nil
}

// ---------------------------------------------------------------------------
// Between the wire and the stored history (wechatpay.NormalMessage)

func messageToWire(m *wechatpay.NormalMessage) *wireMessage {
	if m == nil {
		return nil
	}
	w := &wireMessage{Blocks: []wireBlock{}, SenderIdentity: string(m.SenderIdentity), CustomData: m.CustomData}
	for _, b := range m.Blocks {
		wb := wireBlock{Type: string(b.Type)}
		if b.Text != nil {
			wb.Text = &wireText{Text: b.Text.Text, Color: string(b.Text.Color), IsBold: b.Text.IsBold}
		}
		if b.Image != nil {
			wb.Image = &wireImage{MediaID: b.Image.MediaID, ImageStyleType: string(b.Image.ImageStyleType)}
		}
		if b.Link != nil {
			wb.Link = &wireLink{Text: b.Link.Text, Action: actionToWire(b.Link.Action), InvalidInfo: invalidToWire(b.Link.InvalidInfo)}
		}
		if b.FAQList != nil {
			wb.FAQList = &wireFAQList{}
			for _, q := range b.FAQList.FAQs {
				wb.FAQList.FAQs = append(wb.FAQList.FAQs, wireFAQ{FAQID: q.FAQID, FAQTitle: q.FAQTitle, Action: actionToWire(q.Action)})
			}
		}
		if b.Button != nil {
			btn := buttonToWire(*b.Button)
			wb.Button = &btn
		}
		if g := b.ButtonGroup; g != nil {
			wb.ButtonGroup = &wireButtonGroup{ButtonLayout: string(g.ButtonLayout), InvalidInfo: invalidToWire(g.InvalidInfo)}
			for _, btn := range g.Buttons {
				wb.ButtonGroup.Buttons = append(wb.ButtonGroup.Buttons, buttonToWire(btn))
			}
		}
		w.Blocks = append(w.Blocks, wb)
	}
	return w
}

func buttonToWire(b wechatpay.Button) wireButton {
	return wireButton{Text: b.Text, Action: actionToWire(b.Action), InvalidInfo: invalidToWire(b.InvalidInfo)}
}

// actionToWire leaves out an action the seeded message did not fill.
func actionToWire(a wechatpay.MessageAction) *wireAction {
	w := &wireAction{ActionType: string(a.ActionType), JumpURL: a.JumpURL, ActionID: a.ActionID}
	if mp := a.MiniProgramJumpInfo; mp != nil {
		w.MiniProgramJumpInfo = &actionMiniProgram{AppID: mp.AppID, Path: mp.Path, Text: mp.Text}
	}
	if mi := a.MessageInfo; mi != nil {
		w.MessageInfo = &wireMessageInfo{Content: mi.Content, CustomData: mi.CustomData}
	}
	if *w == (wireAction{}) {
		return nil
	}
	return w
}

func invalidToWire(in *wechatpay.InvalidInfo) *wireInvalidInfo {
	if in == nil {
		return nil
	}
	return &wireInvalidInfo{ExpiredTime: wireSecond(in.ExpiredTime), MultiClickable: in.MultiClickable}
}

// messageFromWire is the message a request carried, as history stores it.
func messageFromWire(w *wireMessage) *wechatpay.NormalMessage {
	m := &wechatpay.NormalMessage{SenderIdentity: wechatpay.SenderIdentity(w.SenderIdentity), CustomData: w.CustomData}
	for _, b := range w.Blocks {
		mb := wechatpay.MessageBlock{Type: wechatpay.BlockType(b.Type)}
		if b.Text != nil {
			mb.Text = &wechatpay.TextBlock{Text: b.Text.Text, Color: wechatpay.TextColor(b.Text.Color), IsBold: b.Text.IsBold}
		}
		if b.Image != nil {
			mb.Image = &wechatpay.ImageBlock{MediaID: b.Image.MediaID, ImageStyleType: wechatpay.ImageStyleType(b.Image.ImageStyleType)}
		}
		if b.Link != nil {
			mb.Link = &wechatpay.LinkBlock{Text: b.Link.Text, Action: actionFromWire(b.Link.Action), InvalidInfo: invalidFromWire(b.Link.InvalidInfo)}
		}
		if b.FAQList != nil {
			mb.FAQList = &wechatpay.FAQListBlock{}
			for _, q := range b.FAQList.FAQs {
				mb.FAQList.FAQs = append(mb.FAQList.FAQs, wechatpay.FAQ{FAQID: q.FAQID, FAQTitle: q.FAQTitle, Action: actionFromWire(q.Action)})
			}
		}
		if b.Button != nil {
			btn := buttonFromWire(*b.Button)
			mb.Button = &btn
		}
		if g := b.ButtonGroup; g != nil {
			mb.ButtonGroup = &wechatpay.ButtonGroup{ButtonLayout: wechatpay.ButtonLayout(g.ButtonLayout), InvalidInfo: invalidFromWire(g.InvalidInfo)}
			for _, btn := range g.Buttons {
				mb.ButtonGroup.Buttons = append(mb.ButtonGroup.Buttons, buttonFromWire(btn))
			}
		}
		m.Blocks = append(m.Blocks, mb)
	}
	return m
}

func buttonFromWire(b wireButton) wechatpay.Button {
	return wechatpay.Button{Text: b.Text, Action: actionFromWire(b.Action), InvalidInfo: invalidFromWire(b.InvalidInfo)}
}

func actionFromWire(a *wireAction) wechatpay.MessageAction {
	if a == nil {
		return wechatpay.MessageAction{}
	}
	m := wechatpay.MessageAction{ActionType: wechatpay.MessageActionType(a.ActionType), JumpURL: a.JumpURL, ActionID: a.ActionID}
	if mp := a.MiniProgramJumpInfo; mp != nil {
		m.MiniProgramJumpInfo = &wechatpay.MiniProgramJumpInfo{AppID: mp.AppID, Path: mp.Path, Text: mp.Text}
	}
	if mi := a.MessageInfo; mi != nil {
		m.MessageInfo = &wechatpay.MessageInfo{Content: mi.Content, CustomData: mi.CustomData}
	}
	return m
}

func invalidFromWire(in *wireInvalidInfo) *wechatpay.InvalidInfo {
	if in == nil {
		return nil
	}
	return &wechatpay.InvalidInfo{ExpiredTime: time.Time(in.ExpiredTime), MultiClickable: in.MultiClickable}
}
