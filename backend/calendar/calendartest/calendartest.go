// Package calendartest runs loopback fakes of Google Calendar (API v3 with
// Google's OAuth 2.0 endpoints) and Microsoft Graph v1.0 calendars (with the
// Microsoft identity platform's v2.0 endpoints) for tests. Like the CRM
// fakes they speak the documented endpoints, request and answer shapes,
// authentication and error bodies, and they are strict: an unknown client,
// an unregistered redirect URI, a missing or wrong PKCE verifier, a reused
// code, a token without the needed scope, an unknown field in a body or a
// sync token used with time bounds is refused the way the real service
// refuses it.
//
// Each fake has a consent page a browser can click through (or Authorize
// for tests without one), keeps accounts, calendars and events that tests
// seed and inspect, expands recurring events, issues sync tokens and delta
// links that can be made to expire, posts change notifications to
// subscribed URLs (Graph's validation handshake included), records every
// request and can be told to fail with the service's own 401, 403, 429 and
// 5xx answers, or to answer slowly.
//
// What they do not model: sharing and free/busy-only calendars, most
// recurrence rules (daily and weekly ones are expanded), attachments,
// conference data, and Google's or Exchange's own invitation emails, which
// are only counted (InvitationsSent) so tests can show none was caused.
package calendartest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Request is one request a fake received.
type Request struct {
	Method        string
	Path          string
	Query         url.Values
	Header        http.Header
	Body          string
	Authorization string
	Status        int       // the status the fake answered
	At            time.Time // when it arrived
}

// Fault makes a fake answer matching requests with an error instead of
// serving them.
type Fault struct {
	Method string // "" matches any method
	Path   string // path prefix; "" matches any path
	Status int
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Reason is Google's error reason or Graph's error code; empty for
	// the service's usual one for Status.
	Reason string
	// Body replaces the whole documented error body.
	Body string
	// Times is how many matching requests fail; 0 means 1.
	Times int
}

// Delivery is one notification a fake posted to a subscriber.
type Delivery struct {
	URL    string
	Header http.Header
	Body   string // what was posted
	Status int    // 0 when the request failed
	Answer string // what the subscriber answered
	Err    error  // the transport error, if any
}

// recorder keeps the requests a fake saw, the faults it still owes and
// its artificial latency.
type recorder struct {
	mu       sync.Mutex
	requests []Request
	faults   []Fault
	delay    time.Duration
}

// Requests returns every request received so far, in order.
func (r *recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Count returns how many requests had this method and a path starting with
// prefix ("" matches any method).
func (r *recorder) Count(method, prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.requests {
		if (method == "" || q.Method == method) && strings.HasPrefix(q.Path, prefix) {
			n++
		}
	}
	return n
}

// Inject queues faults; each fails its next Times matching requests.
func (r *recorder) Inject(faults ...Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range faults {
		if f.Times <= 0 {
			f.Times = 1
		}
		r.faults = append(r.faults, f)
	}
}

// SetDelay makes every API request (not the OAuth endpoints) wait d before
// it is answered, as a slow provider would.
func (r *recorder) SetDelay(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delay = d
}

func (r *recorder) takeFault(req *http.Request) (Fault, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.faults {
		f := &r.faults[i]
		if (f.Method == "" || f.Method == req.Method) && strings.HasPrefix(req.URL.Path, f.Path) {
			got := *f
			if f.Times--; f.Times == 0 {
				r.faults = append(r.faults[:i], r.faults[i+1:]...)
			}
			return got, true
		}
	}
	return Fault{}, false
}

// maxRequestBody is more than any calendar call of ours needs.
const maxRequestBody = 1 << 20

// serve records the request, waits out the delay for API paths, answers
// with a pending fault when one matches, and hands it to next otherwise.
func (r *recorder) serve(isAPI func(path string) bool, writeFault func(http.ResponseWriter, Fault), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		at := time.Now()
		body, err := io.ReadAll(io.LimitReader(req.Body, maxRequestBody+1))
		if err != nil || len(body) > maxRequestBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if isAPI(req.URL.Path) {
			r.mu.Lock()
			d := r.delay
			r.mu.Unlock()
			if d > 0 {
				select {
				case <-time.After(d):
				case <-req.Context().Done():
					return
				}
			}
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if f, ok := r.takeFault(req); ok {
			if f.RetryAfter != "" {
				sw.Header().Set("Retry-After", f.RetryAfter)
			}
			if f.Body != "" {
				writeRaw(sw, f.Status, "application/json; charset=UTF-8", f.Body)
			} else {
				writeFault(sw, f)
			}
		} else {
			next.ServeHTTP(sw, req)
		}
		r.mu.Lock()
		r.requests = append(r.requests, Request{
			Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone(),
			Body: string(body), Authorization: req.Header.Get("Authorization"), Status: sw.status, At: at,
		})
		r.mu.Unlock()
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// decodeStrict decodes a JSON body and refuses unknown fields and trailing
// data, as both services refuse properties they do not define.
func decodeStrict(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func uuid() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// isLoopback reports whether a notification address points at this
// machine; the real services want https, the fakes also take loopback
// http for the server under test.
func isLoopback(u *url.URL) bool {
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// notifier posts notifications in the background and remembers what
// came of each.
type notifier struct {
	client *http.Client
	wg     sync.WaitGroup

	mu         sync.Mutex
	deliveries []Delivery
	closed     bool
}

func newNotifier() *notifier {
	return &notifier{client: &http.Client{Timeout: 10 * time.Second}}
}

// post sends one notification asynchronously, as the services do.
func (n *notifier) post(u string, header http.Header, body []byte) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.wg.Add(1)
	n.mu.Unlock()
	go func() {
		defer n.wg.Done()
		d := n.send(u, header, body)
		n.mu.Lock()
		n.deliveries = append(n.deliveries, d)
		n.mu.Unlock()
	}()
}

// send posts one request and waits for the answer.
func (n *notifier) send(u string, header http.Header, body []byte) Delivery {
	d := Delivery{URL: u, Header: header, Body: string(body)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header = header.Clone()
	resp, err := n.client.Do(req)
	if err != nil {
		d.Err = err
		return d
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	d.Status, d.Answer = resp.StatusCode, string(b)
	return d
}

// Deliveries returns the notifications posted so far whose answer came.
func (n *notifier) Deliveries() []Delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Delivery(nil), n.deliveries...)
}

func (n *notifier) close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.wg.Wait()
}
