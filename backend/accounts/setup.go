package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// How a new organization starts: the first service every admin gets and
// the widget routed to it.
const (
	firstService = "Support"
	firstWidget  = "Website"
)

// PrepareSetup makes a fresh first-run setup link when no organization
// exists and sign-up is not open, replacing any earlier one. ok is false
// when there is nothing to set up.
func (s *Service) PrepareSetup(ctx context.Context) (link string, ok bool, err error) {
	if s.Mode == SignupOpen {
		return "", false, nil
	}
	token := newToken()
	created, err := s.DB.ReplaceSetupToken(ctx, token, SetupTTL)
	if err != nil || !created {
		return "", false, err
	}
	return s.link("/setup/" + token), true, nil
}

// SetupLive checks a setup link without using it, so the page can say at
// once that it is gone.
func (s *Service) SetupLive(ctx context.Context, token string) error {
	if err := notFoundIfMalformed(token); err != nil {
		return err
	}
	return asLinkNotFound(s.DB.SetupTokenLive(ctx, token))
}

// Setup uses the first-run link: the organization, its admin, the
// "Support" service with the admin in it and a website widget routed to
// it, in one transaction. A wrong, used or expired link, or one followed
// after an organization exists, is not found.
func (s *Service) Setup(ctx context.Context, token string, in model.SignupRequest) (postgres.CreatedOrganization, error) {
	if err := notFoundIfMalformed(token); err != nil {
		return postgres.CreatedOrganization{}, err
	}
	if err := validateSignup(in); err != nil {
		return postgres.CreatedOrganization{}, err
	}
	var out postgres.CreatedOrganization
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := postgres.LockOrganizationCreation(ctx, tx); err != nil {
			return err
		}
		if err := s.DB.UseSetupToken(ctx, tx, token); err != nil {
			return asLinkNotFound(err)
		}
		if exists, err := postgres.HasOrganization(ctx, tx); err != nil {
			return err
		} else if exists {
			return linkNotFound()
		}
		var err error
		// The operator who holds the server's console vouches for the
		// address: no verification.
		out, err = s.createOrganization(ctx, tx, in, nil)
		return err
	})
	return out, err
}

// SignupAllowed reports whether /signup takes a new organization now.
func (s *Service) SignupAllowed(ctx context.Context) (bool, error) {
	switch s.Mode {
	case SignupOpen:
		return true, nil
	case SignupFirst:
		exists, err := postgres.HasOrganization(ctx, s.DB.Bun)
		return !exists, err
	}
	return false, nil
}

func signupClosed() error {
	return &model.Error{Status: http.StatusForbidden, Code: model.CodeSignupClosed,
		Message: "This Frontdesk does not take sign-ups. Ask its operator for an invitation."}
}

// Signup creates an organization with its admin and emails them a
// verification link; until they follow it the app shows a banner, and
// after VerificationDue the organization's public surfaces pause. ip is
// the client's address, for the per-address limit.
func (s *Service) Signup(ctx context.Context, in model.SignupRequest, ip string) (postgres.CreatedOrganization, error) {
	if s.Mode != SignupOpen && s.Mode != SignupFirst {
		return postgres.CreatedOrganization{}, signupClosed()
	}
	if err := validateSignup(in); err != nil {
		return postgres.CreatedOrganization{}, err
	}
	if ok, wait := s.signupPerIP.Allow(ip); !ok {
		return postgres.CreatedOrganization{}, &LimitError{Wait: wait}
	}
	var out postgres.CreatedOrganization
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if s.Mode == SignupFirst {
			if err := postgres.LockOrganizationCreation(ctx, tx); err != nil {
				return err
			}
			if exists, err := postgres.HasOrganization(ctx, tx); err != nil {
				return err
			} else if exists {
				return signupClosed()
			}
		}
		due := s.now().Add(VerificationDue)
		var err error
		if out, err = s.createOrganization(ctx, tx, in, &due); err != nil {
			return err
		}
		return s.sendVerification(ctx, tx, out.Admin, out.Admin.Email)
	})
	return out, err
}

// createOrganization creates what setup and sign-up make, in tx. verifyBy
// nil means the admin's address needs no verification.
func (s *Service) createOrganization(ctx context.Context, tx bun.Tx, in model.SignupRequest, verifyBy *time.Time) (postgres.CreatedOrganization, error) {
	hash, err := password.Hash(in.Password)
	if err != nil {
		return postgres.CreatedOrganization{}, err
	}
	if taken, err := postgres.EmailTaken(ctx, tx, in.Email); err != nil {
		return postgres.CreatedOrganization{}, err
	} else if taken {
		return postgres.CreatedOrganization{}, emailTaken()
	}
	name := strings.TrimSpace(in.Name)
	return s.DB.InsertOrganization(ctx, tx, postgres.NewOrganization{
		Name: strings.TrimSpace(in.Organization), Language: in.Language, VerifyBy: verifyBy,
		Admin: postgres.NewAgent{
			Email: strings.TrimSpace(in.Email), Name: name, Slug: model.Slugify(name), TimeZone: in.TimeZone,
			Role: model.RoleAdmin, License: model.LicenseStandard, PasswordHash: hash, Language: in.Language,
			Unverified: verifyBy != nil,
		},
		ServiceName: firstService, WidgetName: firstWidget, WidgetKey: "wk_" + newToken()[:24],
	})
}

