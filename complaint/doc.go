// Package complaint is the provider-independent core of tousu: one model for
// complaints from every payment channel, the errors every provider maps onto, the
// interfaces that let code treat providers alike, and the callback handlers.
//
// # The model
//
// A Complaint, its history Entry lines and the Event a provider pushes have the
// same shape whichever provider they come from. Each provider package converts
// its own typed structs to them losslessly: the normalised fields (State, Kind,
// Actor, Money in fen) sit next to the provider's own codes, and Raw keeps the
// provider's struct. A Ref names a complaint with everything its provider needs
// to act on it (sub-merchant, relayed channel, order id); every Complaint has
// one (Complaint.Ref) and every Event carries one. Contact and Phone mask the
// buyer's phone number and name whenever they are printed or logged.
//
// # Errors
//
// Provider errors match the sentinels here with errors.Is: ErrRateLimited,
// ErrNotFound, ErrUnauthorized, ErrInvalidRequest, ErrSignatureInvalid,
// ErrTimestampSkew, ErrUnknownKey, ErrBodyTooLarge, ErrMalformedNotification, and
// errors.ErrUnsupported for what a provider cannot do.
//
// # Reading and acting
//
// Every provider's client becomes a Source (List over a half-open window
// [Since, Until), Get and History by Ref) and a Responder (Reply, Complete,
// DecideRefund by Ref). Package complainttest checks an implementation against
// that contract.
//
// # Callbacks
//
// NewHandler turns a provider's Receiver and your Sink into an http.Handler:
//
//	recv := wechatpay.NewReceiver(client)           // verifies and decrypts
//	sink := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
//		return queue.Push(ctx, e) // be quick: providers want an answer in seconds
//	})
//	http.Handle("/notify/wechatpay", complaint.NewHandler(recv, sink,
//		complaint.WithEnrichment(client.Adapter()), // fetch the complaint for id-only events
//		complaint.WithStore(redisStore),            // share de-duplication across replicas
//	))
//
// The handler bounds the body (DefaultMaxBodyBytes), lets the receiver verify
// and parse it, and answers exactly what the provider expects. Forged, stale,
// oversize or malformed callbacks are answered as failures and dispatch
// nothing.
//
// Delivery is at least once and never lost. For each event the handler takes
// a lease on the event's key in the Store. Only the lease holder calls the
// sink; the key becomes done when the sink succeeded and is released when it
// failed or panicked, so the provider's redelivery is handled. A redelivery
// that arrives while another delivery holds the lease is answered failure, so
// the provider tries again later instead of being told the event was handled
// before it was. A lease whose holder crashed runs out (DefaultLease) and the
// next delivery takes it over. Each callback runs under a deadline
// (DefaultCallbackTimeout, below WeChat's 5 seconds); the enrichment Get runs
// once, under its own shorter deadline, and its failure never fails or delays
// the answer.
//
// # Polling
//
// NewPoller watches one or several named Sources: on an interval it lists a
// sliding window of new complaints, re-reads the open ones the window no
// longer covers, and passes the Sink an Event for every complaint that is new
// (KindCreated) or changed (KindUpdated, by Fingerprint). It is the only feed
// for PAYJS and the safety net for missed WeChat and Allinpay callbacks. Its
// PollState (NewMemoryPollState by default; shared and persistent across
// replicas in production) keeps one replica polling a source at a time, the
// provider's minimum interval across restarts, and the record of what reached
// the sink: give the same state to the handler (WithSharedPollState) and a
// change reaches the sink once, whether a callback or a poll brings it.
//
//	p, err := complaint.NewPoller(sink, []complaint.PollSource{
//		{Name: "payjs-main", Source: payjsClient.Adapter()},
//		{Name: "wechatpay-main", Source: wechatClient.Adapter()},
//	}, complaint.WithPollState(state))
//	go p.Run(ctx) // returns when ctx is done, its goroutines ended
//
// # Deadlines
//
// A complaint left unanswered costs the merchant (delayed settlement, a
// restricted account). Complaint.DueAt is the provider's deadline where it
// sends one (Alipay gmt_overdue) and otherwise a DeadlineRule's estimate
// (DefaultDeadlineRule: 72 hours after creation for WeChat complaints, a rule
// of thumb from WeChat's own message to merchants); Overdue is the provider's
// own flag (WeChat global is_overdue). The Poller emits KindDueSoon when a
// pending complaint comes within a margin of its deadline and KindOverdue
// when it passes it, once each.
//
// Payment notifications (PAYJS, 畅想's v3 callback) are not complaint events:
// NewPaymentHandler gives them a typed path of their own with the same
// guarantees. Providers that send no event id derive one with DeriveEventID from
// the fields that define the change, so a later change of the same complaint is
// not mistaken for a redelivery.
package complaint
