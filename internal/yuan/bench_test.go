package yuan

import (
	"math/big"
	"strconv"
	"testing"
)

var benchAmounts = []string{"12.30", "0.05", "100000.00", "99999999.99", "7"}

// BenchmarkParseFen against two floors from the standard library:
// strconv.ParseFloat (fast and inexact, which is why it is not used) and
// math/big.Rat (exact, the stdlib way to do this right; it also accepts
// exponents, signs and fractions, which would need a grammar check on top).
func BenchmarkParseFen(b *testing.B) {
	b.Run("ParseFen", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := ParseFen(benchAmounts[i%len(benchAmounts)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor=strconv.ParseFloat", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := strconv.ParseFloat(benchAmounts[i%len(benchAmounts)], 64); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stdlib=big.Rat", func(b *testing.B) {
		b.ReportAllocs()
		hundred := big.NewRat(100, 1)
		for i := 0; b.Loop(); i++ {
			r, ok := new(big.Rat).SetString(benchAmounts[i%len(benchAmounts)])
			if !ok {
				b.Fatal("rat")
			}
			r.Mul(r, hundred)
			if !r.IsInt() || !r.Num().IsInt64() {
				b.Fatal("not fen")
			}
		}
	})
}
