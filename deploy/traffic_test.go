package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/frontdesk/frontdesk/model"
)

// The parties below behave as the widget and the agent app do: a message
// is kept until the server acknowledges it and is sent again, with the same
// client id, on every new socket; a guest's socket resumes after the last
// message it has; an agent, on every new socket, fetches what it missed of
// the conversations it follows, as the app's screens do.
// They record everything they receive and every error a person would see.

// journal is what every party saw, shared.
type journal struct {
	mu sync.Mutex
	// visible are errors a person would have seen: failed requests,
	// sockets closed for another reason than "go elsewhere".
	visible []string
	// drops are sockets that ended, by close code (-1: no close frame).
	drops map[int]int
	// outages are how long each party went without a socket, from its
	// socket's end to the next one's opening.
	outages []outage
}

type outage struct {
	party      string
	from, till time.Time
	code       int
}

func newJournal() *journal { return &journal{drops: map[int]int{}} }

func (j *journal) seen(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.visible = append(j.visible, fmt.Sprintf(format, args...))
}

func (j *journal) errors() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.visible...)
}

// api is an HTTP client through the balancer, with cookies for agents.
type api struct {
	base string
	http *http.Client
	csrf string
	j    *journal
	// tolerate5xx: a request cut off by a killed instance is expected;
	// it is then not counted as visible.
	tolerate5xx *atomic.Bool
}

func newAPI(base string, j *journal, tolerate *atomic.Bool) *api {
	jar, _ := cookiejar.New(nil)
	return &api{base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}, j: j, tolerate5xx: tolerate}
}

