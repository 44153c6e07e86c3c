package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/syncbuf"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// recorder is a Sink that keeps what reached it.
type recorder struct {
	mu       sync.Mutex
	events   []got
	payments []paid
}

type paid struct {
	account string
	Payment
}

type got struct {
	account string
	ref     complaint.Ref
	kind    complaint.Kind
	state   complaint.State // from enrichment; "" when not fetched
}

func (r *recorder) HandleEvent(_ context.Context, account string, e *complaint.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	g := got{account: account, ref: e.Ref, kind: e.Kind}
	if e.Complaint != nil {
		g.state = e.Complaint.State
	}
	r.events = append(r.events, g)
	return nil
}

func (r *recorder) HandlePayment(_ context.Context, account string, p Payment) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.payments = append(r.payments, paid{account, p})
	return nil
}

func (r *recorder) take() ([]got, []paid) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, p := r.events, r.payments
	r.events, r.payments = nil, nil
	return e, p
}

// writePEM writes one PEM block to a file in dir and returns its path.
func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// weChatEnv configures account name from a fake WeChat Pay server, as a
// merchant would from the files its merchant platform hands out.
func weChatEnv(t *testing.T, env map[string]string, name string, srv *wechatpaytest.Server) {
	t.Helper()
	dir := t.TempDir()
	key, err := x509.MarshalPKCS8PrivateKey(srv.MerchantPrivateKey().Key())
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(srv.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	p := "TOUSU_WECHATPAY_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_"
	env[p+"MCHID"] = srv.MchID()
	env[p+"CERT_SERIAL"] = srv.MerchantSerial()
	env[p+"PRIVATE_KEY_FILE"] = writePEM(t, dir, "apiclient_key.pem", "PRIVATE KEY", key)
	env[p+"APIV3_KEY"] = string(srv.APIv3Key())
	env[p+"PUBLIC_KEY_ID"] = srv.PublicKeyID()
	env[p+"PUBLIC_KEY_FILE"] = writePEM(t, dir, "pub_key.pem", "PUBLIC KEY", pub)
	env[p+"BASE_URL"] = srv.URL
}

func allinpayEnv(t *testing.T, env map[string]string, name string, srv *allinpaytest.Server) {
	t.Helper()
	dir := t.TempDir()
	k := srv.Keys()
	p := "TOUSU_ALLINPAY_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_"
	env[p+"APPID"] = srv.AppID()
	env[p+"CUSID"] = srv.CusID()
	env[p+"SIGN_TYPE"] = string(srv.SignType())
	env[p+"PRIVATE_KEY_FILE"] = writeFile(t, dir, "merchant.pem", k.Merchant.PrivateKeyPEM)
	env[p+"ALLINPAY_PUBLIC_KEY_FILE"] = writeFile(t, dir, "allinpay.pem", k.Allinpay.PublicKeyPEM)
	env[p+"BASE_URL"] = srv.URL()
}

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// fixture is the server under test with two accounts of WeChat Pay and of
// Allinpay, one of PAYJS and one of 畅想, each on its own fake.
type fixture struct {
	url      string
	wxA, wxB *wechatpaytest.Server
	alA, alB *allinpaytest.Server
	pj       *payjstest.Server
	cx       *changxiangtest.Sender
	sink     *recorder
	log      *syncbuf.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{sink: &recorder{}, log: &syncbuf.Buffer{}}
	f.wxA = wechatpaytest.NewServer(wechatpaytest.WithMchID("1900000101"))
	t.Cleanup(f.wxA.Close)
	// Account B has keys of its own, and it is given A's public-key id so
	// that A's notification posted to B's path is refused by the signature
	// check itself rather than by an unknown key id.
	bk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	bkey, err := signing.NewRSAPrivateKey(bk)
	if err != nil {
		t.Fatal(err)
	}
	f.wxB = wechatpaytest.NewServer(wechatpaytest.WithMchID("1900000102"), wechatpaytest.WithFreshKeys(),
		wechatpaytest.WithPublicKey(f.wxA.PublicKeyID(), bkey))
	t.Cleanup(f.wxB.Close)
	// SM2 keys are drawn per fake server, so the two Allinpay accounts'
	// keys differ.
	f.alA = allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2), allinpaytest.WithCusID("990581007426001"))
	t.Cleanup(f.alA.Close)
	f.alB = allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2), allinpaytest.WithCusID("990581007426002"))
	t.Cleanup(f.alB.Close)
	f.pj = payjstest.NewServer()
	t.Cleanup(f.pj.Close)
	f.cx = changxiangtest.NewSender()

	env := map[string]string{
		"TOUSU_ACCOUNTS":               "wechatpay/shop-a, wechatpay/shop-b, allinpay/store-a, allinpay/store-b, payjs/main, changxiang/main",
		"TOUSU_PAYJS_MAIN_MCHID":       f.pj.MchID(),
		"TOUSU_PAYJS_MAIN_KEY":         payjstest.DefaultKey,
		"TOUSU_CHANGXIANG_MAIN_SECRET": changxiangtest.DefaultSecret,
	}
	weChatEnv(t, env, "shop-a", f.wxA)
	weChatEnv(t, env, "shop-b", f.wxB)
	allinpayEnv(t, env, "store-a", f.alA)
	allinpayEnv(t, env, "store-b", f.alB)
	cfg, err := LoadConfig(lookup(env))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, closeClients, err := NewMux(cfg, f.sink, complaint.NewMemoryStore(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeClients)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	f.url = ts.URL
	return f
}

