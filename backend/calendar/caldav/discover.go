package caldav

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// discover finds the calendar collection behind the account's URL:
//
//  1. the URL itself, when it is a calendar;
//  2. else the calendar home named by the URL (a principal), or by the
//     principal of the logged-in user (a server root such as
//     https://caldav.icloud.com), or the URL taken as the home;
//  3. the home's first calendar that holds events (task lists are skipped).
//
// Hrefs are resolved to full URLs at each step because some servers (iCloud)
// put the calendar home on another host than the one first asked.
func (a *account) discover(ctx context.Context) (*url.URL, error) {
	p, err := a.propfind(ctx, a.base)
	if err != nil {
		return nil, err
	}
	if p.isCalendar() {
		if !p.holdsEvents() {
			return nil, fmt.Errorf("%w: the calendar at this URL holds only %s", ErrNoCalendar, strings.Join(p.Components, ", "))
		}
		return withSlash(a.base), nil
	}

	home, err := a.home(ctx, p)
	if err != nil {
		return nil, err
	}
	cl, err := a.caldav(home)
	if err != nil {
		return nil, err
	}
	cals, err := cl.FindCalendars(ctx, home.Path)
	if err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	for _, cal := range cals {
		if len(cal.SupportedComponentSet) == 0 || slices.Contains(cal.SupportedComponentSet, "VEVENT") {
			return withSlash(home.ResolveReference(&url.URL{Path: cal.Path})), nil
		}
	}
	return nil, ErrNoCalendar
}

// home returns the calendar home for a resource that is not a calendar.
func (a *account) home(ctx context.Context, p davProps) (*url.URL, error) {
	if p.HomeSet != "" {
		return resolveHref(a.base, p.HomeSet)
	}
	if p.Principal == "" {
		return a.base, nil
	}
	principal, err := resolveHref(a.base, p.Principal)
	if err != nil {
		return nil, err
	}
	pp, err := a.propfind(ctx, principal)
	if err != nil {
		return nil, fmt.Errorf("principal: %w", err)
	}
	if pp.HomeSet == "" {
		return principal, nil
	}
	return resolveHref(principal, pp.HomeSet)
}

// davProps are the properties discovery reads from one resource.
type davProps struct {
	ResourceTypes []xml.Name
	Components    []string // supported-calendar-component-set; empty: any
	Principal     string   // current-user-principal href
	HomeSet       string   // calendar-home-set href
}

const (
	nsDAV    = "DAV:"
	nsCalDAV = "urn:ietf:params:xml:ns:caldav"
)

func (p davProps) isCalendar() bool {
	return slices.Contains(p.ResourceTypes, xml.Name{Space: nsCalDAV, Local: "calendar"})
}

func (p davProps) holdsEvents() bool {
	return len(p.Components) == 0 || slices.Contains(p.Components, "VEVENT")
}

const propfindBody = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop>
    <d:resourcetype/>
    <d:current-user-principal/>
    <c:calendar-home-set/>
    <c:supported-calendar-component-set/>
  </d:prop>
</d:propfind>`

// multistatus is the part of a PROPFIND answer discovery needs.
type multistatus struct {
	Responses []struct {
		Href     string `xml:"DAV: href"`
		Propstat []struct {
			Status string `xml:"DAV: status"`
			Prop   struct {
				ResourceType struct {
					Types []struct{ XMLName xml.Name } `xml:",any"`
				} `xml:"DAV: resourcetype"`
				Principal struct {
					Href string `xml:"DAV: href"`
				} `xml:"DAV: current-user-principal"`
				HomeSet struct {
					Hrefs []string `xml:"DAV: href"`
				} `xml:"urn:ietf:params:xml:ns:caldav calendar-home-set"`
				Components struct {
					Comps []struct {
						Name string `xml:"name,attr"`
					} `xml:"urn:ietf:params:xml:ns:caldav comp"`
				} `xml:"urn:ietf:params:xml:ns:caldav supported-calendar-component-set"`
			} `xml:"DAV: prop"`
		} `xml:"DAV: propstat"`
	} `xml:"DAV: response"`
}

// propfind reads davProps of u with a Depth: 0 PROPFIND. go-webdav has
// these lookups too, but returns only the path of an href, losing the host
// that iCloud's calendar home lives on.
func (a *account) propfind(ctx context.Context, u *url.URL) (davProps, error) {
	req, err := http.NewRequestWithContext(ctx, "PROPFIND", u.String(), strings.NewReader(propfindBody))
	if err != nil {
		return davProps{}, fmt.Errorf("propfind: %w", err)
	}
	req.Header.Set("Content-Type", `application/xml; charset="utf-8"`)
	req.Header.Set("Depth", "0")
	resp, err := a.http.Do(req)
	if err != nil {
		return davProps{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus {
		// A plain web page (200) is no WebDAV resource.
		return davProps{}, fmt.Errorf("%w: PROPFIND answered HTTP %d, not a WebDAV multistatus", ErrNotFound, resp.StatusCode)
	}
	var ms multistatus
	if err := xml.NewDecoder(resp.Body).Decode(&ms); err != nil {
		return davProps{}, fmt.Errorf("%w: decode PROPFIND answer: %w", ErrServer, err)
	}
	if len(ms.Responses) == 0 {
		return davProps{}, fmt.Errorf("%w: PROPFIND answer is empty", ErrServer)
	}
	var p davProps
	for _, ps := range ms.Responses[0].Propstat {
		if !strings.Contains(ps.Status, " 200 ") {
			continue // properties the resource does not have
		}
		for _, t := range ps.Prop.ResourceType.Types {
			p.ResourceTypes = append(p.ResourceTypes, t.XMLName)
		}
		for _, c := range ps.Prop.Components.Comps {
			p.Components = append(p.Components, strings.ToUpper(c.Name))
		}
		if h := strings.TrimSpace(ps.Prop.Principal.Href); h != "" {
			p.Principal = h
		}
		if len(ps.Prop.HomeSet.Hrefs) > 0 {
			p.HomeSet = strings.TrimSpace(ps.Prop.HomeSet.Hrefs[0])
		}
	}
	return p, nil
}

// resolveHref resolves an href, which may be a path or a full URL, against
// the URL it was read from.
func resolveHref(base *url.URL, href string) (*url.URL, error) {
	ref, err := url.Parse(href)
	if err != nil {
		return nil, fmt.Errorf("%w: bad href %q: %w", ErrServer, href, err)
	}
	u := base.ResolveReference(ref)
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%w: href %q is not an HTTP URL", ErrServer, href)
	}
	u.User = nil
	return u, nil
}

func withSlash(u *url.URL) *url.URL {
	c := *u
	if !strings.HasSuffix(c.Path, "/") {
		c.Path += "/"
		c.RawPath = ""
	}
	c.RawQuery, c.Fragment = "", ""
	return &c
}

// collectionCache remembers each account's discovered collection for the
// life of the process; discovery costs up to four round trips. An entry is
// dropped when the collection answers 404.
type collectionCache struct {
	mu  sync.Mutex
	max int
	m   map[string]*url.URL
}

func newCollectionCache(max int) *collectionCache {
	return &collectionCache{max: max, m: make(map[string]*url.URL)}
}

func (c *collectionCache) get(key string) (*url.URL, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.m[key]
	return u, ok
}

func (c *collectionCache) put(key string, u *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m) // rediscovery is cheap next to unbounded growth
	}
	c.m[key] = u
}

// forget drops key when err says the collection is gone.
func (c *collectionCache) forget(key string, err error) {
	if !errors.Is(err, ErrNotFound) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}
