package caldav

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-webdav/caldav"
)

// Account is how to reach one agent's calendar.
type Account struct {
	// URL is the calendar collection, or a principal, calendar home or
	// server root URL from which the first calendar that holds events is
	// discovered.
	URL string
	// Username and Password log in with HTTP basic authentication; the
	// password is an app-specific password, never the account's own.
	Username, Password string
}

// Event is a meeting as Frontdesk writes it into an agent's calendar.
type Event struct {
	// UID is the meeting's iCalendar UID, the same as in the invitation
	// emails, so calendar clients see one event. Sequence is bumped by the
	// caller on every change.
	UID      string
	Sequence int
	// Start and End are instants; they are written in UTC and shown by
	// calendar clients in the viewer's zone.
	Start, End                    time.Time
	Summary, Description, URL     string
	OrganizerName, OrganizerEmail string
	Attendees                     []Attendee
	// Cancelled keeps the event with STATUS:CANCELLED instead of deleting
	// it, as calendar clients do for a cancelled invitation.
	Cancelled bool
}

// Attendee is a meeting participant.
type Attendee struct {
	Name, Email string
}

// Options configure a Client. The zero value is usable.
type Options struct {
	// Timeout bounds each HTTP request, including reading the answer.
	// Default 10 s.
	Timeout time.Duration
	// Transport carries the requests; default http.DefaultTransport.
	Transport http.RoundTripper
	// CacheSize bounds the number of accounts whose discovered calendar
	// collection is remembered. Default 1024.
	CacheSize int
	// OwnEvent reports whether a UID is one Frontdesk itself wrote. Busy
	// leaves such events out: the booking service counts its meetings from
	// its own records, and a meeting being rescheduled must not be blocked
	// by its own old copy.
	OwnEvent func(uid string) bool
	// Logger receives warnings about events that could not be read.
	// Default slog.Default().
	Logger *slog.Logger
	// Now is the clock (DTSTAMP, connection checks); default time.Now.
	Now func() time.Time
}

// Client talks CalDAV to agents' calendars. It is safe for concurrent use;
// one Client serves every account.
type Client struct {
	http     *http.Client
	ownEvent func(string) bool
	log      *slog.Logger
	now      func() time.Time

	collections *collectionCache
}

// New returns a Client.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = 1024
	}
	if opts.OwnEvent == nil {
		opts.OwnEvent = func(string) bool { return false }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Client{
		http:        &http.Client{Transport: opts.Transport, Timeout: opts.Timeout},
		ownEvent:    opts.OwnEvent,
		log:         opts.Logger,
		now:         opts.Now,
		collections: newCollectionCache(opts.CacheSize),
	}
}

// Check tests an account the way the settings form's "Test connection"
// button needs: it finds the calendar afresh and reads from it, and returns
// an error wrapping ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrNoCalendar, ErrUnreachable or ErrBadAccount when it cannot.
func (c *Client) Check(ctx context.Context, acct Account) error {
	a, err := c.open(acct)
	if err != nil {
		return fmt.Errorf("calendar: check: %w", err)
	}
	coll, err := a.discover(ctx)
	if err != nil {
		return fmt.Errorf("calendar: check %s: %w", redact(a.base), err)
	}
	c.collections.put(a.key, coll)
	now := c.now()
	if _, err := a.query(ctx, coll, now, now.Add(time.Minute)); err != nil {
		return fmt.Errorf("calendar: check %s: read events: %w", redact(coll), err)
	}
	return nil
}

// Put writes e into the account's calendar, creating it or replacing the
// previous version with the same UID in place. The caller bumps Sequence on
// every change so calendar clients take the new version.
func (c *Client) Put(ctx context.Context, acct Account, e Event) error {
	if err := e.validate(); err != nil {
		return fmt.Errorf("calendar: put event: %w", err)
	}
	a, err := c.open(acct)
	if err != nil {
		return fmt.Errorf("calendar: put event %s: %w", e.UID, err)
	}
	body, err := e.encode(c.now())
	if err != nil {
		return fmt.Errorf("calendar: put event %s: %w", e.UID, err)
	}
	coll, err := c.collection(ctx, a)
	if err != nil {
		return fmt.Errorf("calendar: put event %s: %w", e.UID, err)
	}
	// A plain PUT rather than go-webdav's PutCalendarObject, which fails
	// after a successful write when the server answers with a weak ETag.
	target := coll.JoinPath(objectName(e.UID))
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, target.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("calendar: put event %s: %w", e.UID, err)
	}
	req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	resp, err := a.http.Do(req)
	if err != nil {
		c.collections.forget(a.key, err)
		return fmt.Errorf("calendar: put event %s to %s: %w", e.UID, redact(coll), err)
	}
	resp.Body.Close()
	return nil
}