func (f *fixture) logText() string { return f.log.String() }

func TestWeChatPayAccountsAreKeptApart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, acct := range []struct {
		name string
		srv  *wechatpaytest.Server
	}{{"shop-a", f.wxA}, {"shop-b", f.wxB}} {
		id := acct.srv.Seed(1)[0].ComplaintID
		status, err := acct.srv.NotifyURL(ctx, f.url+"/callbacks/wechatpay/"+acct.name, id, wechatpay.ActionCreateComplaint)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s: own callback: status %d, %v", acct.name, status, err)
		}
		events, _ := f.sink.take()
		want := got{account: "wechatpay/" + acct.name, ref: complaint.Ref{Provider: complaint.WeChatPay, ID: id},
			kind: complaint.KindCreated, state: complaint.StatePending}
		if len(events) != 1 || events[0] != want {
			t.Fatalf("%s: dispatched %+v, want [%+v] (the complaint fetched from its own account)", acct.name, events, want)
		}
	}

	// A's notification on B's path: B's key does not verify A's signature.
	id := f.wxA.Seed(1)[0].ComplaintID
	status, err := f.wxA.NotifyURL(ctx, f.url+"/callbacks/wechatpay/shop-b", id, wechatpay.ActionCreateComplaint)
	if err != nil || status != http.StatusUnauthorized {
		t.Fatalf("A's callback on B's path: status %d, %v; want 401", status, err)
	}
	if events, _ := f.sink.take(); len(events) != 0 {
		t.Fatalf("A's callback on B's path dispatched %+v", events)
	}
	if !strings.Contains(f.logText(), `"account":"shop-b"`) || !strings.Contains(f.logText(), "signature") {
		t.Errorf("the refusal is not logged as a signature failure of shop-b:\n%s", f.logText())
	}
}

func TestAllinpayAccountsAreKeptApart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, acct := range []struct {
		name string
		srv  *allinpaytest.Server
	}{{"store-a", f.alA}, {"store-b", f.alB}} {
		c := acct.srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "充电宝归还后仍在扣费"})
		res, err := acct.srv.Notify(ctx, f.url+"/callbacks/allinpay/"+acct.name, acct.srv.ComplaintNotification(c.ComplaintID, "CREATE_COMPLAINT"))
		if err != nil || !res.Acknowledged {
			t.Fatalf("%s: own notification: %+v, %v", acct.name, res, err)
		}
		events, _ := f.sink.take()
		// The state comes from the enrichment fetch, which only this
		// account's server can answer: the account's own client made it.
		want := got{account: "allinpay/" + acct.name, kind: complaint.KindCreated, state: complaint.StatePending,
			ref: complaint.Ref{Provider: complaint.Allinpay, ID: c.ComplaintID, Channel: complaint.ChannelWeChat}}
		if len(events) != 1 || events[0] != want {
			t.Fatalf("%s: dispatched %+v, want [%+v]", acct.name, events, want)
		}
	}

	c := f.alA.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "重复扣款"})
	res, err := f.alA.Notify(ctx, f.url+"/callbacks/allinpay/store-b", f.alA.ComplaintNotification(c.ComplaintID, "CREATE_COMPLAINT"))
	if err != nil || res.Acknowledged || res.Status != http.StatusUnauthorized {
		t.Fatalf("A's notification on B's path: %+v, %v; want 401, not acknowledged", res, err)
	}
	if events, _ := f.sink.take(); len(events) != 0 {
		t.Fatalf("A's notification on B's path dispatched %+v", events)
	}
}

