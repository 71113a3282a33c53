package chat

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/widget/wire"
)

func msg(seq int64, kind string, clientID string) wire.Message {
	return wire.Message{Seq: seq, AuthorKind: kind, ClientID: clientID, Body: "m"}
}

func seqs(t *Thread) []int64 {
	var out []int64
	for _, m := range t.Messages() {
		out = append(out, m.Seq)
	}
	return out
}

func TestAddOrdersAndDedupes(t *testing.T) {
	tests := []struct {
		name   string
		add    []int64
		want   []int64
		before []int64 // Added.Before for each add (0: appended or not new)
		isNew  []bool
	}{
		{"in order", []int64{1, 2, 3}, []int64{1, 2, 3}, []int64{0, 0, 0}, []bool{true, true, true}},
		{"duplicate live event after history", []int64{1, 2, 2, 1}, []int64{1, 2}, []int64{0, 0, 0, 0}, []bool{true, true, false, false}},
		{"resume delivers a gap", []int64{1, 4, 2, 3}, []int64{1, 2, 3, 4}, []int64{0, 0, 4, 4}, []bool{true, true, true, true}},
		{"seq zero is not a stored message", []int64{0, 1}, []int64{1}, []int64{0, 0}, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var th Thread
			for i, s := range tt.add {
				a := th.Add(msg(s, wire.AuthorAgent, ""))
				if a.New != tt.isNew[i] || a.Before != tt.before[i] {
					t.Errorf("add %d (#%d) = %+v, want New=%v Before=%d", s, i, a, tt.isNew[i], tt.before[i])
				}
			}
			if got := seqs(&th); !slices.Equal(got, tt.want) {
				t.Errorf("messages %v, want %v", got, tt.want)
			}
			if got, want := th.LastSeq(), tt.want[len(tt.want)-1]; got != want {
				t.Errorf("LastSeq %d, want %d", got, want)
			}
		})
	}
}

// The server acknowledges a message, then broadcasts it; over a flaky
// connection the two can arrive in either order, or the copy not at all
// until a resume. Every path must end with the message shown exactly once
// and no longer pending.
func TestPendingLifecycle(t *testing.T) {
	tests := []struct {
		name string
		run  func(*Thread) (replaced string)
	}{
		{"ack then copy", func(th *Thread) string {
			if p, done := th.Ack("c1", 3); p == nil || done || !p.Sent() {
				t.Fatalf("ack: %+v done=%v", p, done)
			}
			if len(th.Unsent()) != 0 {
				t.Fatal("an acknowledged message would be resent")
			}
			return th.Add(msg(3, wire.AuthorGuest, "c1")).Replaces
		}},
		{"copy then ack", func(th *Thread) string {
			r := th.Add(msg(3, wire.AuthorGuest, "c1")).Replaces
			if p, _ := th.Ack("c1", 3); p != nil {
				t.Fatalf("late ack found a pending message %+v", p)
			}
			return r
		}},
		{"copy without client id, then ack", func(th *Thread) string {
			if r := th.Add(msg(3, wire.AuthorGuest, "")).Replaces; r != "" {
				t.Fatalf("matched %q without a client id or ack", r)
			}
			if p, done := th.Ack("c1", 3); p == nil || !done {
				t.Fatalf("ack after copy: %+v done=%v", p, done)
			}
			return "c1"
		}},
		{"ack, connection lost, copy arrives by resume without client id", func(th *Thread) string {
			th.Ack("c1", 3)
			return th.Add(msg(3, wire.AuthorGuest, "")).Replaces
		}},
		{"never acked: resent on reconnect, then copy", func(th *Thread) string {
			if u := th.Unsent(); len(u) != 1 || u[0].ClientID != "c1" {
				t.Fatalf("unsent %+v", u)
			}
			th.Ack("c1", 3)
			return th.Add(msg(3, wire.AuthorGuest, "c1")).Replaces
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var th Thread
			th.Add(msg(1, wire.AuthorAgent, ""))
			th.Add(msg(2, wire.AuthorAgent, ""))
			th.Queue("c1", "hello")
			if r := tt.run(&th); r != "c1" {
				t.Errorf("replaced %q, want c1", r)
			}
			if len(th.Pending()) != 0 {
				t.Errorf("still pending: %+v", th.Pending())
			}
			if got := seqs(&th); !slices.Equal(got, []int64{1, 2, 3}) {
				t.Errorf("messages %v", got)
			}
		})
	}
}

