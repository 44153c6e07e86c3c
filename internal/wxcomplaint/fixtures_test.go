package wxcomplaint

import "github.com/tousu-go/tousu/internal/wxcomplaint/wxcomplainttest"

// Shared fixtures (see wxcomplainttest), under short names.
var (
	mainlandComplaintJSON = wxcomplainttest.MainlandComplaint
	globalComplaintJSON   = wxcomplainttest.GlobalComplaint
	historyItem           = wxcomplainttest.HistoryItem
	page                  = wxcomplainttest.Page
)

const phpMediaID = wxcomplainttest.PHPMediaID
