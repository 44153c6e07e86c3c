package sm2_test

import (
	"crypto/rand"
	"math/big"
	"testing"

	gmsm "github.com/tjfoc/gmsm/sm2"

	"github.com/tousu-go/tousu/signing/internal/vectors"
	"github.com/tousu-go/tousu/signing/sm2"
)

// Benchmarks pair each wrapper with the bare tjfoc/gmsm primitive it wraps, so
// the cost of the wrapper (user-id and range checks, the r‖s encoding) is
// visible as a ratio: go test ./signing/sm2/ -run '^$' -bench . -benchmem

// benchMsg is an Allinpay request string, what SM2 signs in practice.
var benchMsg = []byte("appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=SM2&trxid=112094120001088317&version=11")

var benchUID = []byte("00000051")

func benchKeys(b *testing.B) (*sm2.PrivateKey, *gmsm.PrivateKey) {
	k, err := sm2.ParsePrivateKey(vectors.ReadBase64(b, "openssl/sm2_pkcs8.b64"))
	if err != nil {
		b.Fatal(err)
	}
	// The bare primitive gets its own key on the same curve; cost does not
	// depend on which key.
	g, err := gmsm.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return k, g
}

func BenchmarkSign(b *testing.B) {
	k, _ := benchKeys(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sm2.Sign(k, benchUID, benchMsg, sm2.Raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareSm2Sign(b *testing.B) {
	_, g := benchKeys(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := gmsm.Sm2Sign(g, benchMsg, benchUID, rand.Reader); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	k, _ := benchKeys(b)
	sig, _ := sm2.Sign(k, benchUID, benchMsg, sm2.Raw)
	pub := k.Public()
	b.ReportAllocs()
	for b.Loop() {
		if err := sm2.Verify(pub, benchUID, benchMsg, sig, sm2.Raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareSm2Verify(b *testing.B) {
	_, g := benchKeys(b)
	r, s, _ := gmsm.Sm2Sign(g, benchMsg, benchUID, rand.Reader)
	b.ReportAllocs()
	for b.Loop() {
		// Like the wrapper's raw form: split 64 bytes into r and s.
		rr, ss := new(big.Int).Set(r), new(big.Int).Set(s)
		if !gmsm.Sm2Verify(&g.PublicKey, benchMsg, benchUID, rr, ss) {
			b.Fatal("verify")
		}
	}
}