func TestUnsentKeepsOrderAndSkipsRefused(t *testing.T) {
	var th Thread
	th.Queue("a", "1")
	th.Queue("b", "2")
	th.Queue("c", "3")
	th.Ack("a", 1)
	th.Fail("b", errors.New("too long"))
	got := th.Unsent()
	if len(got) != 1 || got[0].ClientID != "c" {
		t.Fatalf("unsent %+v, want [c]", got)
	}
	th.Retry("b")
	got = th.Unsent()
	if len(got) != 2 || got[0].ClientID != "b" || got[1].ClientID != "c" {
		t.Fatalf("unsent after retry %+v, want [b c]", got)
	}
	if th.Fail("zzz", errors.New("x")) != nil || th.Retry("zzz") != nil {
		t.Error("unknown client ids must be ignored")
	}
}

func TestUnread(t *testing.T) {
	var th Thread
	th.Add(msg(1, wire.AuthorAgent, ""))
	th.Add(msg(2, wire.AuthorGuest, ""))
	th.Add(msg(3, wire.AuthorSystem, ""))
	if got := th.Unread(); got != 2 {
		t.Errorf("unread %d, want 2 (the guest's own message does not count)", got)
	}
	if !th.MarkRead() || th.Unread() != 0 || th.ReadSeq() != 3 {
		t.Errorf("after MarkRead: unread %d, read seq %d", th.Unread(), th.ReadSeq())
	}
	if th.MarkRead() {
		t.Error("MarkRead moved with nothing new")
	}
	th.Add(msg(4, wire.AuthorAgent, ""))
	if got := th.Unread(); got != 1 {
		t.Errorf("unread %d, want 1", got)
	}
	th.SetReadSeq(2) // an older saved marker never moves it back
	if th.ReadSeq() != 3 {
		t.Errorf("read seq %d, want 3", th.ReadSeq())
	}
}

func TestCheckBody(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"  hi \n", "hi", nil},
		{" \n\t", "", ErrEmpty},
		{strings.Repeat("é", wire.MaxMessageBytes/2), strings.Repeat("é", wire.MaxMessageBytes/2), nil},
		{strings.Repeat("é", wire.MaxMessageBytes/2+1), "", ErrTooLong},
	}
	for _, tt := range tests {
		got, err := CheckBody(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("CheckBody(%.10q…) = %.10q, %v; want %.10q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n      int
		jitter float64
		want   int // ms
	}{
		{0, 0.5, 500},
		{1, 0.5, 1000},
		{4, 0.5, 8000},
		{5, 0.5, 15000},
		{1000, 0.5, 15000},
		{0, 0, 375},
		{5, 0.999999, 15000 + 15000/4},
	}
	for _, tt := range tests {
		got := Backoff(tt.n, tt.jitter)
		if d := got - tt.want; d < -1 || d > 1 {
			t.Errorf("Backoff(%d, %v) = %d ms, want %d", tt.n, tt.jitter, got, tt.want)
		}
	}
}

func TestTooLongSaysTheLimit(t *testing.T) {
	if want := strconv.Itoa(wire.MaxMessageBytes); !strings.Contains(ErrTooLong.Error(), want) {
		t.Errorf("ErrTooLong %q does not say %s", ErrTooLong, want)
	}
}

// A reconnecting widget resumes after the gap-free run, so a message whose
// event never arrived is fetched with the rest.
func TestLastSeqStopsAtAGap(t *testing.T) {
	for _, tc := range []struct {
		add  []int64
		want int64
	}{
		{nil, 0},
		{[]int64{1, 2, 3}, 3},
		{[]int64{1, 2, 5, 6}, 2},
		{[]int64{4, 5, 7}, 5}, // history that starts later: resume from its run
	} {
		var th Thread
		for _, s := range tc.add {
			th.Add(msg(s, wire.AuthorAgent, ""))
		}
		if got := th.LastSeq(); got != tc.want {
			t.Errorf("%v: LastSeq %d, want %d", tc.add, got, tc.want)
		}
	}
}
