// Package chat is the visitor's copy of one conversation, kept by the
// website widget: the messages the server has stored, in sequence order and
// each once, and the messages the visitor wrote that the server has not yet
// acknowledged.
//
// It holds no browser code so that the rules that make reconnecting safe
// (dedupe by seq, resend until acknowledged, resume after the last seq) are
// tested with plain `go test`.
package chat

import (
	"errors"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/widget/wire"
)

// Thread is one conversation as the visitor sees it. Its zero value is an
// empty thread, ready to use.
type Thread struct {
	msgs    []wire.Message // ascending by Seq, each Seq once
	pending []*Pending     // written by the visitor, not yet received back
	readSeq int64          // the last seq the visitor has seen
}

// Pending is a message the visitor wrote. It keeps its ClientID until the
// server's copy arrives, so resending it after a reconnect stores it once.
type Pending struct {
	ClientID string
	Body     string
	// Files are uploaded already; the message carries them.
	Files []wire.Attachment
	// Seq is set once the server acknowledged the message: it is stored and
	// need not be sent again, even though its copy has not arrived yet.
	Seq int64
	// Err is set when the server refused the message; it is not resent
	// unless the visitor retries.
	Err error
}

// Sent reports whether the server has stored p.
func (p *Pending) Sent() bool { return p.Seq > 0 }

// ErrEmpty and ErrTooLong reject a body before it is queued.
var (
	ErrEmpty   = errors.New("the message is empty")
	ErrTooLong = errors.New("the message is longer than 8192 bytes") // wire.MaxMessageBytes
)

// CheckBody trims body and reports whether the server would accept it.
func CheckBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return "", ErrEmpty
	case len(body) > wire.MaxMessageBytes:
		return "", ErrTooLong
	}
	return body, nil
}

// Messages returns the stored messages in order. The slice is the thread's
// own: callers must not modify it.
func (t *Thread) Messages() []wire.Message { return t.msgs }

// Pending returns the visitor's messages not yet received back, oldest
// first.
func (t *Thread) Pending() []*Pending { return t.pending }

// LastSeq is where the received messages stop being gap-free: a
// reconnecting client asks for the messages after it, so a message that
// never arrived (its event was lost between server instances) is fetched
// too. Acknowledgements do not count, so a message whose copy was lost
// with the connection is fetched again.
func (t *Thread) LastSeq() int64 {
	if len(t.msgs) == 0 {
		return 0
	}
	last := t.msgs[0].Seq
	for _, m := range t.msgs[1:] {
		if m.Seq != last+1 {
			break
		}
		last = m.Seq
	}
	return last
}

// Added says what Add did, for the view to mirror.
type Added struct {
	// New is false when the message was already known (a duplicate).
	New bool
	// Before is the seq of the message the new one goes in front of, or 0
	// when it goes after every stored message.
	Before int64
	// Replaces is the ClientID of the pending message this one is the
	// server's copy of, or "".
	Replaces string
}

// Add records a message received from the server, whether from history, a
// live event or a resume. A seq already present is ignored.
func (t *Thread) Add(m wire.Message) Added {
	i, found := slices.BinarySearchFunc(t.msgs, m.Seq, func(x wire.Message, seq int64) int {
		return cmpInt(x.Seq, seq)
	})
	if found || m.Seq <= 0 {
		return Added{}
	}
	t.msgs = slices.Insert(t.msgs, i, m)
	a := Added{New: true}
	if i+1 < len(t.msgs) {
		a.Before = t.msgs[i+1].Seq
	}
	if j := t.pendingIndex(func(p *Pending) bool {
		return (m.ClientID != "" && p.ClientID == m.ClientID) || (p.Seq != 0 && p.Seq == m.Seq)
	}); j >= 0 {
		a.Replaces = t.pending[j].ClientID
		t.pending = slices.Delete(t.pending, j, j+1)
	}
	return a
}

// Queue adds a message the visitor wrote. clientID must be unique and
// random: the server stores one message per client id.
func (t *Thread) Queue(clientID, body string) *Pending {
	p := &Pending{ClientID: clientID, Body: body}
	t.pending = append(t.pending, p)
	return p
}

// QueueFiles adds a message of files the visitor uploaded.
func (t *Thread) QueueFiles(clientID string, files []wire.Attachment) *Pending {
	p := t.Queue(clientID, "")
	p.Files = files
	return p
}

// Ack records the server's acknowledgement of a pending message. It returns
// the pending message (nil when the ack is for one already received), and
// done when the server's copy had already arrived, so the pending message is
// gone from the thread.
func (t *Thread) Ack(clientID string, seq int64) (p *Pending, done bool) {
	j := t.pendingIndex(func(p *Pending) bool { return p.ClientID == clientID })
	if j < 0 {
		return nil, false
	}
	p = t.pending[j]
	p.Seq, p.Err = seq, nil
	if t.has(seq) {
		t.pending = slices.Delete(t.pending, j, j+1)
		return p, true
	}
	return p, false
}

// Fail records that the server refused a pending message.
func (t *Thread) Fail(clientID string, err error) *Pending {
	j := t.pendingIndex(func(p *Pending) bool { return p.ClientID == clientID })
	if j < 0 {
		return nil
	}
	t.pending[j].Err = err
	return t.pending[j]
}

// Retry clears a refused message's error so that it is sent again.
func (t *Thread) Retry(clientID string) *Pending {
	j := t.pendingIndex(func(p *Pending) bool { return p.ClientID == clientID })
	if j < 0 {
		return nil
	}
	t.pending[j].Err = nil
	return t.pending[j]
}

// Unsent lists the pending messages to send on a fresh connection: neither
// acknowledged nor refused, oldest first.
func (t *Thread) Unsent() []*Pending {
	var out []*Pending
	for _, p := range t.pending {
		if !p.Sent() && p.Err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Unread counts the messages from the company (agents and system) after the
// read marker.
func (t *Thread) Unread() int {
	n := 0
	for i := len(t.msgs) - 1; i >= 0 && t.msgs[i].Seq > t.readSeq; i-- {
		if t.msgs[i].AuthorKind != wire.AuthorGuest {
			n++
		}
	}
	return n
}

// ReadSeq is the read marker.
func (t *Thread) ReadSeq() int64 { return t.readSeq }

// MarkRead moves the read marker to the last message and reports whether
// it moved.
func (t *Thread) MarkRead() bool {
	if last := t.LastSeq(); last > t.readSeq {
		t.readSeq = last
		return true
	}
	return false
}

// SetReadSeq restores a read marker saved by an earlier page.
func (t *Thread) SetReadSeq(seq int64) {
	if seq > t.readSeq {
		t.readSeq = seq
	}
}

func (t *Thread) has(seq int64) bool {
	_, found := slices.BinarySearchFunc(t.msgs, seq, func(x wire.Message, seq int64) int { return cmpInt(x.Seq, seq) })
	return found
}

func (t *Thread) pendingIndex(match func(*Pending) bool) int {
	return slices.IndexFunc(t.pending, match)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Backoff is how many milliseconds to wait before reconnect attempt n (0
// for the first retry): doubling from half a second up to 15 s, each spread
// by jitter in [0, 1) over ±25 % so that many widgets cut off together by a
// server restart do not all come back in the same instant.
func Backoff(n int, jitter float64) int {
	const (
		base    = 500
		ceiling = 15000
	)
	d := ceiling
	if n < 5 {
		d = min(base<<n, ceiling)
	}
	spread := float64(d) / 4
	return d + int(spread*(2*jitter-1))
}
