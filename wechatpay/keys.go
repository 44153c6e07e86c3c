package wechatpay

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
	"github.com/tousu-go/tousu/signing"
)

// certificateAlgorithmRSA is the algorithm_type the client asks
// /v3/certificates for (it also takes SM2 and ALL; this package verifies RSA
// only).
const certificateAlgorithmRSA = "RSA"

// Certificate is one entry of /v3/certificates data[].
type Certificate struct {
	SerialNo           string            `json:"serial_no"`
	EffectiveTime      time.Time         `json:"effective_time"`
	ExpireTime         time.Time         `json:"expire_time"`
	EncryptCertificate EncryptedResource `json:"encrypt_certificate"`
}

// CertificatesResponse is the /v3/certificates (and /v3/global/certificates)
// answer.
type CertificatesResponse struct {
	Data []Certificate `json:"data"`
}

// CertificateSerial returns a certificate's serial the way WeChat writes it:
// upper-case hex of the serial's bytes, so leading zero nibbles are kept
// (fmt's %X would drop them).
func CertificateSerial(cert *x509.Certificate) string {
	if cert == nil || cert.SerialNumber == nil {
		return ""
	}
	return strings.ToUpper(hex.EncodeToString(cert.SerialNumber.Bytes()))
}

type ringKey struct {
	pub      *rsa.PublicKey
	notAfter time.Time // zero: never expires (public key, explicit keys)
	from     time.Time // certificate effective time, for "newest"
	cert     bool
}

// keyRing holds every verification key by serial: platform certificates and
// the public key side by side, for the grey switch. Safe for concurrent use.
type keyRing struct {
	mu     sync.RWMutex
	keys   map[string]ringKey
	newest string

	// download serialises certificate downloads; lastTry throttles the
	// on-demand re-download an unknown serial triggers, so a flood of forged
	// callbacks with random serials cannot turn into a flood of downloads.
	download sync.Mutex
	lastTry  time.Time
}

// redownloadWait is the least time between two downloads that unknown
// serials trigger.
const redownloadWait = time.Minute

func newKeyRing() *keyRing { return &keyRing{keys: map[string]ringKey{}} }

func (r *keyRing) add(serial string, pub *rsa.PublicKey, from, notAfter time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(serial, pub, from, notAfter)
}

func (r *keyRing) addLocked(serial string, pub *rsa.PublicKey, from, notAfter time.Time) {
	isCert := !strings.HasPrefix(serial, PublicKeyIDPrefix) && !notAfter.IsZero()
	r.keys[serial] = ringKey{pub: pub, notAfter: notAfter, from: from, cert: isCert}
	// The newest certificate (latest effective time; ties broken by serial for
	// determinism) is the default request serial in certificate mode.
	r.newest = ""
	var best ringKey
	for s, k := range r.keys {
		if !k.cert {
			continue
		}
		if r.newest == "" || k.from.After(best.from) || (k.from.Equal(best.from) && s > r.newest) {
			r.newest, best = s, k
		}
	}
}

func (r *keyRing) get(serial string, now time.Time) (*rsa.PublicKey, bool) {
	r.mu.RLock()
	k, ok := r.keys[serial]
	r.mu.RUnlock()
	if !ok || (!k.notAfter.IsZero() && now.After(k.notAfter)) {
		return nil, false
	}
	return k.pub, true
}

func (r *keyRing) newestCertSerial() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.newest
}

func (r *keyRing) serials() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.keys))
	for s := range r.keys {
		out = append(out, s)
	}
	return out
}

// KeySerials lists the serials of every verification key the client holds
// (platform certificates and the public key id), in no particular order.
func (c *Client) KeySerials() []string { return c.ring.serials() }

// AddPlatformKey adds a verification key at run time (a certificate the
// caller fetched elsewhere). It is safe to call concurrently with requests.
func (c *Client) AddPlatformKey(serial string, pub *rsa.PublicKey) error {
	if serial == "" || pub == nil || pub.N == nil {
		return fmt.Errorf("%w: platform key needs a serial and a key", signing.ErrKeyInvalid)
	}
	c.ring.add(serial, pub, time.Time{}, time.Time{})
	return nil
}

// ErrDownloadDisabled is returned by RefreshCertificates on a client built
// without WithCertificateDownload.
var ErrDownloadDisabled = errors.New("wechatpay: certificate download not enabled")

// RefreshCertificates downloads the platform certificates, decrypts them with
// the APIv3 key and adds every valid one to the key ring (keys already held
// stay). It returns the serials downloaded. Merchants in public-key mode get a
// 404 RESOURCE_NOT_EXISTS here (errors.Is(err, complaint.ErrNotFound)).
func (c *Client) RefreshCertificates(ctx context.Context) ([]string, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if !c.download {
		return nil, ErrDownloadDisabled
	}
	c.ring.download.Lock()
	defer c.ring.download.Unlock()
	return c.refreshLocked(ctx)
}

