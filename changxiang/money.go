package changxiang

import (
	"errors"
	"fmt"

	"github.com/tousu-go/tousu/internal/yuan"
)

// ErrAmount is what ParseYuan answers for text that is not an exact,
// non-negative amount in yuan. Notifications carrying such an amount are
// rejected with an error that matches both ErrAmount and
// complaint.ErrMalformedNotification.
var ErrAmount = errors.New("changxiang: not an exact amount in yuan")

// ParseYuan reads a decimal amount in yuan, as the platform writes money
// ("12.50", "100000.00", a JSON number 12.5 as its text "12.5"), into fen,
// exactly: the digits are read as integers, never through a float, so
// 100000.01 is 10000001 fen. Digits after the second decimal must be zeros
// ("1.500" is 150; "1.005" is not a whole number of fen). A sign, exponent,
// spaces, a lone or trailing point and amounts beyond int64 fen are errors
// matching ErrAmount (the reason follows it in the text, never the amount).
// It is exported for the amounts users read themselves, such as
// PaymentNotification.TotalFee; every provider of the module reads yuan with
// the same rules.
func ParseYuan(s string) (int64, error) {
	fen, err := yuan.ParseFen(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrAmount, err)
	}
	return fen, nil
}
