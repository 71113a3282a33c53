package main

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// recorder keeps the fate of every message by its number. Client ids are
// prefix+number, so a frame coming back finds its slot without a map, and
// the sockets' reader goroutines record without locks.
type recorder struct {
	start  time.Time
	prefix string

	// Times are nanoseconds since start plus one; zero means "not yet".
	sentAt      []atomic.Int64
	ackedAt     []atomic.Int64
	deliveredAt []atomic.Int64
	acks        []atomic.Int32
	deliveries  []atomic.Int32
	writeFailed []atomic.Bool
	refused     []atomic.Bool

	foreign atomic.Int64 // frames with client ids not of this run

	// cross reports whether message i was sent on another instance than
	// the agent's socket; nil when there is one instance.
	cross func(i int) bool

	mu       sync.Mutex
	refusals map[string]int // error code → count
}

func newRecorder(prefix string, capacity int) *recorder {
	return &recorder{
		start: time.Now(), prefix: prefix,
		sentAt: make([]atomic.Int64, capacity), ackedAt: make([]atomic.Int64, capacity),
		deliveredAt: make([]atomic.Int64, capacity), acks: make([]atomic.Int32, capacity),
		deliveries: make([]atomic.Int32, capacity), writeFailed: make([]atomic.Bool, capacity),
		refused: make([]atomic.Bool, capacity), refusals: map[string]int{},
	}
}

func (r *recorder) now() int64 { return int64(time.Since(r.start)) + 1 }

func (r *recorder) clientID(i int) string { return r.prefix + strconv.Itoa(i) }

// index finds a message's number from its client id.
func (r *recorder) index(clientID string) (int, bool) {
	rest, ok := strings.CutPrefix(clientID, r.prefix)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= len(r.sentAt) {
		return 0, false
	}
	return i, true
}

func (r *recorder) sent(i int)        { r.sentAt[i].Store(r.now()) }
func (r *recorder) failedWrite(i int) { r.writeFailed[i].Store(true) }

func (r *recorder) acked(clientID string) {
	at := r.now()
	i, ok := r.index(clientID)
	if !ok {
		r.foreign.Add(1)
		return
	}
	r.ackedAt[i].CompareAndSwap(0, at)
	r.acks[i].Add(1)
}

func (r *recorder) delivered(clientID string) {
	at := r.now()
	i, ok := r.index(clientID)
	if !ok {
		r.foreign.Add(1)
		return
	}
	r.deliveredAt[i].CompareAndSwap(0, at)
	r.deliveries[i].Add(1)
}

// refusedWith records an error frame about a message (rate limited,
// invalid, not stored).
func (r *recorder) refusedWith(clientID, code string) {
	r.mu.Lock()
	r.refusals[code]++
	r.mu.Unlock()
	if i, ok := r.index(clientID); ok {
		r.refused[i].Store(true)
	}
}

// outstanding counts the first n messages still waiting for their ack or
// their delivery; refused and unwritten ones wait for nothing.
func (r *recorder) outstanding(n int) int {
	waiting := 0
	for i := range n {
		if r.sentAt[i].Load() == 0 || r.writeFailed[i].Load() || r.refused[i].Load() {
			continue
		}
		if r.ackedAt[i].Load() == 0 || r.deliveredAt[i].Load() == 0 {
			waiting++
		}
	}
	return waiting
}

// Outcome is what became of the messages sent.
type Outcome struct {
	Sent         int
	WriteErrors  int
	Refused      int
	Refusals     map[string]int
	Ack          Latency // send → ack on the guest's socket
	Delivery     Latency // send → message event on the agent's socket
	Cross        Latency // the same, for messages sent on another instance than the agent's
	AckLost      int     // sent, never acknowledged
	DeliveryLost int     // sent, never reached the agent
	AckDup       int     // acknowledged more than once
	DeliveryDup  int     // reached the agent more than once
	Foreign      int64   // frames naming client ids this run never sent
}

// outcome tallies the first n messages.
func (r *recorder) outcome(n int) Outcome {
	o := Outcome{Sent: n, Foreign: r.foreign.Load()}
	var acks, deliveries, cross []time.Duration
	for i := range n {
		sent := r.sentAt[i].Load()
		switch {
		case sent == 0:
			o.Sent--
			continue
		case r.writeFailed[i].Load():
			o.WriteErrors++
			continue
		case r.refused[i].Load():
			o.Refused++
			continue
		}
		if at := r.ackedAt[i].Load(); at != 0 {
			acks = append(acks, time.Duration(at-sent))
		} else {
			o.AckLost++
		}
		if at := r.deliveredAt[i].Load(); at != 0 {
			deliveries = append(deliveries, time.Duration(at-sent))
			if r.cross != nil && r.cross(i) {
				cross = append(cross, time.Duration(at-sent))
			}
		} else {
			o.DeliveryLost++
		}
		if r.acks[i].Load() > 1 {
			o.AckDup++
		}
		if r.deliveries[i].Load() > 1 {
			o.DeliveryDup++
		}
	}
	o.Ack, o.Delivery, o.Cross = summarize(acks), summarize(deliveries), summarize(cross)
	r.mu.Lock()
	o.Refusals = make(map[string]int, len(r.refusals))
	for k, v := range r.refusals {
		o.Refusals[k] = v
	}
	r.mu.Unlock()
	return o
}

// Latency summarizes a set of durations.
type Latency struct {
	Count                    int
	Mean, P50, P90, P99, Max time.Duration
}

// summarize computes nearest-rank percentiles; it sorts ds in place.
func summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		return ds[max(i, 0)]
	}
	return Latency{
		Count: len(ds), Mean: sum / time.Duration(len(ds)),
		P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), Max: ds[len(ds)-1],
	}
}
