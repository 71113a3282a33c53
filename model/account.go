package model

import "time"

// Accounts: how a company starts on Frontdesk (first-run setup, sign-up),
// how agents join (invitations), recover (password reset) and look after
// their own account (profile, password, sessions).

// Error codes of the accounts API.
const (
	CodeSignupClosed      = "signup_closed"
	CodePasswordTooCommon = "password_too_common"
	CodeWrongPassword     = "wrong_password"
	CodeAlreadyInvited    = "already_invited"
)

// EventSignedOut is published when an agent's sessions end (deactivation,
// password reset or change, a session ended elsewhere): every instance
// closes that agent's sockets, and those whose session still holds
// reconnect.
const EventSignedOut EventType = "signed_out"

// SignupRequest creates an organization with its first admin: the body
// of POST /api/v1/signup and POST /api/v1/setup/{token}.
type SignupRequest struct {
	Organization string `json:"organization"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Password     string `json:"password"`
	// TimeZone is an IANA name; the browser's own by default.
	TimeZone string `json:"time_zone"`
	// Language is one of Languages: the admin's and the organization's.
	Language string `json:"language"`
}

// SignupStatus says whether this server takes sign-ups now
// (GET /api/v1/signup).
type SignupStatus struct {
	Open bool `json:"open"`
}

// InvitationStatus is where an invitation stands.
type InvitationStatus string

const (
	InvitationPending  InvitationStatus = "pending"
	InvitationExpired  InvitationStatus = "expired"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationRevoked  InvitationStatus = "revoked"
)

// Invitation asks someone by email to join an organization as an agent.
// Its token travels only in the email.
type Invitation struct {
	ID         int64            `json:"id"`
	Email      string           `json:"email"`
	Name       string           `json:"name"`
	Role       Role             `json:"role"`
	License    License          `json:"license"`
	ServiceIDs []int64          `json:"service_ids"`
	InvitedBy  string           `json:"invited_by"` // the inviter's name, "" once they are gone
	Status     InvitationStatus `json:"status"`
	CreatedAt  time.Time        `json:"created_at"`
	SentAt     time.Time        `json:"sent_at"`
	ExpiresAt  time.Time        `json:"expires_at"`
}

// InvitationInput is the body of POST /api/v1/invitations.
type InvitationInput struct {
	Email      string  `json:"email"`
	Name       string  `json:"name"`
	Role       Role    `json:"role"`
	License    License `json:"license"`
	ServiceIDs []int64 `json:"service_ids"`
}

// InvitationPreview is what the invitee's page shows before they accept
// (GET /api/v1/public/invitations/{token}).
type InvitationPreview struct {
	Organization string    `json:"organization"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Inviter      string    `json:"inviter"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// AcceptInvitation is the body of POST /api/v1/public/invitations/{token}.
type AcceptInvitation struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// PasswordResetRequest is the body of POST /api/v1/auth/password-reset.
type PasswordResetRequest struct {
	Email string `json:"email"`
	// Language of the email when the account has none yet; optional.
	Language string `json:"language,omitempty"`
}

// PasswordResetAccepted is the 202 answer to a reset request: the same
// whether or not the address has an account.
type PasswordResetAccepted struct {
	Message string `json:"message"`
}

// NewPassword is the body of POST /api/v1/auth/password-reset/{token}.
type NewPassword struct {
	Password string `json:"password"`
}

// PasswordChange is the body of POST /api/v1/me/password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// ProfilePatch changes the signed-in agent's own profile
// (PATCH /api/v1/me); nil fields stay. A new Email is only taken once the
// link sent to it is followed.
type ProfilePatch struct {
	Name     *string `json:"name,omitempty"`
	Title    *string `json:"title,omitempty"`
	PhotoURL *string `json:"photo_url,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	Language *string `json:"language,omitempty"`
	Email    *string `json:"email,omitempty"`
}

// SessionInfo is one of the agent's signed-in browsers
// (GET /api/v1/me/sessions).
type SessionInfo struct {
	ID int64 `json:"id"`
	// Device is a reading of the user agent: "Chrome on Linux".
	Device    string `json:"device"`
	UserAgent string `json:"user_agent"`
	Address   string `json:"address"`
	// Method is how the agent signed in: password, setup, signup,
	// invitation, password_reset.
	Method     string    `json:"method"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	// Current marks the session the request came with.
	Current bool `json:"current"`
}

// OnboardingStep is one line of the getting-started card.
type OnboardingStep struct {
	ID   string `json:"id"` // hours, services, widget, calendar, invite
	Done bool   `json:"done"`
}

// Onboarding is the getting-started card of a new organization's admins
// (GET /api/v1/onboarding). Show is false once every step is done or the
// card was dismissed, and for organizations that never had one (the demo).
type Onboarding struct {
	Show  bool             `json:"show"`
	Steps []OnboardingStep `json:"steps"`
	// WidgetID and Snippet are the widget the card offers to install.
	WidgetID int64  `json:"widget_id,omitempty"`
	Snippet  string `json:"snippet,omitempty"`
	TryURL   string `json:"try_url,omitempty"`
}
