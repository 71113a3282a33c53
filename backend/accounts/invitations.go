package accounts

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// Invite asks someone to join admin's organization and emails them the
// link, in the organization's language.
func (s *Service) Invite(ctx context.Context, admin model.Agent, in model.InvitationInput) (model.Invitation, error) {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	var f model.Fields
	validate.Email(&f, "email", in.Email)
	validate.Text(&f, "name", in.Name, 0, 200)
	if in.Role == "" {
		in.Role = model.RoleAgent
	}
	if in.License == "" {
		in.License = model.LicenseStandard
	}
	if !in.Role.Valid() {
		f.Add("role", "must be agent or admin")
	}
	if !in.License.Valid() {
		f.Add("license", "must be basic or standard")
	}
	for _, id := range in.ServiceIDs {
		if id <= 0 {
			f.Add("service_ids", "unknown service")
		}
	}
	if err := f.Err(); err != nil {
		return model.Invitation{}, err
	}
	slices.Sort(in.ServiceIDs)
	in.ServiceIDs = slices.Compact(in.ServiceIDs)

	token := newToken()
	var out model.Invitation
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = s.DB.InsertInvitation(ctx, tx, admin.OrganizationID, postgres.NewInvitation{
			Email: in.Email, Name: in.Name, Role: in.Role, License: in.License, ServiceIDs: in.ServiceIDs,
			InvitedBy: admin.ID, Token: token, TTL: InvitationTTL,
		})
		if err != nil {
			return err
		}
		org, err := postgres.OrganizationTx(ctx, tx, admin.OrganizationID)
		if err != nil {
			return err
		}
		return s.sendInvitation(ctx, tx, out, org, token)
	})
	return out, err
}

func (s *Service) sendInvitation(ctx context.Context, tx bun.Tx, inv model.Invitation, org model.Organization, token string) error {
	lang := language(org.Language, "")
	t := catalog(lang)
	inviter := inv.InvitedBy
	if inviter == "" {
		inviter = t.InviteNoName
	}
	subject := fmt.Sprintf(t.InviteSubject, inviter, org.Name)
	link := s.link("/invite/"+token) + "?lang=" + url.QueryEscape(lang)
	return s.send(ctx, tx, mail.Address{Name: inv.Name, Email: inv.Email}, subject,
		[]string{fmt.Sprintf(t.InviteBody, inviter, org.Name), t.InviteExpiry},
		&mail.Link{Text: t.InviteAction, URL: link})
}

// Invitations lists the organization's open invitations.
func (s *Service) Invitations(ctx context.Context, orgID int64) ([]model.Invitation, error) {
	return s.DB.Invitations(ctx, orgID)
}

// ResendInvitation sends an open (pending or expired) invitation again
// with a new link, valid for another InvitationTTL; the old link dies.
func (s *Service) ResendInvitation(ctx context.Context, orgID, id int64) (model.Invitation, error) {
	token := newToken()
	var out model.Invitation
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv, _, err := s.DB.RenewInvitation(ctx, tx, orgID, id, token, InvitationTTL)
		if err != nil {
			return err
		}
		org, err := postgres.OrganizationTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		out = inv
		return s.sendInvitation(ctx, tx, inv, org, token)
	})
	return out, err
}

// RevokeInvitation withdraws an open invitation: its link then says so.
func (s *Service) RevokeInvitation(ctx context.Context, orgID, id int64) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.DB.RevokeInvitation(ctx, tx, orgID, id)
	})
}

// InvitationState is an invitation as its link finds it, whatever its
// status: the invitee's page says whether it expired, was used or was
// withdrawn. The API answers all of those with the same 404.
type InvitationState struct {
	Status   model.InvitationStatus
	Preview  model.InvitationPreview
	Language string // the organization's
}

// LookUpInvitation finds the invitation behind a link; an unknown or
// malformed token is not found.
func (s *Service) LookUpInvitation(ctx context.Context, token string) (InvitationState, error) {
	if err := notFoundIfMalformed(token); err != nil {
		return InvitationState{}, err
	}
	inv, err := s.DB.InvitationByToken(ctx, s.DB.Bun, token, false)
	if err != nil {
		return InvitationState{}, asLinkNotFound(err)
	}
	return InvitationState{
		Status:   inv.Invitation.Status,
		Language: inv.OrganizationLang,
		Preview: model.InvitationPreview{
			Organization: inv.Organization, Email: inv.Invitation.Email, Name: inv.Invitation.Name,
			Inviter: inv.Invitation.InvitedBy, ExpiresAt: inv.Invitation.ExpiresAt,
		},
	}, nil
}

// PreviewInvitation is the API's view: a pending invitation's preview;
// anything else is not found.
func (s *Service) PreviewInvitation(ctx context.Context, token string) (model.InvitationPreview, error) {
	st, err := s.LookUpInvitation(ctx, token)
	if err != nil {
		return model.InvitationPreview{}, err
	}
	if st.Status != model.InvitationPending {
		return model.InvitationPreview{}, linkNotFound()
	}
	return st.Preview, nil
}

// AcceptInvitation creates the invitee's account from a pending
// invitation, with the name and password they chose; they join the
// invitation's services. The email is verified: the link reached it.
func (s *Service) AcceptInvitation(ctx context.Context, token string, in model.AcceptInvitation) (model.Agent, error) {
	if err := notFoundIfMalformed(token); err != nil {
		return model.Agent{}, err
	}
	st, err := s.LookUpInvitation(ctx, token)
	if err != nil {
		return model.Agent{}, err
	}
	if st.Status != model.InvitationPending {
		return model.Agent{}, linkNotFound()
	}
	in.Name = strings.TrimSpace(in.Name)
	var f model.Fields
	validate.Text(&f, "name", in.Name, 1, 200)
	if err := checkPassword(&f, "password", in.Password, st.Preview.Email, in.Name); err != nil {
		return model.Agent{}, err
	}
	hash, err := password.Hash(in.Password)
	if err != nil {
		return model.Agent{}, err
	}
	var out model.Agent
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Locked and read again: two tabs accepting at once make one agent.
		inv, err := s.DB.InvitationByToken(ctx, tx, token, true)
		if err != nil {
			return asLinkNotFound(err)
		}
		if inv.Invitation.Status != model.InvitationPending {
			return linkNotFound()
		}
		out, err = s.DB.AcceptInvitation(ctx, tx, inv, postgres.NewAgent{
			Name: in.Name, Slug: model.Slugify(in.Name), TimeZone: s.zoneFor(ctx, tx, inv.OrganizationID, "UTC"),
			PasswordHash: hash, Language: inv.OrganizationLang,
		})
		return err
	})
	return out, err
}

// zoneFor is a new agent's time zone until they set theirs: the zone of
// the organization's first admin, a better guess than UTC.
func (s *Service) zoneFor(ctx context.Context, tx bun.Tx, orgID int64, fallback string) string {
	var zone string
	err := tx.NewSelect().Table("agents").Column("time_zone").
		Where("organization_id = ? AND role = 'admin' AND active", orgID).Order("id").Limit(1).Scan(ctx, &zone)
	if err != nil || zone == "" {
		return fallback
	}
	return zone
}
