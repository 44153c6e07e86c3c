// Package complaint is the provider-independent core of tousu: one model for
// complaints from every payment channel, the errors every provider maps onto, the
// interfaces that let code treat providers alike, and the callback handler.
//
// # The model
//
// A Complaint, its history Entry lines and the Event a provider pushes have the
// same shape whichever provider they come from. Each provider package converts
// its own typed structs to them losslessly: the normalised fields (State, Kind,
// Actor, Money in fen) sit next to the provider's own codes, and Raw keeps the
// provider's struct. Contact masks the buyer's phone number when printed or
// logged.
//
// # Errors
//
// Provider errors match the sentinels here with errors.Is: ErrRateLimited,
// ErrNotFound, ErrUnauthorized, ErrInvalidRequest, ErrSignatureInvalid,
// ErrTimestampSkew, ErrUnknownKey, ErrBodyTooLarge, ErrMalformedNotification, and
// errors.ErrUnsupported for what a provider cannot do.
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
//		complaint.WithEnrichment(client.Source()), // fetch the complaint for id-only events
//		complaint.WithStore(redisStore),            // share de-duplication across replicas
//	))
//
// The handler bounds the body (DefaultMaxBodyBytes), lets the receiver verify and
// parse it, drops events whose id the Store has already seen, calls the sink once
// per new event and answers exactly what the provider expects. Forged, stale,
// oversize or malformed callbacks are answered as failures and dispatch nothing; a
// sink error or panic answers failure and forgets the event id, so the provider's
// redelivery is handled.
package complaint
