package accounts

import (
	"context"
	"net/http"
	"strings"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// UpdateProfile changes the agent's own profile. A new email is not taken
// at once: a link goes to it, and the address changes when it is followed
// (PendingEmail meanwhile).
func (s *Service) UpdateProfile(ctx context.Context, me model.Agent, p model.ProfilePatch) (model.Agent, error) {
	var f model.Fields
	if p.Name != nil {
		*p.Name = strings.TrimSpace(*p.Name)
		validate.Text(&f, "name", *p.Name, 1, 200)
	}
	if p.Title != nil {
		*p.Title = strings.TrimSpace(*p.Title)
		validate.Text(&f, "title", *p.Title, 0, 200)
	}
	if p.PhotoURL != nil {
		validate.URL(&f, "photo_url", *p.PhotoURL)
	}
	if p.TimeZone != nil {
		validate.TimeZone(&f, "time_zone", *p.TimeZone)
	}
	if p.Language != nil && !model.SupportedLanguage(*p.Language) {
		f.Add("language", "must be one of en, de, fr, it, es")
	}
	newEmail := ""
	if p.Email != nil {
		newEmail = strings.ToLower(strings.TrimSpace(*p.Email))
		validate.Email(&f, "email", newEmail)
		if strings.EqualFold(newEmail, me.Email) {
			newEmail = "" // unchanged; drops a pending change below
		}
	}
	if err := f.Err(); err != nil {
		return model.Agent{}, err
	}
	agent, err := s.DB.UpdateProfile(ctx, me.OrganizationID, me.ID, postgres.ProfileUpdate{
		Name: p.Name, Title: p.Title, PhotoURL: p.PhotoURL, TimeZone: p.TimeZone, Language: p.Language,
	})
	if err != nil || p.Email == nil {
		return agent, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.DB.RetireAccountTokens(ctx, tx, postgres.PurposeVerifyEmail, agent.ID); err != nil {
			return err
		}
		if newEmail == "" {
			return s.DB.SetPendingEmail(ctx, tx, agent, "")
		}
		if taken, err := postgres.EmailTaken(ctx, tx, newEmail); err != nil {
			return err
		} else if taken {
			return emailTaken()
		}
		if err := s.DB.SetPendingEmail(ctx, tx, agent, newEmail); err != nil {
			return err
		}
		agent.PendingEmail = newEmail
		return s.sendVerification(ctx, tx, agent, newEmail)
	})
	if err != nil {
		return model.Agent{}, err
	}
	return s.DB.Agent(ctx, me.OrganizationID, me.ID)
}

// ChangePassword replaces the agent's password after checking the current
// one, and ends their other sessions (session is the one to keep).
func (s *Service) ChangePassword(ctx context.Context, me model.Agent, session int64, in model.PasswordChange) error {
	hash, err := s.DB.PasswordHash(ctx, me.OrganizationID, me.ID)
	if err != nil {
		return err
	}
	if in.CurrentPassword == "" || len(in.CurrentPassword) > password.MaxLength {
		return wrongPassword()
	}
	if ok, err := password.Verify(hash, in.CurrentPassword); err != nil || !ok {
		return wrongPassword()
	}
	if p := password.Check(in.NewPassword, me.Email, me.Name); p != password.OK {
		return PasswordError("new_password", p)
	}
	newHash, err := password.Hash(in.NewPassword)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.DB.SetPassword(ctx, tx, me, newHash, session); err != nil {
			return err
		}
		return s.DB.RetireAccountTokens(ctx, tx, postgres.PurposePasswordReset, me.ID)
	})
}

func wrongPassword() error {
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeWrongPassword,
		Message: "The current password is not correct.", Fields: map[string]string{"current_password": "is not correct"}}
}

// Sessions lists the agent's signed-in browsers; current is the one
// asking.
func (s *Service) Sessions(ctx context.Context, me model.Agent, current int64) ([]model.SessionInfo, error) {
	recs, err := s.DB.Sessions(ctx, me.OrganizationID, me.ID)
	if err != nil {
		return nil, err
	}
	out := make([]model.SessionInfo, len(recs))
	for i, r := range recs {
		out[i] = model.SessionInfo{
			ID: r.ID, Device: Device(r.UserAgent), UserAgent: r.UserAgent, Address: r.IP, Method: r.Method,
			CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, Current: r.ID == current,
		}
	}
	return out, nil
}

// EndSession signs one of the agent's browsers out.
func (s *Service) EndSession(ctx context.Context, me model.Agent, id int64) error {
	return s.DB.EndSession(ctx, me.OrganizationID, me.ID, id)
}

// EndOtherSessions signs out every browser of the agent but current.
func (s *Service) EndOtherSessions(ctx context.Context, me model.Agent, current int64) error {
	return s.DB.EndOtherSessions(ctx, me.OrganizationID, me.ID, current)
}
