package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/frontdesk/frontdesk/model"
)

// maxResponseBytes bounds what the client reads from one response, so a
// misbehaving server cannot make the tab run out of memory.
const maxResponseBytes = 8 << 20

// Client calls the Frontdesk JSON API. In the browser its http.Client is
// backed by fetch, so the session cookie travels with same-origin requests
// on its own; the client only has to echo the CSRF token, which it learns
// from every Session it receives.
type Client struct {
	base string
	http *http.Client

	mu   sync.Mutex
	csrf string
}

// NewClient returns a client for the API at baseURL (scheme and host, e.g.
// "https://frontdesk.example"). hc nil means http.DefaultClient.
func NewClient(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: hc}
}

// Login signs an agent in. A wrong email or password is a *model.Error with
// code invalid_credentials; too many attempts, rate_limited.
func (c *Client) Login(ctx context.Context, req model.LoginRequest) (model.Session, error) {
	var s model.Session
	if err := c.do(ctx, http.MethodPost, "/api/v1/auth/login", req, &s); err != nil {
		return model.Session{}, err
	}
	c.setCSRF(s.CSRFToken)
	return s, nil
}

// Session returns the signed-in agent's session, or a *model.Error with code
// unauthenticated when there is none.
func (c *Client) Session(ctx context.Context) (model.Session, error) {
	var s model.Session
	if err := c.do(ctx, http.MethodGet, "/api/v1/auth/session", nil, &s); err != nil {
		return model.Session{}, err
	}
	c.setCSRF(s.CSRFToken)
	return s, nil
}

// Logout ends the session.
func (c *Client) Logout(ctx context.Context) error {
	if err := c.do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil); err != nil {
		return err
	}
	c.setCSRF("")
	return nil
}

// Conversations lists one inbox view ("mine", "unassigned", "open" or
// "resolved"), newest activity first.
func (c *Client) Conversations(ctx context.Context, view string) ([]model.Conversation, error) {
	var list []model.Conversation
	err := c.do(ctx, http.MethodGet, "/api/v1/conversations?view="+url.QueryEscape(view), nil, &list)
	return list, err
}

// Conversation returns one conversation as the signed-in agent sees it
// (its Unread is the agent's own).
func (c *Client) Conversation(ctx context.Context, id int64) (model.Conversation, error) {
	var conv model.Conversation
	err := c.do(ctx, http.MethodGet, conversationURL(id), nil, &conv)
	return conv, err
}

// Messages returns up to limit messages of a conversation with seq > after,
// in order. limit 0 means the server's default page (200).
func (c *Client) Messages(ctx context.Context, id, after int64, limit int) ([]model.Message, error) {
	q := url.Values{"after": {strconv.FormatInt(after, 10)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var msgs []model.Message
	err := c.do(ctx, http.MethodGet, conversationURL(id)+"/messages?"+q.Encode(), nil, &msgs)
	return msgs, err
}

// SendMessage posts a message; retrying with the same ClientID stores it
// once and returns the stored message.
func (c *Client) SendMessage(ctx context.Context, id int64, m model.SendMessage) (model.Message, error) {
	var msg model.Message
	err := c.do(ctx, http.MethodPost, conversationURL(id)+"/messages", m, &msg)
	return msg, err
}

// SetStatus changes a conversation's status and returns the conversation.
func (c *Client) SetStatus(ctx context.Context, id int64, status model.Status) (model.Conversation, error) {
	var conv model.Conversation
	err := c.do(ctx, http.MethodPatch, conversationURL(id), model.ConversationPatch{Status: &status}, &conv)
	return conv, err
}

// MarkRead records that the agent has read a conversation up to seq.
func (c *Client) MarkRead(ctx context.Context, id, seq int64) error {
	return c.do(ctx, http.MethodPost, conversationURL(id)+"/read", model.ReadMarker{Seq: seq}, nil)
}

// Agents lists the organization's agents.
func (c *Client) Agents(ctx context.Context) ([]model.Agent, error) {
	var list []model.Agent
	err := c.do(ctx, http.MethodGet, "/api/v1/agents", nil, &list)
	return list, err
}

// Services lists the organization's services with their members.
func (c *Client) Services(ctx context.Context) ([]model.Service, error) {
	var list []model.Service
	err := c.do(ctx, http.MethodGet, "/api/v1/services", nil, &list)
	return list, err
}

func conversationURL(id int64) string {
	return "/api/v1/conversations/" + strconv.FormatInt(id, 10)
}

func (c *Client) setCSRF(token string) {
	c.mu.Lock()
	c.csrf = token
	c.mu.Unlock()
}

// do sends in (when not nil) as JSON and decodes a 2xx body into out (when
// not nil). A non-2xx answer is returned as a *model.Error, built from the
// API's error envelope or, when the body is not one (a proxy's error page),
// from the status alone. Unsafe methods carry the CSRF token.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: encode request: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet && method != http.MethodHead {
		c.mu.Lock()
		token := c.csrf
		c.mu.Unlock()
		if token != "" {
			req.Header.Set(model.CSRFHeader, token)
		}
	}

	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	r := io.LimitReader(res.Body, maxResponseBytes)

	if res.StatusCode < 200 || res.StatusCode > 299 {
		return decodeError(res.StatusCode, r)
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", method, path, err)
	}
	return nil
}

func decodeError(status int, r io.Reader) *model.Error {
	var env model.ErrorResponse
	if err := json.NewDecoder(r).Decode(&env); err != nil || env.Error == nil || env.Error.Code == "" {
		return &model.Error{
			Status:  status,
			Code:    statusCode(status),
			Message: fmt.Sprintf("The server answered %d %s.", status, http.StatusText(status)),
		}
	}
	env.Error.Status = status
	return env.Error
}

// statusCode stands in for the code of an error whose body was not the API's
// envelope, so that callers can still branch on it.
func statusCode(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return model.CodeUnauthenticated
	case status == http.StatusForbidden:
		return model.CodeForbidden
	case status == http.StatusTooManyRequests:
		return model.CodeRateLimited
	case status == http.StatusNotFound:
		return model.CodeNotFound
	case status >= 500:
		return model.CodeUnavailable
	default:
		return model.CodeInternal
	}
}

// isSignedOut reports whether err means there is no valid session, so the
// app should show the login screen rather than an error.
func isSignedOut(err error) bool {
	e, ok := model.AsError(err)
	if !ok {
		return false
	}
	return e.Code == model.CodeUnauthenticated || e.Code == model.CodeSessionExpired || e.Status == http.StatusUnauthorized
}

// userMessage is what to tell the agent about err.
func userMessage(err error) string {
	if e, ok := model.AsError(err); ok && e.Message != "" {
		return e.Message
	}
	if errors.Is(err, context.Canceled) {
		return ""
	}
	return "Could not reach Frontdesk. Check your connection and try again."
}
