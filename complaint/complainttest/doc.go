// Package complainttest checks implementations of package complaint's
// interfaces against their contracts, as testing/fstest checks a file system:
// TestSource for a provider's Source and Responder over its fake server,
// TestReceiver for a provider's callback Receiver over deliveries its fake
// server signs (every provider runs it, push-only 畅想 included), TestStore for
// a de-duplication Store (the in-memory one, a Redis one, or a user's own on
// SQL), and TestPollState for a Poller's state.
//
// A provider package runs the source contract in its own tests:
//
//	func TestContract(t *testing.T) {
//		complainttest.TestSource(t, func(t *testing.T) complainttest.Fixture {
//			srv := myprovidertest.NewServer(t) // a fake holding three complaints
//			c := newClient(t, srv)
//			return complainttest.Fixture{
//				Source:    c.Adapter(),
//				Responder: c.Adapter(),
//				Seeded:    seedsOf(srv),
//				Missing:   complaint.Ref{Provider: myprovider.Name, ID: "no-such-complaint"},
//			}
//		})
//	}
//
// and the receiver contract, with a genuine delivery, a later change of the
// same complaint and a forgery:
//
//	func TestReceiverContract(t *testing.T) {
//		complainttest.TestReceiver(t, func(t *testing.T) complainttest.ReceiverFixture {
//			srv := myprovidertest.NewServer(t)
//			return complainttest.ReceiverFixture{
//				Receiver: myprovider.NewReceiver(newClient(t, srv)),
//				Delivery: srv.Notification("c1", "created"),
//				Later:    srv.Notification("c1", "refunded"),
//				Forged:   otherKeys.Notification("c1", "created"),
//			}
//		})
//	}
//
// and a Store implementation runs the lease contract:
//
//	func TestMyStore(t *testing.T) {
//		complainttest.TestStore(t, func(t *testing.T, ttl time.Duration) complaint.Store {
//			return mystore.New(db, mystore.WithTTL(ttl), mystore.WithPrefix(t.Name()))
//		})
//	}
//
// and a poll state runs the poller's contract:
//
//	func TestMyPollState(t *testing.T) {
//		complainttest.TestPollState(t, func(t *testing.T) complaint.PollState {
//			return mystore.NewPollState(db, mystore.WithPrefix(t.Name()))
//		})
//	}
package complainttest