func (c *Client) refreshLocked(ctx context.Context) ([]string, error) {
	c.ring.lastTry = c.now()
	path := c.certificatesPath()
	if c.region == RegionMainland {
		// /v3/certificates takes algorithm_type (RSA, SM2, ALL); the global
		// /v3/global/certificates documents no query at all.
		path += "?algorithm_type=" + certificateAlgorithmRSA
	}
	resp, err := c.do(ctx, http.MethodGet, path, nil, nil, verifyNone)
	if err != nil {
		return nil, err
	}
	var page CertificatesResponse
	if err := wxcomplaint.Unmarshal(resp.Body, &page); err != nil { // "" times are zero
		return nil, fmt.Errorf("wechatpay: decoding certificates: %w", err)
	}
	now := c.now()
	type dl struct {
		serial string
		cert   *x509.Certificate
		c      Certificate
	}
	var got []dl
	for _, pc := range page.Data {
		cert, err := c.decryptCertificate(pc)
		if err != nil {
			return nil, err
		}
		if !pc.ExpireTime.IsZero() && now.After(pc.ExpireTime) {
			continue
		}
		if now.After(cert.NotAfter) {
			continue
		}
		got = append(got, dl{serial: pc.SerialNo, cert: cert, c: pc})
	}
	// The first download cannot be checked with a key we already hold: accept
	// a signature by one of the certificates just downloaded (the TLS channel
	// is the trust anchor there), or by any key already in the ring.
	serial := resp.Header.Get(hdrSerial)
	pub, ok := c.ring.get(serial, now)
	if !ok {
		for _, d := range got {
			if d.serial == serial {
				pub, ok = d.cert.PublicKey.(*rsa.PublicKey), true
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("%w: certificates response signed by unknown serial", complaint.ErrUnknownKey)
	}
	if err := c.verifyWith(pub, resp.Header, resp.Body, now); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(got))
	c.ring.mu.Lock()
	for _, d := range got {
		from := d.c.EffectiveTime
		if from.IsZero() {
			from = d.cert.NotBefore
		}
		notAfter := d.c.ExpireTime
		if notAfter.IsZero() || d.cert.NotAfter.Before(notAfter) {
			notAfter = d.cert.NotAfter
		}
		c.ring.addLocked(d.serial, d.cert.PublicKey.(*rsa.PublicKey), from, notAfter)
		out = append(out, d.serial)
	}
	c.ring.mu.Unlock()
	return out, nil
}

func (c *Client) decryptCertificate(pc Certificate) (*x509.Certificate, error) {
	ec := pc.EncryptCertificate
	if ec.Algorithm != AlgorithmAEADAES256GCM {
		return nil, fmt.Errorf("wechatpay: certificate %s uses unsupported algorithm", safeSerial(pc.SerialNo))
	}
	ct, err := base64.StdEncoding.DecodeString(ec.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: certificate ciphertext is not base64: %w", signing.ErrDecrypt)
	}
	pt, err := c.aead.Open(ct[:0], []byte(ec.Nonce), ct, []byte(ec.AssociatedData))
	if err != nil {
		return nil, fmt.Errorf("wechatpay: decrypting certificate %s: %w", safeSerial(pc.SerialNo), err)
	}
	cert, err := signing.ParseCertificate(pt)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: certificate %s: %w", safeSerial(pc.SerialNo), err)
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, fmt.Errorf("%w: certificate %s key is not rsa", signing.ErrKeyInvalid, safeSerial(pc.SerialNo))
	}
	return cert, nil
}

// RefreshCertificatesEvery refreshes the platform certificates now and then
// every interval until ctx is done or the client is closed; it blocks, so run
// it in a goroutine you own. Failed refreshes are logged and retried at the
// next tick; the keys already held stay in use. It returns ctx.Err() or nil
// after Close.
func (c *Client) RefreshCertificatesEvery(ctx context.Context, interval time.Duration) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if !c.download {
		return ErrDownloadDisabled
	}
	if interval <= 0 {
		return errors.New("wechatpay: refresh interval must be positive")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := c.RefreshCertificates(ctx); err != nil && ctx.Err() == nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay certificate refresh failed", slog.String("error", httpc.ErrorText(err)))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.closed:
			return nil
		case <-t.C:
		}
	}
}

// keyFor returns the key for serial. An unknown platform-certificate serial
// triggers at most one certificate download (when enabled, and not more often
// than once a minute); an unknown PUB_KEY_ID never does.
func (c *Client) keyFor(ctx context.Context, serial string, now time.Time, download bool) (*rsa.PublicKey, error) {
	if pub, ok := c.ring.get(serial, now); ok {
		return pub, nil
	}
	if !download || !c.download || serial == "" || strings.HasPrefix(serial, PublicKeyIDPrefix) {
		return nil, fmt.Errorf("%w: %s", complaint.ErrUnknownKey, safeSerial(serial))
	}
	c.ring.download.Lock()
	defer c.ring.download.Unlock()
	if pub, ok := c.ring.get(serial, now); ok { // someone else downloaded it
		return pub, nil
	}
	if last := c.ring.lastTry; !last.IsZero() && now.Sub(last) < redownloadWait && now.Sub(last) >= 0 {
		return nil, fmt.Errorf("%w: %s (certificates refreshed recently)", complaint.ErrUnknownKey, safeSerial(serial))
	}
	if _, err := c.refreshLocked(ctx); err != nil {
		return nil, fmt.Errorf("%w: %s (certificate download failed: %w)", complaint.ErrUnknownKey, safeSerial(serial), err)
	}
	if pub, ok := c.ring.get(serial, now); ok {
		return pub, nil
	}
	return nil, fmt.Errorf("%w: %s", complaint.ErrUnknownKey, safeSerial(serial))
}

// safeSerial bounds an attacker-supplied serial before it goes into an error.
func safeSerial(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return fmt.Sprintf("serial %q", s)
}
