package google

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/internal/rest"
)

// errorBody is Google's error answer.
type errorBody struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Domain  string `json:"domain"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"error"`
}

// refine reads Google's reasons: a 403 is a rate limit, a missing scope or
// a calendar the account may not change, and only the reason tells which.
func refine(e *calendar.Error, body []byte) {
	var b errorBody
	if json.Unmarshal(body, &b) != nil {
		return
	}
	if m := b.Error.Message; m != "" {
		e.Message += ": " + truncate(m, 300)
	}
	for _, r := range b.Error.Errors {
		switch r.Reason {
		case "rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded":
			e.Kind = calendar.RateLimited
		case "insufficientPermissions", "authError":
			if e.Status == http.StatusForbidden {
				e.Kind = calendar.Reconnect
			}
		}
	}
	if e.Status == http.StatusForbidden && b.Error.Status == "PERMISSION_DENIED" && len(b.Error.Errors) == 0 {
		e.Kind = calendar.Reconnect // ACCESS_TOKEN_SCOPE_INSUFFICIENT, newer style
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// calendarListEntry is one calendar of the account's list.
type calendarListEntry struct {
	ID         string `json:"id"`
	Summary    string `json:"summary"`
	SummaryAlt string `json:"summaryOverride"`
	TimeZone   string `json:"timeZone"`
	AccessRole string `json:"accessRole"`
	Primary    bool   `json:"primary"`
	Deleted    bool   `json:"deleted"`
	Hidden     bool   `json:"hidden"`
}

// maxPages bounds any paged listing; far beyond a real account.
const maxPages = 200

// Calendars lists the calendars in the account's list (calendarList.list):
// its own, and those it subscribed to. Only calendars where the account
// sees event details or more are offered; free/busy-only ones have no
// events to read.
func (cn *Conn) Calendars(ctx context.Context) ([]calendar.Info, error) {
	var out []calendar.Info
	page := ""
	for range maxPages {
		q := url.Values{"minAccessRole": {"reader"}, "maxResults": {"250"}}
		if page != "" {
			q.Set("pageToken", page)
		}
		var resp struct {
			Items         []calendarListEntry `json:"items"`
			NextPageToken string              `json:"nextPageToken"`
		}
		if _, err := cn.rest.Do(ctx, rest.Request{Method: http.MethodGet, URL: cn.api(q, "users", "me", "calendarList"), Out: &resp, What: "list calendars"}); err != nil {
			return nil, err
		}
		for _, it := range resp.Items {
			if it.ID == "" || it.Deleted {
				continue
			}
			name := it.SummaryAlt
			if name == "" {
				name = it.Summary
			}
			if name == "" {
				name = it.ID
			}
			info := calendar.Info{ID: it.ID, Name: name, Primary: it.Primary, TimeZone: it.TimeZone,
				Writable: it.AccessRole == "owner" || it.AccessRole == "writer"}
			if it.Primary {
				info.Owner = it.ID // the primary calendar's id is the account's address
			}
			out = append(out, info)
		}
		if page = resp.NextPageToken; page == "" {
			return out, nil
		}
	}
	return out, nil
}
