package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/model"
)

const (
	dialTimeout  = 15 * time.Second
	dialAttempts = 3
	writeTimeout = 5 * time.Second
)

// sockets tracks the load test's websockets: one reader goroutine each,
// and what they saw besides the recorder's acks and deliveries.
type sockets struct {
	rec     *recorder
	closing atomic.Bool // set before we close them ourselves

	guestFrames, agentFrames, watcherFrames atomic.Int64
	guestsLost, agentsLost                  atomic.Int64

	mu      sync.Mutex
	reasons map[string]int // why the server closed sockets on us
	wg      sync.WaitGroup
}

func newSockets(rec *recorder) *sockets {
	return &sockets{rec: rec, reasons: map[string]int{}}
}

// dial opens a websocket with the browser's Origin, retrying a few times:
// a burst of handshakes can overflow the server's accept queue.
func (s *sockets) dial(ctx context.Context, srv *server, client *http.Client, path string) (*websocket.Conn, error) {
	var err error
	for attempt := range dialAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		dctx, cancel := context.WithTimeout(ctx, dialTimeout)
		var c *websocket.Conn
		var resp *http.Response
		c, resp, err = websocket.Dial(dctx, srv.wsURL(path), &websocket.DialOptions{
			HTTPClient: client,
			HTTPHeader: http.Header{"Origin": {srv.origin}},
		})
		cancel()
		if err == nil {
			return c, nil
		}
		if resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			break // refused for good: a bad token, a bad Origin, no session
		}
	}
	return nil, err
}

// dialGuests opens n guest sockets, socket i on conversation i mod
// len(tokens) through srvOf(i), parallel at a time.
func (s *sockets) dialGuests(ctx context.Context, srvOf func(int) *server, tokens []string, n, parallel int) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, n)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, n) {
		wg.Go(func() {
			for i := range jobs {
				srv := srvOf(i)
				c, err := s.dial(ctx, srv, srv.http, "/ws/guest?token="+url.QueryEscape(tokens[i%len(tokens)]))
				if err != nil {
					cancel(fmt.Errorf("guest socket %d: %w", i, err))
					continue
				}
				conns[i] = c
				s.read(ctx, c, guestRole)
			}
		})
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	// On failure the caller closes the sockets opened so far.
	return conns, context.Cause(ctx)
}

// role is what a socket is for.
type role int

const (
	guestRole   role = iota // sends messages; sees acks and error frames
	agentRole               // sees every message of the organization: deliveries
	watcherRole             // another agent kept online; its frames are only counted
)

func (r role) String() string { return [...]string{"guest", "agent", "watcher"}[r] }

// read starts the socket's reader goroutine.
func (s *sockets) read(ctx context.Context, c *websocket.Conn, r role) {
	s.wg.Go(func() {
		for {
			// No deadline: the reader ends when the socket is closed, and a
			// context without Done spares the library a timer per read.
			_, data, err := c.Read(context.WithoutCancel(ctx))
			if err != nil {
				s.lost(err, r)
				return
			}
			switch r {
			case guestRole:
				s.guestFrames.Add(1)
			case agentRole:
				s.agentFrames.Add(1)
			case watcherRole:
				s.watcherFrames.Add(1)
				continue
			}
			var ev model.Event
			if err := json.Unmarshal(data, &ev); err != nil {
				s.note(fmt.Sprintf("%s: undecodable frame: %v", r, err))
				continue
			}
			switch {
			case ev.Type == model.EventAck && r == guestRole:
				s.rec.acked(ev.ClientID)
			case ev.Type == model.EventMessage && r == agentRole && ev.Message != nil:
				s.rec.delivered(ev.Message.ClientID)
			case ev.Type == model.EventError:
				code := "unknown"
				if ev.Error != nil {
					code = ev.Error.Code
				}
				s.rec.refusedWith(ev.ClientID, code)
			}
		}
	})
}

// lost records a socket the server (or the network) closed before we did.
func (s *sockets) lost(err error, r role) {
	if s.closing.Load() {
		return
	}
	if r == guestRole {
		s.guestsLost.Add(1)
	} else {
		s.agentsLost.Add(1)
	}
	reason := err.Error()
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		reason = fmt.Sprintf("closed %d %s", ce.Code, ce.Reason)
	}
	s.note(r.String() + ": " + reason)
}

func (s *sockets) note(reason string) {
	s.mu.Lock()
	s.reasons[reason]++
	s.mu.Unlock()
}

func (s *sockets) closeReasons() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.reasons))
	for k, v := range s.reasons {
		out[k] = v
	}
	return out
}

// closeAll drops the sockets without a closing handshake (the server sees
// the connection end) and waits for their readers.
func (s *sockets) closeAll(conns []*websocket.Conn) {
	s.closing.Store(true)
	for _, c := range conns {
		if c != nil {
			c.CloseNow() //nolint:errcheck // ending anyway
		}
	}
	s.wg.Wait()
}

// outgoing is the frame a guest sends: only what the protocol asks for.
type outgoing struct {
	Type     model.EventType `json:"type"`
	ClientID string          `json:"client_id"`
	Message  struct {
		Body string `json:"body"`
	} `json:"message"`
}

func messageFrame(clientID, body string) []byte {
	f := outgoing{Type: model.EventMessage, ClientID: clientID}
	f.Message.Body = body
	b, _ := json.Marshal(f) //nolint:errchkjson // strings only
	return b
}

// send writes one message frame.
func send(ctx context.Context, c *websocket.Conn, frame []byte) error {
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return c.Write(wctx, websocket.MessageText, frame)
}
