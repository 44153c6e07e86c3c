package complaint

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// DeriveEventID returns an event id for a notification that carries none (畅想,
// Allinpay's form notifications), from the verified fields that define the
// change it reports.
//
// The rule: each field is written as its length in bytes in decimal, a colon
// and the field itself; the SHA-256 of the concatenation, its first 16 bytes
// in lower-case hex, is the id. The length prefixes make the encoding
// unambiguous ("ab","c" and "a","bc" differ), and the same fields always give
// the same id, in any process.
//
// Pass what changes when the complaint changes, in a fixed order: the
// complaint's id and the fields a later notification of the same complaint
// sets or alters (its type or state, the refund amount and time, the close
// time). Leave out what differs between deliveries of one notification (a
// delivery time, a nonce, the signature). Then a redelivery has the same id
// and is de-duplicated, while a refund or a close of the same complaint has a
// new id and reaches the sink.
func DeriveEventID(fields ...string) string {
	h := sha256.New()
	var num [20]byte
	for _, f := range fields {
		h.Write(strconv.AppendInt(num[:0], int64(len(f)), 10))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}
