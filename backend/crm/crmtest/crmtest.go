// Package crmtest runs loopback fakes of the HubSpot and Salesforce REST
// APIs for tests. They speak the documented endpoints, request and answer
// shapes, authentication and error bodies, and they are strict: a request
// without the right token, with an unknown field, a missing required field,
// a malformed SOQL literal or a filter on a long text area is refused the
// way the real CRM refuses it. They keep state (contacts, companies, notes,
// associations, accounts, leads) that tests seed and inspect, record every
// request, and can be told to fail with the CRM's own 401, 403, 429 and 5xx
// answers.
//
// What they do not model: permissions and sharing, custom fields, duplicate
// rules, workflows, and most of SOQL (the subset is SELECT fields FROM
// object WHERE a AND b ... ORDER BY field LIMIT n, with =, != and LIKE).
// HubSpot search can be made to lag behind writes, as the real index does.
package crmtest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Request is one request a fake received.
type Request struct {
	Method        string
	Path          string
	Query         url.Values
	Header        http.Header
	Body          string
	Authorization string
	Status        int // the status the fake answered
}

// Fault makes a fake answer matching requests with an error instead of
// serving them.
type Fault struct {
	Method string // "" matches any method
	Path   string // path prefix; "" matches any path
	Status int
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Body replaces the CRM's documented error body for Status.
	Body string
	// Times is how many matching requests fail; 0 means 1.
	Times int
}

// recorder keeps the requests a fake saw and the faults it still owes.
type recorder struct {
	mu       sync.Mutex
	requests []Request
	faults   []Fault
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

// maxRequestBody is more than any CRM call of ours needs; both CRMs refuse
// far smaller bodies than their limits with 413.
const maxRequestBody = 1 << 20

// faultWriter writes the CRM's answer for a fault.
type faultWriter func(w http.ResponseWriter, f Fault)

// serve records the request, answers with a pending fault when one
// matches, and hands it to next otherwise.
func (r *recorder) serve(writeFault faultWriter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, maxRequestBody+1))
		if err != nil || len(body) > maxRequestBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if f, ok := r.takeFault(req); ok {
			if f.RetryAfter != "" {
				sw.Header().Set("Retry-After", f.RetryAfter)
			}
			writeFault(sw, f)
		} else {
			next.ServeHTTP(sw, req)
		}
		r.mu.Lock()
		r.requests = append(r.requests, Request{
			Method:        req.Method,
			Path:          req.URL.Path,
			Query:         req.URL.Query(),
			Header:        req.Header.Clone(),
			Body:          string(body),
			Authorization: req.Header.Get("Authorization"),
			Status:        sw.status,
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
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// decodeStrict decodes a JSON body and refuses unknown fields and trailing
// data, as both CRMs refuse input they cannot map.
func decodeStrict(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func isJSON(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func correlationID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
