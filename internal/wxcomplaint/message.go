package wxcomplaint

import "time"

// Rich messages: the body of response-immediate-service, and a history item's
// normal_message.

// SenderIdentity is NormalMessage.sender_identity.
type SenderIdentity string

// Sender identities.
const (
	SenderUnknown SenderIdentity = "UNKNOWN"
	SenderManual  SenderIdentity = "MANUAL"  // a person
	SenderMachine SenderIdentity = "MACHINE" // a bot
)

// BlockType is a message block's type.
type BlockType string

// Block types.
const (
	BlockText        BlockType = "TEXT"
	BlockImage       BlockType = "IMAGE"
	BlockLink        BlockType = "LINK"
	BlockFAQList     BlockType = "FAQ_LIST"
	BlockButton      BlockType = "BUTTON"
	BlockButtonGroup BlockType = "BUTTON_GROUP"
)

// TextColor is a text block's color.
type TextColor string

// Text colors.
const (
	TextColorDefault   TextColor = "DEFAULT"
	TextColorSecondary TextColor = "SECONDARY"
)

// ImageStyleType is an image block's image_style_type.
type ImageStyleType string

// Image styles.
const (
	ImageStyleNarrow ImageStyleType = "IMAGE_STYLE_TYPE_NARROW"
	ImageStyleWide   ImageStyleType = "IMAGE_STYLE_TYPE_WIDE"
)

// ButtonLayout is a button group's button_layout.
type ButtonLayout string

// Button layouts.
const (
	LayoutUnknown    ButtonLayout = "LAYOUT_UNKNOWN"
	LayoutHorizontal ButtonLayout = "LAYOUT_HORIZONTAL"
	LayoutVertical   ButtonLayout = "LAYOUT_VERTICAL"
)

// MessageActionType is MessageAction.action_type (what a link or button does).
type MessageActionType string

// Message action types.
const (
	MessageActionSendMessage     MessageActionType = "ACTION_TYPE_SEND_MESSAGE"
	MessageActionJumpURL         MessageActionType = "ACTION_TYPE_JUMP_URL"
	MessageActionJumpMiniProgram MessageActionType = "ACTION_TYPE_JUMP_MINI_PROGRAM"
)

// MiniProgramJumpInfo points at a mini program page.
type MiniProgramJumpInfo struct {
	AppID string `json:"appid"`
	Path  string `json:"path"`
	Text  string `json:"text"`
}

// MessageInfo is the message a SEND_MESSAGE action sends.
type MessageInfo struct {
	Content    string `json:"content"`
	CustomData string `json:"custom_data,omitempty"`
}

// MessageAction is what a link, button or FAQ does when clicked.
type MessageAction struct {
	ActionType          MessageActionType    `json:"action_type"`
	JumpURL             string               `json:"jump_url,omitempty"`
	MiniProgramJumpInfo *MiniProgramJumpInfo `json:"mini_program_jump_info,omitempty"`
	MessageInfo         *MessageInfo         `json:"message_info,omitempty"`
	ActionID            string               `json:"action_id,omitempty"`
}

// InvalidInfo says when a clickable element expires. Both fields are
// optional; multi_clickable is sent only when true, as WeChat and the fake
// server leave a false optional boolean out.
type InvalidInfo struct {
	ExpiredTime    time.Time `json:"expired_time,omitzero"`
	MultiClickable bool      `json:"multi_clickable,omitempty"`
}

// TextBlock is a TEXT block's text.
type TextBlock struct {
	Text   string    `json:"text"`
	Color  TextColor `json:"color,omitempty"`
	IsBold bool      `json:"is_bold,omitempty"`
}

// ImageBlock is an IMAGE block's image.
type ImageBlock struct {
	MediaID        string         `json:"media_id"`
	ImageStyleType ImageStyleType `json:"image_style_type,omitempty"`
}

// LinkBlock is a LINK block's link.
type LinkBlock struct {
	Text        string        `json:"text"`
	Action      MessageAction `json:"action"`
	InvalidInfo *InvalidInfo  `json:"invalid_info,omitempty"`
}

// FAQ is one question of a FAQ_LIST block.
type FAQ struct {
	FAQID    string        `json:"faq_id"`
	FAQTitle string        `json:"faq_title"`
	Action   MessageAction `json:"action"`
}

// FAQListBlock is a FAQ_LIST block's faq_list.
type FAQListBlock struct {
	FAQs []FAQ `json:"faqs"`
}

// Button is a BUTTON block's button, or one button of a group.
type Button struct {
	Text        string        `json:"text"`
	Action      MessageAction `json:"action"`
	InvalidInfo *InvalidInfo  `json:"invalid_info,omitempty"`
}

// ButtonGroup is a BUTTON_GROUP block's button_group.
type ButtonGroup struct {
	Buttons      []Button     `json:"buttons"`
	ButtonLayout ButtonLayout `json:"button_layout,omitempty"`
	InvalidInfo  *InvalidInfo `json:"invalid_info,omitempty"`
}

// MessageBlock is one block of a NormalMessage; the field matching Type is set.
type MessageBlock struct {
	Type        BlockType     `json:"type"`
	Text        *TextBlock    `json:"text,omitempty"`
	Image       *ImageBlock   `json:"image,omitempty"`
	Link        *LinkBlock    `json:"link,omitempty"`
	FAQList     *FAQListBlock `json:"faq_list,omitempty"`
	Button      *Button       `json:"button,omitempty"`
	ButtonGroup *ButtonGroup  `json:"button_group,omitempty"`
}

// NormalMessage is a rich message (endpoint response-immediate-service, and
// history normal_message). SenderIdentity sits inside the message.
type NormalMessage struct {
	Blocks         []MessageBlock `json:"blocks"`
	SenderIdentity SenderIdentity `json:"sender_identity,omitempty"`
	CustomData     string         `json:"custom_data,omitempty"`
}