func emailTaken() error {
	return &model.Error{Status: http.StatusConflict, Code: model.CodeEmailTaken,
		Message: "An account with this email already exists. Sign in, or reset its password.", Fields: map[string]string{"email": "already taken"}}
}

// validateSignup checks a setup or sign-up form.
func validateSignup(in model.SignupRequest) error {
	var f model.Fields
	validate.Text(&f, "organization", in.Organization, 1, 200)
	validate.Text(&f, "name", in.Name, 1, 200)
	validate.Email(&f, "email", strings.TrimSpace(in.Email))
	validate.TimeZone(&f, "time_zone", in.TimeZone)
	if !model.SupportedLanguage(in.Language) {
		f.Add("language", "must be one of en, de, fr, it, es")
	}
	return checkPassword(&f, "password", in.Password, in.Email, in.Name, in.Organization)
}

// AdminRequest is what `frontdesk admin create` is given.
type AdminRequest struct {
	Organization, Email, Name string
	// TimeZone and Language are optional: UTC and English.
	TimeZone, Language string
}

// CreateAdmin creates an organization with its admin, who has no password
// yet, and returns the link where they choose one (valid SetPasswordTTL):
// the command prints it instead of taking a password on its command line,
// where it would land in the shell's history.
func (s *Service) CreateAdmin(ctx context.Context, in AdminRequest) (postgres.CreatedOrganization, string, error) {
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if in.Language == "" {
		in.Language = "en"
	}
	var f model.Fields
	validate.Text(&f, "organization", in.Organization, 1, 200)
	validate.Text(&f, "name", in.Name, 1, 200)
	validate.Email(&f, "email", in.Email)
	validate.TimeZone(&f, "time_zone", in.TimeZone)
	if !model.SupportedLanguage(in.Language) {
		f.Add("language", "must be one of en, de, fr, it, es")
	}
	if err := f.Err(); err != nil {
		return postgres.CreatedOrganization{}, "", err
	}
	token := newToken()
	var out postgres.CreatedOrganization
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if taken, err := postgres.EmailTaken(ctx, tx, in.Email); err != nil {
			return err
		} else if taken {
			return emailTaken()
		}
		var err error
		out, err = s.DB.InsertOrganization(ctx, tx, postgres.NewOrganization{
			Name: strings.TrimSpace(in.Organization), Language: in.Language,
			Admin: postgres.NewAgent{
				Email: in.Email, Name: strings.TrimSpace(in.Name), Slug: model.Slugify(in.Name), TimeZone: in.TimeZone,
				Role: model.RoleAdmin, License: model.LicenseStandard, Language: in.Language,
			},
			ServiceName: firstService, WidgetName: firstWidget, WidgetKey: "wk_" + newToken()[:24],
		})
		if err != nil {
			return err
		}
		return s.DB.InsertAccountToken(ctx, tx, postgres.PurposePasswordReset, out.Admin, out.Admin.Email, token, SetPasswordTTL)
	})
	if err != nil {
		return out, "", err
	}
	return out, s.link("/reset/" + token), nil
}

// --- Email verification -----------------------------------------------------

// sendVerification emails agent a link that verifies address (their own,
// or the new one they asked for), in tx.
func (s *Service) sendVerification(ctx context.Context, tx bun.Tx, agent model.Agent, address string) error {
	token := newToken()
	if err := s.DB.InsertAccountToken(ctx, tx, postgres.PurposeVerifyEmail, agent, address, token, VerifyTTL); err != nil {
		return err
	}
	t := catalog(language(agent.Language, ""))
	body := fmt.Sprintf(t.VerifyBody, agent.Name, address)
	if !strings.EqualFold(address, agent.Email) {
		body = fmt.Sprintf(t.ChangeBody, agent.Name, address)
	}
	link := s.link("/verify/"+token) + "?lang=" + url.QueryEscape(language(agent.Language, ""))
	return s.send(ctx, tx, mail.Address{Name: agent.Name, Email: address}, t.VerifySubject,
		[]string{body, t.VerifyExpiry}, &mail.Link{Text: t.VerifyAction, URL: link})
}

// ResendVerification sends the signed-in agent a new verification link
// for their unverified address (or their pending new one).
func (s *Service) ResendVerification(ctx context.Context, agent model.Agent) error {
	address := agent.PendingEmail
	if address == "" {
		if agent.EmailVerified {
			return &model.Error{Status: http.StatusConflict, Code: model.CodeConflict, Message: "Your email address is already verified."}
		}
		address = agent.Email
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Earlier links stop working: only the newest is valid.
		if err := s.DB.RetireAccountTokens(ctx, tx, postgres.PurposeVerifyEmail, agent.ID); err != nil {
			return err
		}
		return s.sendVerification(ctx, tx, agent, address)
	})
}

// Verify follows a verification link: the address becomes verified (a
// new address becomes the agent's sign-in email), and an admin's
// organization no longer has a verification deadline.
func (s *Service) Verify(ctx context.Context, token string) (model.Agent, error) {
	if err := notFoundIfMalformed(token); err != nil {
		return model.Agent{}, err
	}
	var out model.Agent
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.DB.UseAccountToken(ctx, tx, postgres.PurposeVerifyEmail, token)
		if err != nil {
			return asLinkNotFound(err)
		}
		out, err = s.DB.MarkEmailVerified(ctx, tx, t.Agent, t.Email)
		var e *model.Error
		if errors.As(err, &e) && e.Code == model.CodeEmailTaken {
			// Someone took the address meanwhile.
			return e
		}
		return asLinkNotFound(err)
	})
	return out, err
}
