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
		return responseError(res.StatusCode, r)
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", method, path, err)
	}
	return nil
}

// responseError reads an error answer. A 409 contact_exists also carries
// the contact already in the phonebook: it becomes a *ContactExistsError.
func responseError(status int, r io.Reader) error {
	body, _ := io.ReadAll(r)
	apiErr := decodeError(status, body)
	if apiErr.Code == model.CodeContactExists {
		var dup struct {
			Existing *model.Contact `json:"existing"`
		}
		if json.Unmarshal(body, &dup) == nil && dup.Existing != nil {
			return &ContactExistsError{Err: apiErr, Existing: *dup.Existing}
		}
	}
	return apiErr
}

func decodeError(status int, body []byte) *model.Error {
	var env model.ErrorResponse
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil || env.Error.Code == "" {
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

// The side panel's calls: assignment, phonebook, meeting card, CRM lead.

// Assign changes a conversation's service, assignee, or both; Leave also
// takes the signed-in agent out of it ("Apply and leave"). A service with
// no active Standard member is a *model.Error with code
// service_not_assignable; an assignee who cannot hold it,
// assignee_not_eligible.
func (c *Client) Assign(ctx context.Context, id int64, req model.AssignRequest) (model.Conversation, error) {
	var conv model.Conversation
	err := c.do(ctx, http.MethodPost, conversationURL(id)+"/assign", req, &conv)
	return conv, err
}

// ContactExistsError is the answer to adding a contact whose email or
// phone is already in the phonebook: it carries that contact, so the app
// can offer to update it.
type ContactExistsError struct {
	Err      *model.Error
	Existing model.Contact
}

func (e *ContactExistsError) Error() string { return e.Err.Error() }

// Unwrap lets model.AsError see the API error.
func (e *ContactExistsError) Unwrap() error { return e.Err }

// AddContact adds a contact to the organization's phonebook. A contact with
// the same email or phone is a *ContactExistsError.
func (c *Client) AddContact(ctx context.Context, in model.ContactInput) (model.Contact, error) {
	return c.saveContact(ctx, http.MethodPost, "/api/v1/phonebook", in)
}

// UpdateContact replaces a phonebook contact's details. Taking the email or
// phone of another contact is a *ContactExistsError.
func (c *Client) UpdateContact(ctx context.Context, id int64, in model.ContactInput) (model.Contact, error) {
	return c.saveContact(ctx, http.MethodPatch, "/api/v1/phonebook/"+strconv.FormatInt(id, 10), in)
}

// saveContact is do for the phonebook, whose 409 answer carries the
// existing contact beside the error envelope, which do would drop.
func (c *Client) saveContact(ctx context.Context, method, path string, in model.ContactInput) (model.Contact, error) {
	var out model.Contact
	err := c.do(ctx, method, path, in, &out)
	return out, err
}

// ConversationMeeting returns the meeting a conversation was created for;
// a conversation without one is a *model.Error with code not_found.
func (c *Client) ConversationMeeting(ctx context.Context, id int64) (model.Meeting, error) {
	var m model.Meeting
	err := c.do(ctx, http.MethodGet, conversationURL(id)+"/meeting", nil, &m)
	return m, err
}

// ChangeMeeting reschedules a meeting or changes its duration (the
// meeting's agent or an admin). Refusals are *model.Error with codes
// slot_taken, start_in_past, outside_availability, invalid_duration or
// meeting_cancelled.
func (c *Client) ChangeMeeting(ctx context.Context, id int64, change model.MeetingChange) (model.Meeting, error) {
	var m model.Meeting
	err := c.do(ctx, http.MethodPatch, meetingURL(id), change, &m)
	return m, err
}

// CancelMeeting deletes (cancels) a meeting and returns it cancelled.
func (c *Client) CancelMeeting(ctx context.Context, id int64) (model.Meeting, error) {
	var m model.Meeting
	err := c.do(ctx, http.MethodDelete, meetingURL(id), nil, &m)
	return m, err
}

// MyAvailability returns the signed-in agent's availability, with the
// meeting durations they offer.
func (c *Client) MyAvailability(ctx context.Context) (model.Availability, error) {
	var av model.Availability
	err := c.do(ctx, http.MethodGet, "/api/v1/me/availability", nil, &av)
	return av, err
}

// MySlots returns the signed-in agent's free slots of duration minutes for
// the next days, as guests see them.
func (c *Client) MySlots(ctx context.Context, days, duration int) (model.SlotList, error) {
	q := url.Values{"days": {strconv.Itoa(days)}, "duration": {strconv.Itoa(duration)}}
	var list model.SlotList
	err := c.do(ctx, http.MethodGet, "/api/v1/me/availability/preview?"+q.Encode(), nil, &list)
	return list, err
}

// AgentCard returns the public card of an agent's personal link, with the
// meeting durations the agent offers.
func (c *Client) AgentCard(ctx context.Context, slug string) (model.AgentCard, error) {
	var card model.AgentCard
	err := c.do(ctx, http.MethodGet, "/api/v1/public/links/"+url.PathEscape(slug), nil, &card)
	return card, err
}

// CreateCRMLead asks for a lead in the organization's CRM for a
// conversation's guest. The answer (202) is pending, or done when the lead
// exists; later changes come as conversation events. No CRM connected is a
// *model.Error with code crm_not_configured; a guest without an email,
// guest_without_email.
func (c *Client) CreateCRMLead(ctx context.Context, id int64) (model.CRMLead, error) {
	var lead model.CRMLead
	err := c.do(ctx, http.MethodPost, conversationURL(id)+"/crm-lead", nil, &lead)
	return lead, err
}

func meetingURL(id int64) string {
	return "/api/v1/meetings/" + strconv.FormatInt(id, 10)
}

// The methods below serve the app's other screens: administration, the
// agent's availability and calendar, meetings, the phonebook and Web Push.

// Organization returns the signed-in agent's organization.
func (c *Client) Organization(ctx context.Context) (model.Organization, error) {
	var org model.Organization
	err := c.do(ctx, http.MethodGet, "/api/v1/organization", nil, &org)
	return org, err
}

// RenameOrganization changes the organization's name (admins).
func (c *Client) RenameOrganization(ctx context.Context, name string) (model.Organization, error) {
	var org model.Organization
	err := c.do(ctx, http.MethodPatch, "/api/v1/organization", map[string]string{"name": name}, &org)
	return org, err
}

// CreateAgent adds an agent (admins): 409 email_taken or slug_taken, 422
// validation_failed, with the field in Fields.
func (c *Client) CreateAgent(ctx context.Context, in model.AgentInput) (model.Agent, error) {
	var a model.Agent
	err := c.do(ctx, http.MethodPost, "/api/v1/agents", in, &a)
	return a, err
}

// UpdateAgent changes the fields of in that are set (admins); 409 last_admin
// when it would leave the organization without an active admin.
func (c *Client) UpdateAgent(ctx context.Context, id int64, in model.AgentInput) (model.Agent, error) {
	var a model.Agent
	err := c.do(ctx, http.MethodPatch, agentURL(id), in, &a)
	return a, err
}

// DeactivateAgent signs an agent out for good and takes them off
// assignment (admins); their conversations and meetings stay.
func (c *Client) DeactivateAgent(ctx context.Context, id int64) (model.Agent, error) {
	var a model.Agent
	err := c.do(ctx, http.MethodDelete, agentURL(id), nil, &a)
	return a, err
}

// CreateService adds a service (admins); 409 name_taken.
func (c *Client) CreateService(ctx context.Context, in model.ServiceInput) (model.Service, error) {
	var s model.Service
	err := c.do(ctx, http.MethodPost, "/api/v1/services", in, &s)
	return s, err
}

// UpdateService changes the fields of in that are set (admins).
func (c *Client) UpdateService(ctx context.Context, id int64, in model.ServiceInput) (model.Service, error) {
	var s model.Service
	err := c.do(ctx, http.MethodPatch, serviceURL(id), in, &s)
	return s, err
}

// DeleteService removes a service (admins).
func (c *Client) DeleteService(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, serviceURL(id), nil, nil)
}

// Widgets lists the organization's website widgets, each with its snippet.
func (c *Client) Widgets(ctx context.Context) ([]model.Widget, error) {
	var list []model.Widget
	err := c.do(ctx, http.MethodGet, "/api/v1/widgets", nil, &list)
	return list, err
}

// CreateWidget adds a widget (admins).
func (c *Client) CreateWidget(ctx context.Context, in model.WidgetInput) (model.Widget, error) {
	var w model.Widget
	err := c.do(ctx, http.MethodPost, "/api/v1/widgets", in, &w)
	return w, err
}

// UpdateWidget changes the fields of in that are set (admins); invalid
// allowed origins come back keyed allowed_origins[i].
func (c *Client) UpdateWidget(ctx context.Context, id int64, in model.WidgetInput) (model.Widget, error) {
	var w model.Widget
	err := c.do(ctx, http.MethodPatch, "/api/v1/widgets/"+strconv.FormatInt(id, 10), in, &w)
	return w, err
}

// CRM returns the organization's CRM connection, without its secrets
// (admins).
func (c *Client) CRM(ctx context.Context) (model.CRMSettings, error) {
	var s model.CRMSettings
	err := c.do(ctx, http.MethodGet, "/api/v1/crm", nil, &s)
	return s, err
}

// SetCRM connects a CRM; empty secrets keep the stored ones (admins).
func (c *Client) SetCRM(ctx context.Context, in model.CRMInput) (model.CRMSettings, error) {
	var s model.CRMSettings
	err := c.do(ctx, http.MethodPut, "/api/v1/crm", in, &s)
	return s, err
}

// DeleteCRM disconnects the CRM (admins).
func (c *Client) DeleteCRM(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/crm", nil, nil)
}

// TestCRM asks the CRM with the stored credentials whether they work; a
// refusal is a *model.Error (crm_unauthorized, crm_unavailable…).
func (c *Client) TestCRM(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/api/v1/crm/test", nil, nil)
}

// SetAvailability replaces the agent's availability; problems come back
// keyed as the request's fields (rules[0].start, overrides[1].date…).
func (c *Client) SetAvailability(ctx context.Context, av model.Availability) (model.Availability, error) {
	var out model.Availability
	err := c.do(ctx, http.MethodPut, "/api/v1/me/availability", av, &out)
	return out, err
}

// Calendar returns the agent's calendar connection and feed URL.
func (c *Client) Calendar(ctx context.Context) (model.CalendarSettings, error) {
	var s model.CalendarSettings
	err := c.do(ctx, http.MethodGet, "/api/v1/me/calendar", nil, &s)
	return s, err
}

// ConnectCalendar checks a CalDAV account against its server and stores
// it; 422 calendar_unusable says why it cannot be used.
func (c *Client) ConnectCalendar(ctx context.Context, in model.CalendarInput) (model.CalendarSettings, error) {
	var s model.CalendarSettings
	err := c.do(ctx, http.MethodPut, "/api/v1/me/calendar", in, &s)
	return s, err
}

// DisconnectCalendar forgets the agent's CalDAV account.
func (c *Client) DisconnectCalendar(ctx context.Context) (model.CalendarSettings, error) {
	var s model.CalendarSettings
	err := c.do(ctx, http.MethodDelete, "/api/v1/me/calendar", nil, &s)
	return s, err
}

// RotateFeed gives the agent a new ICS feed URL; the old one stops working.
func (c *Client) RotateFeed(ctx context.Context) (model.CalendarSettings, error) {
	var s model.CalendarSettings
	err := c.do(ctx, http.MethodPost, "/api/v1/me/calendar/feed", nil, &s)
	return s, err
}

// Meetings lists the signed-in agent's upcoming meetings, soonest first.
func (c *Client) Meetings(ctx context.Context) ([]model.Meeting, error) {
	var list []model.Meeting
	err := c.do(ctx, http.MethodGet, "/api/v1/meetings", nil, &list)
	return list, err
}

// Contacts searches the phonebook by name, email, phone or company; an
// empty q lists it.
func (c *Client) Contacts(ctx context.Context, q string) ([]model.Contact, error) {
	path := "/api/v1/phonebook"
	if q != "" {
		path += "?" + url.Values{"q": {q}}.Encode()
	}
	var list []model.Contact
	err := c.do(ctx, http.MethodGet, path, nil, &list)
	return list, err
}

// PushSubscription is a browser's Web Push subscription as the API takes
// it (PushSubscription.toJSON()'s shape).
type PushSubscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// PushKey returns the server's VAPID public key (base64url); 503
// unavailable when the server sends no push notifications.
func (c *Client) PushKey(ctx context.Context) (string, error) {
	var out struct {
		PublicKey string `json:"public_key"`
	}
	err := c.do(ctx, http.MethodGet, "/api/v1/push/key", nil, &out)
	return out.PublicKey, err
}

// SubscribePush has the agent's notifications pushed to this browser.
func (c *Client) SubscribePush(ctx context.Context, sub PushSubscription) error {
	return c.do(ctx, http.MethodPost, "/api/v1/push/subscriptions", sub, nil)
}

// UnsubscribePush stops pushing the agent's notifications to a browser.
func (c *Client) UnsubscribePush(ctx context.Context, endpoint string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/push/subscriptions", map[string]string{"endpoint": endpoint}, nil)
}

func (c *Client) csrfToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.csrf
}

func agentURL(id int64) string   { return "/api/v1/agents/" + strconv.FormatInt(id, 10) }
func serviceURL(id int64) string { return "/api/v1/services/" + strconv.FormatInt(id, 10) }
