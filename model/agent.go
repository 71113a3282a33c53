package model

import "time"

// Role decides what an agent may administer.
type Role string

const (
	RoleAgent Role = "agent"
	RoleAdmin Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAgent || r == RoleAdmin }

// License is the agent's seat type. Only Standard seats may hold
// conversations, own a personal link or make a service assignable (seed:
// "Service groups without at least one agent with Standard license … cannot
// be chosen").
type License string

const (
	LicenseBasic    License = "basic"
	LicenseStandard License = "standard"
)

// Valid reports whether l is a known license.
func (l License) Valid() bool { return l == LicenseBasic || l == LicenseStandard }

// Organization is a tenant: every other row belongs to exactly one.
type Organization struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Language is the organization's own (invitation emails); one of
	// Languages.
	Language string `json:"language"`
	// VerifyBy is set while the admin who signed up has not verified
	// their email: past it, the widget, personal links and booking pages
	// answer "temporarily unavailable".
	VerifyBy *time.Time `json:"verify_by,omitempty"`
}

// Agent is a member of staff who signs in to the agent app.
type Agent struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Title          string    `json:"title"`
	PhotoURL       string    `json:"photo_url"`
	Slug           string    `json:"slug"`
	TimeZone       string    `json:"time_zone"`
	Role           Role      `json:"role"`
	License        License   `json:"license"`
	Active         bool      `json:"active"`
	CreatedAt      time.Time `json:"created_at"`
	// Language is the agent's own (their emails, and the app's once it is
	// translated); one of Languages.
	Language string `json:"language"`
	// EmailVerified is false after sign-up until the emailed link is
	// followed.
	EmailVerified bool `json:"email_verified"`
	// PendingEmail is a new address waiting for its verification link.
	PendingEmail string `json:"pending_email,omitempty"`
	// Online is true while the agent has the app open (lists only).
	Online bool `json:"online,omitempty"`
}

// CanHoldConversations reports whether the agent may be an assignee.
func (a Agent) CanHoldConversations() bool {
	return a.Active && a.License == LicenseStandard
}

// AgentInput creates an agent (all fields) or patches one (nil fields are
// left unchanged).
type AgentInput struct {
	Email    *string  `json:"email,omitempty"`
	Name     *string  `json:"name,omitempty"`
	Title    *string  `json:"title,omitempty"`
	PhotoURL *string  `json:"photo_url,omitempty"`
	Slug     *string  `json:"slug,omitempty"`
	TimeZone *string  `json:"time_zone,omitempty"`
	Role     *Role    `json:"role,omitempty"`
	License  *License `json:"license,omitempty"`
	Active   *bool    `json:"active,omitempty"`
	Password *string  `json:"password,omitempty"`
}

// LoginRequest signs an agent in.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Session is what the app learns about its signed-in agent. CSRFToken must
// be echoed in the X-CSRF-Token header of every state-changing request.
type Session struct {
	// ID names the session in the agent's list of sessions.
	ID           int64        `json:"id"`
	Agent        Agent        `json:"agent"`
	Organization Organization `json:"organization"`
	CSRFToken    string       `json:"csrf_token"`
	ExpiresAt    time.Time    `json:"expires_at"`
}

// CSRFHeader carries the session's CSRF token on unsafe requests.
const CSRFHeader = "X-CSRF-Token"