// do sends a JSON request; a 5xx or a network failure is recorded as a
// visible error (unless tolerated) and returned.
func (a *api) do(ctx context.Context, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return 0, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.csrf != "" {
		req.Header.Set(model.CSRFHeader, a.csrf)
	}
	res, err := a.http.Do(req)
	if err != nil {
		if ctx.Err() == nil && !a.tolerate5xx.Load() {
			a.j.seen("%s %s: %v", method, path, err)
		}
		return 0, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		if !a.tolerate5xx.Load() {
			a.j.seen("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
		return res.StatusCode, fmt.Errorf("%s %s: %d", method, path, res.StatusCode)
	}
	if out != nil && len(raw) > 0 && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, nil
}

func (a *api) signIn(ctx context.Context, email, password string) error {
	var s model.Session
	if _, err := a.do(ctx, "POST", "/api/v1/auth/login", model.LoginRequest{Email: email, Password: password}, &s); err != nil {
		return err
	}
	a.csrf = s.CSRFToken
	return nil
}

// outgoing is a message waiting for its acknowledgement.
type outgoing struct {
	conv     int64
	clientID string
	body     string
}

// party is one websocket user: a guest of one conversation or an agent.
type party struct {
	name  string
	api   *api
	j     *journal
	agent bool
	token string // guest: the conversation's access token

	mu       sync.Mutex
	conn     *websocket.Conn
	outbox   []outgoing
	sent     int
	acked    map[string]int64        // client id → seq
	received map[int64]map[int64]int // conversation → seq → times
	last     map[int64]int64         // conversation → highest seq in order
	follows  map[int64]bool          // agent: conversations to resume
}

func newParty(name string, a *api, j *journal) *party {
	return &party{name: name, api: a, j: j, acked: map[string]int64{}, received: map[int64]map[int64]int{},
		last: map[int64]int64{}, follows: map[int64]bool{}}
}

func (p *party) wsURL() string {
	u := "ws" + strings.TrimPrefix(p.api.base, "http")
	if p.agent {
		return u + "/ws/agent"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var after int64
	for _, s := range p.last {
		after = s
	}
	return u + "/ws/guest?token=" + url.QueryEscape(p.token) + fmt.Sprintf("&after=%d", after)
}

// run keeps a socket open until ctx ends, reconnecting as the clients do:
// at once after "go elsewhere" (4001) or "resume" (4000), after a short
// pause otherwise.
func (p *party) run(ctx context.Context) {
	var down time.Time
	downCode := 0
	for ctx.Err() == nil {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		// The socket's client shares the cookies, not the timeout.
		opts := &websocket.DialOptions{HTTPClient: &http.Client{Jar: p.api.http.Jar}}
		conn, res, err := websocket.Dial(dctx, p.wsURL(), opts)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !p.api.tolerate5xx.Load() {
				status := 0
				if res != nil {
					status = res.StatusCode
				}
				p.j.seen("%s: connect: %d %v", p.name, status, err)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		conn.SetReadLimit(1 << 20)
		now := time.Now()
		if !down.IsZero() {
			p.j.mu.Lock()
			p.j.outages = append(p.j.outages, outage{party: p.name, from: down, till: now, code: downCode})
			p.j.mu.Unlock()
		}
		p.mu.Lock()
		p.conn = conn
		missed := map[int64]int64{}
		if p.agent {
			for c := range p.follows {
				missed[c] = p.last[c]
			}
		}
		pending := append([]outgoing(nil), p.outbox...)
		p.mu.Unlock()
		if len(missed) > 0 {
			go p.catchUp(ctx, missed)
		}
		for _, o := range pending {
			p.write(ctx, conn, o.frame())
		}

		err = p.read(ctx, conn)
		p.mu.Lock()
		p.conn = nil
		p.mu.Unlock()
		conn.CloseNow() //nolint:errcheck
		if ctx.Err() != nil {
			return
		}
		down, downCode = time.Now(), int(websocket.CloseStatus(err))
		p.j.mu.Lock()
		p.j.drops[downCode]++
		p.j.mu.Unlock()
		switch downCode {
		case model.CloseGoAway, model.CloseResume:
		default:
			if !p.api.tolerate5xx.Load() {
				p.j.seen("%s: socket ended: %v", p.name, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// catchUp fetches the messages after each conversation's last one.
func (p *party) catchUp(ctx context.Context, after map[int64]int64) {
	for c, seq := range after {
		var msgs []model.Message
		if _, err := p.api.do(ctx, "GET", fmt.Sprintf("/api/v1/conversations/%d/messages?after=%d", c, seq), nil, &msgs); err != nil {
			continue // the next socket tries again
		}
		p.mu.Lock()
		for _, m := range msgs {
			p.record(c, m.Seq)
		}
		p.mu.Unlock()
	}
}

// record notes that message seq of conv arrived; p.mu is held.
func (p *party) record(c, seq int64) {
	if p.received[c] == nil {
		p.received[c] = map[int64]int{}
	}
	p.received[c][seq]++
	for p.received[c][p.last[c]+1] > 0 {
		p.last[c]++
	}
}

func (o outgoing) frame() model.Event {
	return model.Event{Type: model.EventMessage, ConversationID: o.conv, ClientID: o.clientID, Message: &model.Message{Body: o.body}}
}

func (p *party) write(ctx context.Context, conn *websocket.Conn, ev model.Event) {
	b, _ := json.Marshal(ev)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn.Write(wctx, websocket.MessageText, b) //nolint:errcheck // the read loop sees a broken socket
}

func (p *party) read(ctx context.Context, conn *websocket.Conn) error {
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return err
		}
		var ev model.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			p.j.seen("%s: bad frame %q", p.name, data)
			continue
		}
		p.mu.Lock()
		switch ev.Type {
		case model.EventMessage:
			if m := ev.Message; m != nil {
				c := m.ConversationID
				if c == 0 {
					c = ev.ConversationID
				}
				p.record(c, m.Seq)
			}
		case model.EventAck:
			if _, ok := p.acked[ev.ClientID]; !ok {
				p.acked[ev.ClientID] = ev.Seq
			}
			for i, o := range p.outbox {
				if o.clientID == ev.ClientID {
					p.outbox = append(p.outbox[:i], p.outbox[i+1:]...)
					break
				}
			}
		case model.EventError:
			if ev.ClientID != "" {
				p.j.seen("%s: message %s refused: %+v", p.name, ev.ClientID, ev.Error)
			}
		}
		p.mu.Unlock()
	}
}

// send queues a message and writes it if a socket is open.
func (p *party) send(ctx context.Context, conv int64, body string) {
	p.mu.Lock()
	p.sent++
	o := outgoing{conv: conv, clientID: fmt.Sprintf("%s-%d", p.name, p.sent), body: body}
	p.outbox = append(p.outbox, o)
	conn := p.conn
	p.mu.Unlock()
	if conn != nil {
		p.write(ctx, conn, o.frame())
	}
}

// unacked counts messages still waiting for their acknowledgement.
func (p *party) unacked() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.outbox)
}

// has reports whether the party has received seq 1..n of conv, each once
// at least, and how many it received more than once.
func (p *party) has(conv, n int64) (complete bool, dup int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	complete = true
	for s := int64(1); s <= n; s++ {
		switch c := p.received[conv][s]; {
		case c == 0:
			complete = false
		case c > 1:
			dup += c - 1
		}
	}
	return complete, dup
}
