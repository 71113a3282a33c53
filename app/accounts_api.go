package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/frontdesk/frontdesk/model"
)

// The accounts API: setup, sign-up, the agent's own profile, password and
// sessions, invitations and the getting-started card.

// SignupStatus says whether this server takes sign-ups now.
func (c *Client) SignupStatus(ctx context.Context) (model.SignupStatus, error) {
	var s model.SignupStatus
	err := c.do(ctx, http.MethodGet, "/api/v1/signup", nil, &s)
	return s, err
}

// Signup creates an organization with its first admin and signs them in.
func (c *Client) Signup(ctx context.Context, in model.SignupRequest) (model.Session, error) {
	return c.newSession(ctx, "/api/v1/signup", in)
}

// SetupLive checks the first-run setup link; not_found when it is gone.
func (c *Client) SetupLive(ctx context.Context, token string) error {
	return c.do(ctx, http.MethodGet, "/api/v1/setup/"+url.PathEscape(token), nil, nil)
}

// Setup uses the first-run setup link and signs the new admin in.
func (c *Client) Setup(ctx context.Context, token string, in model.SignupRequest) (model.Session, error) {
	return c.newSession(ctx, "/api/v1/setup/"+url.PathEscape(token), in)
}

func (c *Client) newSession(ctx context.Context, path string, in any) (model.Session, error) {
	var s model.Session
	if err := c.do(ctx, http.MethodPost, path, in, &s); err != nil {
		return model.Session{}, err
	}
	c.setCSRF(s.CSRFToken)
	return s, nil
}

// UpdateMe changes the agent's own profile.
func (c *Client) UpdateMe(ctx context.Context, p model.ProfilePatch) (model.Agent, error) {
	var a model.Agent
	err := c.do(ctx, http.MethodPatch, "/api/v1/me", p, &a)
	return a, err
}

// ChangePassword replaces the agent's password; other sessions end.
func (c *Client) ChangePassword(ctx context.Context, in model.PasswordChange) error {
	return c.do(ctx, http.MethodPost, "/api/v1/me/password", in, nil)
}

// ResendVerification emails a new verification link.
func (c *Client) ResendVerification(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/api/v1/me/verification", nil, nil)
}

// MySessions lists the agent's signed-in browsers.
func (c *Client) MySessions(ctx context.Context) ([]model.SessionInfo, error) {
	var list []model.SessionInfo
	err := c.do(ctx, http.MethodGet, "/api/v1/me/sessions", nil, &list)
	return list, err
}

// EndSession signs one browser out.
func (c *Client) EndSession(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/me/sessions/"+strconv.FormatInt(id, 10), nil, nil)
}

// EndOtherSessions signs every other browser out.
func (c *Client) EndOtherSessions(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/me/sessions", nil, nil)
}

// Invitations lists the organization's open invitations.
func (c *Client) Invitations(ctx context.Context) ([]model.Invitation, error) {
	var list []model.Invitation
	err := c.do(ctx, http.MethodGet, "/api/v1/invitations", nil, &list)
	return list, err
}

// Invite emails someone an invitation to join.
func (c *Client) Invite(ctx context.Context, in model.InvitationInput) (model.Invitation, error) {
	var inv model.Invitation
	err := c.do(ctx, http.MethodPost, "/api/v1/invitations", in, &inv)
	return inv, err
}

// ResendInvitation sends an invitation again with a new link.
func (c *Client) ResendInvitation(ctx context.Context, id int64) (model.Invitation, error) {
	var inv model.Invitation
	err := c.do(ctx, http.MethodPost, "/api/v1/invitations/"+strconv.FormatInt(id, 10)+"/resend", nil, &inv)
	return inv, err
}

// RevokeInvitation withdraws an invitation.
func (c *Client) RevokeInvitation(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/invitations/"+strconv.FormatInt(id, 10), nil, nil)
}

// Onboarding is the getting-started card.
func (c *Client) Onboarding(ctx context.Context) (model.Onboarding, error) {
	var o model.Onboarding
	err := c.do(ctx, http.MethodGet, "/api/v1/onboarding", nil, &o)
	return o, err
}

// MarkOnboarding records the snippet copied ("widget") or the card
// dismissed ("dismissed").
func (c *Client) MarkOnboarding(ctx context.Context, what string) error {
	return c.do(ctx, http.MethodPost, "/api/v1/onboarding/"+url.PathEscape(what), nil, nil)
}

// UpdateOrganization changes the organization's name and language.
func (c *Client) UpdateOrganization(ctx context.Context, name, lang string) (model.Organization, error) {
	var org model.Organization
	err := c.do(ctx, http.MethodPatch, "/api/v1/organization", map[string]string{"name": name, "language": lang}, &org)
	return org, err
}

// PutPhoto uploads the agent's photo (PNG, JPEG or WebP bytes of type
// contentType); the server stores a square JPEG made from it.
func (c *Client) PutPhoto(ctx context.Context, data []byte, contentType string) (model.Agent, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.base+"/api/v1/me/photo", bytes.NewReader(data))
	if err != nil {
		return model.Agent{}, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	c.mu.Lock()
	req.Header.Set(model.CSRFHeader, c.csrf)
	c.mu.Unlock()
	res, err := c.http.Do(req)
	if err != nil {
		return model.Agent{}, fmt.Errorf("PUT photo: %w", err)
	}
	defer res.Body.Close()
	r := io.LimitReader(res.Body, maxResponseBytes)
	if res.StatusCode != http.StatusOK {
		return model.Agent{}, responseError(res.StatusCode, r)
	}
	var a model.Agent
	if err := json.NewDecoder(r).Decode(&a); err != nil {
		return model.Agent{}, fmt.Errorf("PUT photo: decode response: %w", err)
	}
	return a, nil
}

// DeletePhoto removes the agent's uploaded photo.
func (c *Client) DeletePhoto(ctx context.Context) (model.Agent, error) {
	var a model.Agent
	err := c.do(ctx, http.MethodDelete, "/api/v1/me/photo", nil, &a)
	return a, err
}
