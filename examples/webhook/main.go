// Command webhook is a production-shaped callback server for all four
// providers and several merchant accounts of each, in one process. Each
// account has its own path, client and keys:
//
//	POST /callbacks/wechatpay/{account}           WeChat Pay complaint callbacks
//	POST /callbacks/allinpay/{account}            Allinpay risk notifications (风控通知)
//	POST /callbacks/changxiang/{account}          畅想 complaint notifications
//	POST /callbacks/changxiang/{account}/payment  畅想 v3 payment callbacks
//	POST /callbacks/payjs/{account}/payment       PAYJS payment notifications (notify_url)
//	GET  /healthz                                 200 "ok" while serving
//
// Every callback is verified with its account's keys (a notification signed
// for another account is refused and dispatches nothing), de-duplicated
// through one shared complaint.Store, and logged through log/slog (JSON on
// stderr) with personal data masked. The server sets read-header, read, write
// and idle timeouts and shuts down gracefully on SIGTERM or SIGINT.
//
// # Configuration (environment)
//
//	TOUSU_ADDR              listen address (default ":8080")
//	TOUSU_SHUTDOWN_TIMEOUT  how long callbacks in flight may finish on shutdown (default 20s)
//	TOUSU_ACCOUNTS          comma-separated provider/account list, e.g.
//	                        "wechatpay/shop-a,wechatpay/shop-b,allinpay/agent,payjs/main,changxiang/main";
//	                        account names are 1-63 of a-z, 0-9 and '-'
//
// Each account's variables start with TOUSU_<PROVIDER>_<ACCOUNT>_, the
// account upper-cased with '-' as '_' (wechatpay/shop-a: TOUSU_WECHATPAY_SHOP_A_):
//
//	wechatpay   MCHID, CERT_SERIAL, PRIVATE_KEY_FILE (apiclient_key.pem),
//	            APIV3_KEY (secret, 32 bytes), PUBLIC_KEY_ID (PUB_KEY_ID_...),
//	            PUBLIC_KEY_FILE (pub_key.pem)
//	allinpay    APPID, CUSID, ORGID (agents and groups only), SIGN_TYPE (RSA or SM2),
//	            PRIVATE_KEY_FILE, ALLINPAY_PUBLIC_KEY_FILE (optional: default the published key)
//	payjs       MCHID, KEY (secret)
//	changxiang  SECRET (secret), MCHID and APP_KEY (optional)
//	any         BASE_URL (optional: a sandbox or a test server)
//
// Secrets come from the environment and key material from files; neither is
// ever printed, and configuration errors name the variable, not its value.
//
// Run it (it serves until interrupted):
//
//	TOUSU_ACCOUNTS=payjs/main TOUSU_PAYJS_MAIN_MCHID=... TOUSU_PAYJS_MAIN_KEY=... go run ./examples/webhook
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error("webhook server stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := LoadConfig(os.LookupEnv)
	if err != nil {
		return err
	}
	// One Store for every account. Several replicas behind a load balancer
	// must share one: use the Redis store of the nested module
	// github.com/tousu-go/tousu/complaint/redisstore here instead.
	store := complaint.NewMemoryStore()
	h, closeClients, err := NewMux(cfg, LogSink{Log: log}, store, log)
	if err != nil {
		return err
	}
	defer closeClients()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("webhook server listening", slog.String("addr", ln.Addr().String()), slog.Int("accounts", len(cfg.Accounts)))
	return Serve(ctx, NewServer(h, log), ln, cfg.ShutdownTimeout)
}

// NewServer wraps h in an http.Server with every timeout set: a provider
// waits at most a few seconds for an answer (WeChat 5), so a client slower
// than that is not a provider and need not be waited for.
func NewServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// Above complaint.DefaultCallbackTimeout, so the handler's own
		// deadline answers first.
		WriteTimeout:   10 * time.Second,
		IdleTimeout:    60 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Serve serves on ln until ctx is done, then shuts srv down, giving
// callbacks in flight until timeout to finish. It returns once the server
// has stopped: nil after a clean shutdown.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err // the listener failed; Serve never returns nil
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
