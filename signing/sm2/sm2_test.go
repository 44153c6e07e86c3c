package sm2_test

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

func TestRoundTripsAndUID(t *testing.T) {
	priv, err := sm2.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("appid=00000051&randomstr=1&signtype=SM2")
	uid := []byte("00000051")
	for _, enc := range []sm2.Encoding{sm2.Raw, sm2.DER} {
		s := sm2.Signer{Key: priv, UID: uid, Encoding: enc}
		v := sm2.Verifier{Key: priv.Public(), UID: uid, Encoding: enc}
		sig, err := s.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if enc == sm2.Raw && len(sig) != 64 {
			t.Fatalf("raw signature has %d bytes", len(sig))
		}
		if err := v.Verify(msg, sig); err != nil {
			t.Fatalf("enc %d: %v", enc, err)
		}
		sig2, _ := s.Sign(msg)
		if bytes.Equal(sig, sig2) {
			t.Error("SM2 signatures should be randomised")
		}
		if err := v.Verify(append(bytes.Clone(msg), '&'), sig); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("tampered message: %v", err)
		}
		bad := bytes.Clone(sig)
		bad[len(bad)-1] ^= 1
		if err := v.Verify(msg, bad); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("tampered signature: %v", err)
		}
		for _, wrong := range [][]byte{sm2.DefaultUID, []byte("Allinpay"), []byte("00000052")} {
			if err := sm2.Verify(priv.Public(), wrong, msg, sig, enc); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Errorf("uid %q: %v", wrong, err)
			}
		}
		// Empty uid: never the silent default.
		if _, err := sm2.Sign(priv, nil, msg, enc); !errors.Is(err, sm2.ErrNoUID) {
			t.Errorf("sign with nil uid: %v", err)
		}
		if _, err := sm2.Sign(priv, []byte{}, msg, enc); !errors.Is(err, sm2.ErrNoUID) {
			t.Errorf("sign with empty uid: %v", err)
		}
		if err := sm2.Verify(priv.Public(), nil, msg, sig, enc); !errors.Is(err, sm2.ErrNoUID) {
			t.Errorf("verify with empty uid: %v", err)
		}
		// Oversized uid is an error, not a wrapped-around length.
		if _, err := sm2.Sign(priv, make([]byte, sm2.MaxUIDLen+1), msg, enc); err == nil {
			t.Error("oversized uid accepted")
		}
	}
	// An explicit default uid works where really meant.
	sig, err := sm2.Sign(priv, sm2.DefaultUID, msg, sm2.DER)
	if err != nil {
		t.Fatal(err)
	}
	if err := sm2.Verify(priv.Public(), sm2.DefaultUID, msg, sig, sm2.DER); err != nil {
		t.Fatal(err)
	}
	if _, err := sm2.Sign(priv, uid, msg, sm2.Encoding(9)); err == nil {
		t.Error("unknown encoding accepted")
	}
	if err := sm2.Verify(priv.Public(), uid, msg, sig, sm2.Encoding(9)); err == nil {
		t.Error("unknown encoding accepted")
	}
	if _, err := sm2.Sign(nil, uid, msg, sm2.Raw); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if err := sm2.Verify(nil, uid, msg, sig, sm2.Raw); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
}

// TestRawLeadingZero signs until r or s has a leading zero byte, then checks
// the raw form is still 64 bytes (left-padded) and verifies, and that its DER
// form is shorter (DER drops the zero).
func TestRawLeadingZero(t *testing.T) {
	priv := opensslKey(t)
	uid := []byte("Allinpay")
	found := false
	for i := 0; i < 4000 && !found; i++ {
		msg := []byte{byte(i), byte(i >> 8)}
		sig, err := sm2.Sign(priv, uid, msg, sm2.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 64 {
			t.Fatalf("raw signature has %d bytes", len(sig))
		}
		if sig[0] != 0 && sig[32] != 0 {
			continue
		}
		found = true
		if err := sm2.Verify(priv.Public(), uid, msg, sig, sm2.Raw); err != nil {
			t.Fatalf("leading-zero signature rejected: %v", err)
		}
		der, err := sm2.RawToDER(sig)
		if err != nil {
			t.Fatal(err)
		}
		var v struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &v); err != nil {
			t.Fatal(err)
		}
		if (sig[0] == 0 && v.R.BitLen() > 248) || (sig[32] == 0 && v.S.BitLen() > 248) {
			t.Fatal("leading zero lost")
		}
		back, err := sm2.DERToRaw(der)
		if err != nil || !bytes.Equal(back, sig) {
			t.Fatal("DER→raw did not restore the padding")
		}
	}
	if !found {
		t.Fatal("no leading-zero signature in 4000 tries (expected about 1 in 128)")
	}
	// Constructed: r = 1 (31 zero bytes) through DERToRaw.
	der, _ := asn1.Marshal(struct{ R, S *big.Int }{big.NewInt(1), big.NewInt(0x0102)})
	raw, err := sm2.DERToRaw(der)
	if err != nil || len(raw) != 64 || raw[31] != 1 || raw[62] != 1 || raw[63] != 2 {
		t.Fatalf("%x %v", raw, err)
	}
}

func TestConversionRejects(t *testing.T) {
	for name, der := range map[string][]byte{
		"empty":    nil,
		"garbage":  []byte("not der"),
		"trailing": append(mustMarshal(t, big.NewInt(1), big.NewInt(1)), 0),
		"negative": mustMarshal(t, big.NewInt(-1), big.NewInt(1)),
		"too big":  mustMarshal(t, new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)),
	} {
		if _, err := sm2.DERToRaw(der); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, n := range []int{0, 63, 65} {
		if _, err := sm2.RawToDER(make([]byte, n)); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("raw of %d bytes: %v", n, err)
		}
	}
	// r or s zero, or >= n, never verify.
	pub := opensslKey(t).Public()
	n, _ := new(big.Int).SetString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
	for name, rs := range map[string][2]*big.Int{
		"zero r": {big.NewInt(0), big.NewInt(1)}, "zero s": {big.NewInt(1), big.NewInt(0)},
		"r = n": {n, big.NewInt(1)}, "s = n": {big.NewInt(1), n},
	} {
		if err := sm2.Verify(pub, []byte("u"), nil, mustMarshal(t, rs[0], rs[1]), sm2.DER); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s: %v", name, err)
		}
		raw := make([]byte, 64)
		rs[0].FillBytes(raw[:32])
		rs[1].FillBytes(raw[32:])
		if err := sm2.Verify(pub, []byte("u"), nil, raw, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s raw: %v", name, err)
		}
	}
}

func mustMarshal(t *testing.T, r, s *big.Int) []byte {
	t.Helper()
	b, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
