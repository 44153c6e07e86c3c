package sm2_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
	"github.com/tousu-go/tousu/signing/sm2"
)

// Fuzz targets for every decoder and verifier of this package. Each checks that
// bad input gives an error of the documented kind and never a panic; the seeds
// are every key and signature under signing/testdata plus edge cases, and the
// saved inputs under testdata/fuzz/<target>. Run one with, for example,
//
//	go test ./signing/sm2/ -run '^$' -fuzz '^FuzzParsePrivateKey$' -fuzztime 20s

func FuzzParsePrivateKey(f *testing.F) {
	vectors.KeySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := sm2.ParsePrivateKey(data)
		vectors.CheckErr(t, err, signing.ErrKeyInvalid)
		if err != nil {
			return
		}
		// Loaded keys sign, verify, and survive a marshal round trip.
		sig, err := sm2.Sign(k, []byte("u"), data, sm2.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := sm2.Verify(k.Public(), []byte("u"), data, sig, sm2.Raw); err != nil {
			t.Fatal(err)
		}
		der, err := sm2.MarshalPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := sm2.ParsePrivateKey([]byte(signing.EncodeBase64(der)))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		a, _ := sm2.MarshalPublicKey(k.Public())
		b, _ := sm2.MarshalPublicKey(k2.Public())
		if !bytes.Equal(a, b) {
			t.Fatal("round trip changed the key")
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	vectors.KeySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := sm2.ParsePublicKey(data)
		vectors.CheckErr(t, err, signing.ErrKeyInvalid)
		if err != nil {
			return
		}
		der, err := sm2.MarshalPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sm2.ParsePublicKey(der); err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if err := sm2.Verify(k, []byte("u"), data, make([]byte, 64), sm2.Raw); err == nil {
			t.Fatal("zero signature verified")
		}
	})
}

func FuzzVerify(f *testing.F) {
	pub, err := sm2.ParsePublicKey(vectors.Read(f, "published/allinpay_sm2_tl_test_pub.b64"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("返回待验签数据"), vectors.Base64(f, "AovBKQGUe0xuJ0ox7FgIIX+yB3DzbudgUsnNvJmDV0IdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA=="), false)
	raw := vectors.Base64(f, "AovBKQGUe0xuJ0ox7FgIIX+yB3DzbudgUsnNvJmDV0IdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA==")
	der, _ := sm2.RawToDER(raw)
	f.Add([]byte("返回待验签数据"), der, true)
	f.Add([]byte(""), []byte{}, true)
	f.Add([]byte(""), make([]byte, 64), false)
	f.Add([]byte("m"), bytes.Repeat([]byte{0xff}, 64), false)
	f.Add([]byte("m"), []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, true)
	f.Fuzz(func(t *testing.T, msg, sig []byte, isDER bool) {
		enc := sm2.Raw
		if isDER {
			enc = sm2.DER
		}
		err := sm2.Verify(pub, []byte("Allinpay"), msg, sig, enc)
		vectors.CheckErr(t, err, signing.ErrSignatureInvalid)
		if err == nil && string(msg) != "返回待验签数据" {
			t.Fatalf("forged signature verified: msg %q sig %x", msg, sig)
		}
	})
}

func FuzzDERToRaw(f *testing.F) {
	f.Add(vectors.ReadBase64(f, "openssl/msg_sm2.uid_Allinpay.der.b64"))
	f.Add(vectors.ReadBase64(f, "openssl/msg_sm2.uid_00000051.der.b64"))
	f.Add([]byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01})
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, der []byte) {
		raw, err := sm2.DERToRaw(der)
		if err != nil {
			if !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(raw) != 64 {
			t.Fatalf("raw has %d bytes", len(raw))
		}
		// raw → DER → raw is the identity.
		back, err := sm2.RawToDER(raw)
		if err != nil {
			t.Fatal(err)
		}
		raw2, err := sm2.DERToRaw(back)
		if err != nil || !bytes.Equal(raw, raw2) {
			t.Fatalf("round trip: %x vs %x (%v)", raw, raw2, err)
		}
	})
}