func TestPaymentAndChangxiangRoutes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	order := f.pj.AddOrder(payjstest.Order{OutTradeNo: "SHOP-1", TotalFee: 1280000, Paid: true})
	for range 2 { // PAYJS repeats notifications; the second is a duplicate
		res, err := f.pj.Notify(ctx, f.url+"/callbacks/payjs/main/payment", order.PayJSOrderID, nil)
		if err != nil || res.Status != http.StatusOK || res.Body != "success" {
			t.Fatalf("payjs notification: %+v, %v", res, err)
		}
	}
	if _, payments := f.sink.take(); len(payments) != 1 ||
		payments[0] != (paid{"payjs/main", Payment{Provider: complaint.PAYJS, OrderID: order.PayJSOrderID, OutTradeNo: "SHOP-1", Amount: "1280000"}}) {
		t.Fatalf("payjs payments dispatched: %+v", payments)
	}
	// PAYJS pushes no complaints: there is no such route.
	if res, err := f.pj.Notify(ctx, f.url+"/callbacks/payjs/main", order.PayJSOrderID, nil); err != nil || res.Status != http.StatusNotFound {
		t.Fatalf("payjs notification on the complaint path: %+v, %v; want 404", res, err)
	}

	cpl := f.cx.Add(changxiangtest.Complaint{MerchantOrderNo: "M1"})
	res, err := f.cx.Notify(ctx, f.url+"/callbacks/changxiang/main", cpl.OrderNo)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("changxiang notification: %+v, %v", res, err)
	}
	if events, _ := f.sink.take(); len(events) != 1 || events[0].account != "changxiang/main" || events[0].ref.ID != cpl.OrderNo {
		t.Fatalf("changxiang events dispatched: %+v", events)
	}
}

func TestRoutingAndHealth(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.wxA.Seed(1)[0].ComplaintID
	for _, path := range []string{"/callbacks/wechatpay/shop-c", "/callbacks/wechatpay/shop-a/payment", "/callbacks/stripe/shop-a"} {
		status, err := f.wxA.NotifyURL(ctx, f.url+path, id, wechatpay.ActionCreateComplaint)
		if err != nil || status != http.StatusNotFound {
			t.Errorf("POST %s: status %d, %v; want 404", path, status, err)
		}
	}
	if events, _ := f.sink.take(); len(events) != 0 {
		t.Fatalf("unrouted callbacks dispatched %+v", events)
	}
	resp, err := http.Get(f.url + "/callbacks/wechatpay/shop-a")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET on a callback path: %d, want 405", resp.StatusCode)
	}
	resp, err = http.Get(f.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("GET /healthz: %d %q", resp.StatusCode, body)
	}
}

func TestConfigErrorsNameVariablesNotValues(t *testing.T) {
	const secret = "do-not-print-this-apiv3-key"
	env := map[string]string{
		"TOUSU_ACCOUNTS":                     "wechatpay/shop-a,payjs/Main,stripe/x,payjs/p,payjs/p,nothing",
		"TOUSU_WECHATPAY_SHOP_A_APIV3_KEY":   secret,
		"TOUSU_WECHATPAY_SHOP_A_MCHID":       "1900000101",
		"TOUSU_WECHATPAY_SHOP_A_CERT_SERIAL": "ABC",
		"TOUSU_SHUTDOWN_TIMEOUT":             "soon",
	}
	_, err := LoadConfig(lookup(env))
	if err == nil {
		t.Fatal("LoadConfig accepted a broken configuration")
	}
	msg := err.Error()
	for _, want := range []string{
		"TOUSU_WECHATPAY_SHOP_A_PRIVATE_KEY_FILE: not set",
		"TOUSU_WECHATPAY_SHOP_A_PUBLIC_KEY_ID: not set",
		"TOUSU_WECHATPAY_SHOP_A_PUBLIC_KEY_FILE: not set",
		`account name "Main"`,
		`unknown provider "stripe"`,
		`"payjs/p" is listed twice`,
		`"nothing" is not provider/account`,
		"TOUSU_PAYJS_P_MCHID: not set",
		"TOUSU_SHUTDOWN_TIMEOUT",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, secret) || strings.Contains(msg, "soon") {
		t.Errorf("error quotes a value:\n%s", msg)
	}

	// A short APIv3 key is refused when the client is built, still unquoted.
	dir := t.TempDir()
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	env = map[string]string{"TOUSU_ACCOUNTS": "wechatpay/shop-a"}
	weChatEnv(t, env, "shop-a", srv)
	env["TOUSU_WECHATPAY_SHOP_A_APIV3_KEY"] = secret
	env["TOUSU_WECHATPAY_SHOP_A_PUBLIC_KEY_FILE"] = writeFile(t, dir, "empty.pem", "")
	cfg, err := LoadConfig(lookup(env))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := NewMux(cfg, LogSink{Log: slog.New(slog.DiscardHandler)}, complaint.NewMemoryStore(), slog.New(slog.DiscardHandler)); err == nil ||
		strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "wechatpay/shop-a") {
		t.Fatalf("NewMux with a bad key file: %v", err)
	}
}

func TestServeShutsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release // a callback in flight when the signal arrives
		_, _ = w.Write([]byte("done"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, NewServer(h, slog.New(slog.DiscardHandler)), ln, 5*time.Second) }()
	answered := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			answered <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		answered <- string(b)
	}()
	<-started
	cancel() // SIGTERM
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if got := <-answered; got != "done" {
		t.Errorf("the request in flight got %q, want it finished", got)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("the listener still accepts connections")
	}
}
