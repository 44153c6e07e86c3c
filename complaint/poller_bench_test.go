package complaint

import (
	"context"
	"iter"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"
)

// genSource is a seeded provider of n complaints that makes each one when it
// lists it, the way a provider's pages arrive: its own memory does not grow
// with n, so the heap the poller needs shows on its own. The first 50
// complaints are pending (open), the rest resolved.
type genSource struct{ n int }

func (g genSource) Provider() Provider { return "gen" }

func (g genSource) complaint(i int) *Complaint {
	c := &Complaint{Provider: "gen", ID: "gen-" + strconv.Itoa(i), MerchantID: "1900000109", State: StateResolved,
		ProviderState: "PROCESSED", Amount: CNY(int64(100 + i%900)), CreatedAt: pollBase.Add(time.Duration(i) * time.Second),
		Orders:  []Order{{TransactionID: "42000000" + strconv.Itoa(i), Amount: CNY(int64(100 + i%900))}},
		Content: "商品与描述不符，要求退款", Refund: Refund{Requested: CNY(100)}}
	if i < 50 {
		c.State, c.ProviderState = StatePending, "PENDING"
	}
	return c
}

func (g genSource) List(ctx context.Context, o ListOptions) iter.Seq2[*Complaint, error] {
	return func(yield func(*Complaint, error) bool) {
		for i := range g.n {
			c := g.complaint(i)
			if c.CreatedAt.Before(o.Since) || !c.CreatedAt.Before(o.Until) {
				continue
			}
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (g genSource) Get(_ context.Context, ref Ref) (*Complaint, error) {
	i, err := strconv.Atoi(ref.ID[len("gen-"):])
	if err != nil || i >= g.n {
		return nil, ErrNotFound
	}
	return g.complaint(i), nil
}

func (g genSource) History(context.Context, Ref) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) { yield(nil, ErrUnsupported) }
}

// heapPeak samples the bytes in heap objects, live and not yet collected,
// every 256th tick, and the live bytes alone (after a forced collection)
// every 10000th: the first shows what the process needs with the garbage
// collector's pacing, the second what the loop retains.
type heapPeak struct {
	sample []metrics.Sample
	base   uint64
	peak   uint64
	live   uint64
	n      int
}

func newHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	h.base = h.read()
	return h
}

func (h *heapPeak) read() uint64 {
	metrics.Read(h.sample)
	return h.sample[0].Value.Uint64()
}

func (h *heapPeak) tick() {
	h.n++
	if h.n%10000 == 0 {
		runtime.GC()
		h.live = max(h.live, h.read())
	}
	if h.n%256 == 0 {
		h.peak = max(h.peak, h.read())
	}
}

func (h *heapPeak) report(b *testing.B, count int) {
	above := func(v uint64) float64 { return float64(max(int64(v)-int64(h.base), 0)) }
	b.ReportMetric(above(h.peak), "peak-heap-B")
	b.ReportMetric(above(h.live), "peak-live-B")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*count), "ns/complaint")
}

// BenchmarkPollerHeap polls a provider of 10k and 100k complaints with an
// empty state (every complaint is new and reaches the sink) and reports the
// peak heap above the start (peak-heap-B, garbage included; peak-live-B,
// what is retained), next to the floor: a plain loop over the same source. The state is a MemoryPollState bounded to 4096 complaints, so that
// what is measured is the poller's own memory; an unbounded state holds one
// Seen per complaint (see BenchmarkMemoryPollStateEntry).
func BenchmarkPollerHeap(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		src := genSource{n: n}
		until := pollBase.Add(time.Duration(n+1) * time.Second)
		b.Run("floor/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			h := newHeapPeak()
			for b.Loop() {
				for c, err := range src.List(context.Background(), ListOptions{Until: until}) {
					if err != nil || c == nil {
						b.Fatal(err)
					}
					h.tick()
				}
			}
			h.report(b, n)
		})
		b.Run("poller/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			h := newHeapPeak()
			emitted := 0
			sink := SinkFunc(func(context.Context, *Event) error { emitted++; h.tick(); return nil })
			for b.Loop() {
				p, err := NewPoller(sink, []PollSource{{Name: "gen", Source: src}},
					WithPollState(NewMemoryPollState(WithPollStateMaxEntries(4096))),
					WithPollerClock(func() time.Time { return until }))
				if err != nil {
					b.Fatal(err)
				}
				if err := p.PollOnce(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			if emitted != b.N*n {
				b.Fatalf("emitted %d events, want %d", emitted, b.N*n)
			}
			h.report(b, n)
		})
	}
}

// BenchmarkMemoryPollStateEntry is the memory of one remembered complaint in
// a MemoryPollState, for sizing its bound.
func BenchmarkMemoryPollStateEntry(b *testing.B) {
	const n = 100_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "wechatpay/1900000109/" + strconv.Itoa(4200000000+i)
	}
	fp := DeriveEventID("x")
	b.ReportAllocs()
	var per float64
	for b.Loop() {
		h := newHeapPeak()
		s := NewMemoryPollState(WithPollStateMaxEntries(n))
		for _, k := range keys {
			_ = s.Remember(context.Background(), k, Seen{Fingerprint: fp})
		}
		runtime.GC()
		per = float64(int64(h.read())-int64(h.base)) / n
		runtime.KeepAlive(s)
	}
	b.ReportMetric(per, "B/entry")
}
