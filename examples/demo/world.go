package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/gate"
	"github.com/tousu-go/tousu/internal/simclock"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// world is everything the demo runs: the four fake providers, a client of
// each, and the merchant's one callback server, all on one simulated clock.
type world struct {
	clock *simclock.Clock

	wx       *wechatpaytest.Server
	wxClient *wechatpay.Client
	al       *allinpaytest.Server
	alClient *allinpay.Client
	pj       *payjstest.Server
	pjClient *payjs.Client
	cx       *changxiangtest.Sender
	cxClient *changxiang.Client

	// One adapter per account: the PAYJS one keeps the 4-hour guard.
	wxSource, alSource, pjSource interface {
		complaint.Source
		complaint.Responder
	}

	// The merchant's side: one Store and one PollState shared by the
	// callback handlers and the poller, and the sink both feed.
	store *complaint.MemoryStore
	state *complaint.MemoryPollState
	sink  *recorder
	srv   *httptest.Server
}

// route is the callback path of a provider on the merchant's server.
func route(p complaint.Provider) string { return "/callbacks/" + string(p) }

// newWorld starts the fakes and the callback server. Close releases them.
func newWorld(clock *simclock.Clock) (*world, error) {
	w := &world{clock: clock, sink: &recorder{}}
	now := option.WithClock(clock.Now)
	// Client retries would only slow the demo down; the poller retries.
	noRetry := option.WithRetry(option.Retry{})

	w.wx = wechatpaytest.NewServer(wechatpaytest.WithClock(clock.Now))
	var err error
	w.wxClient, err = wechatpay.NewClient(w.wx.Credentials(), append(w.wx.ClientOptions(), now, noRetry)...)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("wechatpay client: %w", err)
	}
	w.al = allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2), allinpaytest.WithClock(clock.Now))
	if w.alClient, err = allinpay.NewClient(w.al.Credentials(), append(w.al.ClientOptions(), now, noRetry)...); err != nil {
		w.Close()
		return nil, fmt.Errorf("allinpay client: %w", err)
	}
	w.pj = payjstest.NewServer(payjstest.WithClock(clock.Now))
	if w.pjClient, err = payjs.NewClient(w.pj.Credentials(), option.WithBaseURL(w.pj.URL), now, noRetry); err != nil {
		w.Close()
		return nil, fmt.Errorf("payjs client: %w", err)
	}
	w.cx = changxiangtest.NewSender(changxiangtest.WithClock(clock.Now))
	if w.cxClient, err = changxiang.NewClient(w.cx.Credentials(), now); err != nil {
		w.Close()
		return nil, fmt.Errorf("changxiang client: %w", err)
	}
	w.wxSource, w.alSource, w.pjSource = w.wxClient.Adapter(), w.alClient.Adapter(), w.pjClient.Adapter()

	w.store = complaint.NewMemoryStore(complaint.WithStoreClock(clock.Now))
	w.state = complaint.NewMemoryPollState()
	shared := []complaint.HandlerOption{complaint.WithStore(w.store), complaint.WithSharedPollState(w.state)}
	mux := http.NewServeMux()
	// WeChat's and Allinpay's WeChat callbacks carry ids only: the handler
	// fetches the complaint before the sink runs. 畅想's carry it whole.
	mux.Handle("POST "+route(complaint.WeChatPay), complaint.NewHandler(wechatpay.NewReceiver(w.wxClient), w.sink,
		append(shared, complaint.WithEnrichment(w.wxSource))...))
	mux.Handle("POST "+route(complaint.Allinpay), complaint.NewHandler(allinpay.NewReceiver(w.alClient), w.sink,
		append(shared, complaint.WithEnrichment(w.alSource))...))
	mux.Handle("POST "+route(complaint.Changxiang), complaint.NewHandler(changxiang.NewReceiver(w.cxClient), w.sink, shared...))
	w.srv = httptest.NewServer(mux)
	return w, nil
}

// url is the provider's callback URL on the merchant's server.
func (w *world) url(p complaint.Provider) string { return w.srv.URL + route(p) }

// Close stops the servers and releases the clients.
func (w *world) Close() {
	if w.srv != nil {
		w.srv.Close()
	}
	if w.wxClient != nil {
		_ = w.wxClient.Close()
	}
	if w.wx != nil {
		w.wx.Close()
	}
	if w.al != nil {
		w.al.Close()
	}
	if w.pj != nil {
		w.pj.Close()
	}
}

// recorder is the demo's complaint.Sink: it keeps the events in arrival
// order. A real sink enqueues and returns. hold, when set, makes the next
// event wait in the sink until released, to show a redelivery arriving
// while the first delivery is still running.
type recorder struct {
	mu     sync.Mutex
	events []*complaint.Event
	hold   gate.Hold
}

// HandleEvent implements complaint.Sink.
func (r *recorder) HandleEvent(ctx context.Context, e *complaint.Event) error {
	if err := r.hold.Pass(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

// since returns the events received after the first n.
func (r *recorder) since(n int) []*complaint.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*complaint.Event(nil), r.events[n:]...)
}

// count is how many events arrived so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// demoStart is the simulated time the demo starts at: Beijing time, as the
// providers keep it.
var demoStart = time.Date(2025, 11, 15, 10, 0, 0, 0, cntime.Zone)
