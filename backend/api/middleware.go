package api

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/model"
)

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and Hijack (websockets).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack is needed by websocket upgrades that type-assert http.Hijacker.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	if w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return h.Hijack()
}

// Flush passes through for streaming responses.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// observe logs each request and records its metrics under the route pattern
// (not the raw path, which would explode label cardinality).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		s.latency.WithLabelValues(route).Observe(d.Seconds())
		level := slogLevel(sw.status)
		s.log.Log(r.Context(), level, "http request",
			"method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status,
			"bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "ip", s.clientIP(r))
	})
}

// recoverer turns a handler panic into a logged 500 instead of a dead
// process. http.ErrAbortHandler is the deliberate way to abort and passes.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "handler panic", "panic", v, "path", r.URL.Path, "stack", string(debug.Stack()))
			s.writeError(w, r, &model.Error{Status: http.StatusInternalServerError, Code: model.CodeInternal, Message: "Something went wrong on our side. Please try again."})
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets what every response should carry. Framing is left to
// each handler: the widget iframe must be embeddable, the app must not.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// unreadableURL answers 404 to a URL whose path or query holds a NUL byte
// or bytes that are not UTF-8 once decoded: no slug, key, token or search
// looks like that, and PostgreSQL refuses such text, so the request could
// only fail later, as a 500.
func (s *Server) unreadableURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if readable(r.URL.Path) && readableQuery(r.URL.RawQuery) {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/ws/") {
			s.writeError(w, r, &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Not found: the address holds a character no resource has."})
			return
		}
		http.Error(w, "404 page not found", http.StatusNotFound)
	})
}

func readable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func readableQuery(raw string) bool {
	if raw == "" {
		return true
	}
	q, _ := url.ParseQuery(raw)
	for k, vs := range q {
		if !readable(k) {
			return false
		}
		for _, v := range vs {
			if !readable(v) {
				return false
			}
		}
	}
	return true
}

// crossOrigin refuses unsafe requests a browser sends from another origin,
// using Fetch metadata and Origin (net/http's CrossOriginProtection).
func crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, model.ErrorResponse{Error: &model.Error{Code: model.CodeCrossOrigin, Message: "Cross-origin requests are not allowed here."}})
	}))
	return p.Handler(next)
}

// clientIP is the address rate limits and logs use.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			// The left-most entry is the client as our proxy saw it.
			for i := 0; i < len(xff); i++ {
				if xff[i] == ',' {
					xff = xff[:i]
					break
				}
			}
			if ip := net.ParseIP(strings.TrimSpace(xff)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimited writes 429 with Retry-After.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(wait/time.Second) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.writeError(w, r, &model.Error{Status: http.StatusTooManyRequests, Code: model.CodeRateLimited, Message: "Too many requests. Please wait " + strconv.Itoa(secs) + " seconds and try again."})
}

// Public wraps guest-facing handlers with the per-address rate limit.
func (s *Server) Public(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.guests.Allow(s.clientIP(r)); !ok {
			s.rateLimited(w, r, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func slogLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