// Delete removes the event with uid from the account's calendar. An event
// that is not there is no error: the outcome is the same.
func (c *Client) Delete(ctx context.Context, acct Account, uid string) error {
	a, err := c.open(acct)
	if err != nil {
		return fmt.Errorf("calendar: delete event %s: %w", uid, err)
	}
	coll, err := c.collection(ctx, a)
	if err != nil {
		return fmt.Errorf("calendar: delete event %s: %w", uid, err)
	}
	cl, err := a.caldav(coll)
	if err != nil {
		return fmt.Errorf("calendar: delete event %s: %w", uid, err)
	}
	if err := cl.RemoveAll(ctx, coll.JoinPath(objectName(uid)).Path); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("calendar: delete event %s from %s: %w", uid, redact(coll), err)
	}
	return nil
}

// Get reads back the event with uid that Put wrote. It fails with
// ErrNotFound when there is none.
func (c *Client) Get(ctx context.Context, acct Account, uid string) (Event, error) {
	a, err := c.open(acct)
	if err != nil {
		return Event{}, fmt.Errorf("calendar: get event %s: %w", uid, err)
	}
	coll, err := c.collection(ctx, a)
	if err != nil {
		return Event{}, fmt.Errorf("calendar: get event %s: %w", uid, err)
	}
	cl, err := a.caldav(coll)
	if err != nil {
		return Event{}, fmt.Errorf("calendar: get event %s: %w", uid, err)
	}
	obj, err := cl.GetCalendarObject(ctx, coll.JoinPath(objectName(uid)).Path)
	if err != nil {
		return Event{}, fmt.Errorf("calendar: get event %s from %s: %w", uid, redact(coll), err)
	}
	e, err := decodeEvent(obj.Data)
	if err != nil {
		return Event{}, fmt.Errorf("calendar: get event %s: %w", uid, err)
	}
	return e, nil
}

// account is an Account ready for requests.
type account struct {
	key  string // identifies the account in the caches, without the password
	base *url.URL
	http *authClient
}

func (c *Client) open(acct Account) (*account, error) {
	u, err := url.Parse(strings.TrimSpace(acct.URL))
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return nil, fmt.Errorf("%w: the URL must start with https://", ErrBadAccount)
	case u.User != nil:
		return nil, fmt.Errorf("%w: put the username and password in their own fields, not in the URL", ErrBadAccount)
	case acct.Username == "":
		return nil, fmt.Errorf("%w: the username is empty", ErrBadAccount)
	case acct.Password == "":
		return nil, fmt.Errorf("%w: the app password is empty", ErrBadAccount)
	}
	// The password is part of the key so that answers fetched with an old
	// password are never served for a new one, but only as a hash, since
	// keys end up in memory dumps and debuggers.
	pw := sha256.Sum256([]byte(acct.Password))
	return &account{
		key:  u.String() + "\x00" + acct.Username + "\x00" + hex.EncodeToString(pw[:8]),
		base: u,
		http: &authClient{http: c.http, username: acct.Username, password: acct.Password},
	}, nil
}

// caldav returns a go-webdav client rooted at u; paths given to it are
// resolved against u's scheme and host.
func (a *account) caldav(u *url.URL) (*caldav.Client, error) {
	cl, err := caldav.NewClient(a.http, u.String())
	if err != nil {
		return nil, fmt.Errorf("caldav client: %w", err)
	}
	return cl, nil
}

// collection returns the account's calendar collection, discovering it on
// first use.
func (c *Client) collection(ctx context.Context, a *account) (*url.URL, error) {
	if u, ok := c.collections.get(a.key); ok {
		return u, nil
	}
	u, err := a.discover(ctx)
	if err != nil {
		return nil, err
	}
	c.collections.put(a.key, u)
	return u, nil
}
