package app

import (
	"context"
	"net/http"
	"net/url"

	"github.com/frontdesk/frontdesk/model"
)

// The API calls of calendar connections (Google, Microsoft) and of the
// admins' integrations; CalDAV and the feed are in api.go.

// StartCalendarOAuth returns the consent screen's URL for provider
// ("google" or "microsoft"); 422 calendar_not_configured when no admin
// set the provider up.
func (c *Client) StartCalendarOAuth(ctx context.Context, provider string) (string, error) {
	var out model.OAuthStart
	err := c.do(ctx, http.MethodPost, "/api/v1/me/calendar/oauth/"+url.PathEscape(provider), nil, &out)
	return out.URL, err
}

// ChooseCalendars sets where meetings go and which calendars count as
// busy.
func (c *Client) ChooseCalendars(ctx context.Context, in model.CalendarChoices) (model.CalendarSettings, error) {
	var s model.CalendarSettings
	err := c.do(ctx, http.MethodPut, "/api/v1/me/calendar/choices", in, &s)
	return s, err
}

// CalendarApps returns the organization's Google and Microsoft apps.
func (c *Client) CalendarApps(ctx context.Context) (model.CalendarApps, error) {
	var a model.CalendarApps
	err := c.do(ctx, http.MethodGet, "/api/v1/integrations/calendars", nil, &a)
	return a, err
}

// SetCalendarApp sets up a provider's app; an empty secret keeps the
// stored one.
func (c *Client) SetCalendarApp(ctx context.Context, provider string, in model.CalendarAppInput) (model.CalendarApps, error) {
	var a model.CalendarApps
	err := c.do(ctx, http.MethodPut, "/api/v1/integrations/calendars/"+url.PathEscape(provider), in, &a)
	return a, err
}

// DeleteCalendarApp removes a provider's app.
func (c *Client) DeleteCalendarApp(ctx context.Context, provider string) (model.CalendarApps, error) {
	var a model.CalendarApps
	err := c.do(ctx, http.MethodDelete, "/api/v1/integrations/calendars/"+url.PathEscape(provider), nil, &a)
	return a, err
}
