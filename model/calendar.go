package model

import "time"

// Calendar connection status values.
const (
	CalendarOK             = "ok"
	CalendarNeedsReconnect = "needs_reconnect"
)

// Error codes of the calendar connection flows.
const (
	// CodeCalendarNotConfigured: no admin has set up the provider's OAuth
	// app (Settings → Integrations).
	CodeCalendarNotConfigured = "calendar_not_configured"
	// CodeOAuthState: the callback's state is unknown, used, expired or
	// for another provider.
	CodeOAuthState = "oauth_state_invalid"
	// CodeOAuthWrongAgent: the callback came back in another agent's
	// session than the one that started it.
	CodeOAuthWrongAgent = "oauth_wrong_agent"
	// CodeOAuthDenied: the agent did not allow access on the consent page.
	CodeOAuthDenied = "oauth_denied"
	// CodeOAuthFailed: the provider refused the code or gave no refresh
	// token.
	CodeOAuthFailed = "oauth_failed"
	// CodeOAuthScope: the agent unticked a permission Frontdesk needs.
	CodeOAuthScope = "oauth_scope_missing"
	// CodeChannelToken: a push notification whose channel token or
	// clientState is wrong.
	CodeChannelToken = "invalid_channel_token"
	// CodeNotification: a push notification that is not one.
	CodeNotification = "invalid_notification"
)

// ConnectedCalendar is one calendar of an agent's connected account.
type ConnectedCalendar struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Primary  bool   `json:"primary"`
	Writable bool   `json:"writable"`
	// Busy: its events count as busy time on the booking page.
	Busy      bool       `json:"busy"`
	SyncedAt  *time.Time `json:"synced_at,omitempty"`
	SyncError string     `json:"sync_error,omitempty"`
}

// CalendarChoices says where new meetings go ("" for nowhere) and which
// calendars count as busy.
type CalendarChoices struct {
	WriteCalendarID string   `json:"write_calendar_id"`
	BusyCalendarIDs []string `json:"busy_calendar_ids"`
}

// OAuthStart is where the browser goes to connect an account.
type OAuthStart struct {
	URL string `json:"url"`
}

// CalendarApp is an organization's OAuth app at one provider, as the
// admin screen shows it: never the secret.
type CalendarApp struct {
	Provider   string `json:"provider"`
	Configured bool   `json:"configured"`
	ClientID   string `json:"client_id,omitempty"`
	SecretSet  bool   `json:"secret_set"`
	// Tenant is Microsoft's directory (id or domain) or "common".
	Tenant string `json:"tenant,omitempty"`
	// RedirectURI is what to register with the provider.
	RedirectURI string `json:"redirect_uri"`
	// Connections counts the agents connected through it.
	Connections int `json:"connections"`
}

// CalendarApps are the organization's OAuth apps.
type CalendarApps struct {
	Google    CalendarApp `json:"google"`
	Microsoft CalendarApp `json:"microsoft"`
}

// CalendarAppInput sets up an OAuth app. An empty secret keeps the stored
// one.
type CalendarAppInput struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Tenant       string `json:"tenant,omitempty"`
}
