package complaint_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

// idReceiver is a Receiver with no crypto and no parsing: the body is
// {"id":"<event id>"} and the event id is cut out of it at a fixed offset,
// so that a benchmark measures the handler and its Store, not a provider.
type idReceiver struct{}

func (idReceiver) Provider() complaint.Provider { return complaint.WeChatPay }

func (idReceiver) Receive(_ context.Context, d *complaint.Delivery) ([]complaint.Event, error) {
	id := string(d.Body[len(`{"id":"`) : len(d.Body)-len(`"}`)])
	return []complaint.Event{{ID: id, Ref: complaint.Ref{Provider: complaint.WeChatPay, ID: id}}}, nil
}

func (idReceiver) Ack(err error) complaint.Ack {
	return complaint.Ack{Status: complaint.StatusFor(err)}
}

// statusWriter is the least a handler needs to answer into.
type statusWriter struct {
	h    http.Header
	code int
}

func (w *statusWriter) Header() http.Header         { return w.h }
func (w *statusWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *statusWriter) WriteHeader(code int)        { w.code = code }

// callbackBody writes callback i's body into buf: a WeChat-shaped event id
// (36 characters, like WeChat's envelope ids), distinct for every i.
func callbackBody(buf []byte, i int) []byte {
	buf = append(buf[:0], `{"id":"00000000-0000-4000-8000-`...)
	n := strconv.Itoa(i)
	for range 12 - len(n) {
		buf = append(buf, '0')
	}
	buf = append(buf, n...)
	return append(buf, `"}`...)
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// readerBody is a reusable request body: the handler closes it, which does
// nothing, and the next delivery resets it.
type readerBody struct{ r []byte }

func (b *readerBody) Read(p []byte) (int, error) {
	if len(b.r) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.r)
	b.r = b.r[n:]
	return n, nil
}

func (*readerBody) Close() error { return nil }

// BenchmarkHandlerDistinctCallbacks delivers b.N distinct callbacks to
// complaint.NewHandler with the default MemoryStore (bounded to
// DefaultStoreMaxEntries keys) and a sink that counts. Each delivery is
// claimed, dispatched and committed: the handler's whole path around a
// provider's verification. It reports the memory the store retains at the
// end per key it holds (B/key, measured after a GC) and how many keys that
// is: with 1M deliveries the store holds its cap, 100k, not 1M. The floors,
// in the same run, are a plain map insert of the same keys (B/key: an
// unbounded map[string]struct{}) and an encoding/json decode of the same
// body. Run the 1M deliveries with
//
//	go test ./complaint -run '^$' -bench 'HandlerDistinctCallbacks' -benchmem -benchtime=1000000x
func BenchmarkHandlerDistinctCallbacks(b *testing.B) {
	b.Run("handler+memorystore", func(b *testing.B) {
		dispatched := 0
		store := complaint.NewMemoryStore()
		h := complaint.NewHandler(idReceiver{}, complaint.SinkFunc(func(context.Context, *complaint.Event) error {
			dispatched++
			return nil
		}), complaint.WithStore(store))
		body := &readerBody{}
		req, err := http.NewRequest(http.MethodPost, "/callbacks/wechatpay/shop", body)
		if err != nil {
			b.Fatal(err)
		}
		w := &statusWriter{h: http.Header{}}
		buf := make([]byte, 0, 64)
		base := heapInUse()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = callbackBody(buf, i)
			body.r, req.ContentLength, w.code = buf, int64(len(buf)), 0
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK {
				b.Fatalf("delivery %d answered %d", i, w.code)
			}
		}
		b.StopTimer()
		keys := store.Len()
		if dispatched != b.N || keys != min(b.N, complaint.DefaultStoreMaxEntries) {
			b.Fatalf("dispatched %d of %d distinct callbacks; store holds %d keys", dispatched, b.N, keys)
		}
		b.ReportMetric(float64(int64(heapInUse())-int64(base))/float64(keys), "B/key")
		b.ReportMetric(float64(keys), "keys")
		runtime.KeepAlive(h)
	})
	b.Run("floor/map-insert", func(b *testing.B) {
		m := map[string]struct{}{}
		buf := make([]byte, 0, 64)
		base := heapInUse()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = callbackBody(buf, i)
			m["wechatpay:"+string(buf[len(`{"id":"`):len(buf)-len(`"}`)])] = struct{}{}
		}
		b.StopTimer()
		if len(m) != b.N {
			b.Fatalf("map holds %d keys, want %d", len(m), b.N)
		}
		b.ReportMetric(float64(int64(heapInUse())-int64(base))/float64(len(m)), "B/key")
		b.ReportMetric(float64(len(m)), "keys")
		runtime.KeepAlive(m)
	})
	b.Run("floor/json-decode", func(b *testing.B) {
		var v struct {
			ID string `json:"id"`
		}
		buf := make([]byte, 0, 64)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = callbackBody(buf, i)
			if err := json.Unmarshal(buf, &v); err != nil || len(v.ID) != 36 {
				b.Fatalf("decode: %v %q", err, v.ID)
			}
		}
	})
}
