package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(3, time.Second)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("call %d refused within burst", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("4th call: ok=%v wait=%v, want refusal with wait in (0,1s]", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("token not refilled after a second")
	}
	now = now.Add(time.Hour)
	l.Allow("c")
	if _, kept := l.buckets["a"]; kept {
		t.Fatal("idle bucket not swept")
	}
}

func TestDisabled(t *testing.T) {
	l := New(0, time.Second)
	for range 100 {
		if ok, _ := l.Allow("x"); !ok {
			t.Fatal("a zero burst should disable limiting")
		}
	}
}
