package accounts

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// ResetAccepted is the one answer to a reset request, account or not.
const ResetAccepted = "If an account uses this address, we have sent it a link to choose a new password. It works for one hour."

// RequestPasswordReset starts a reset for email. It does the same work
// whether or not the address has an account — it queues a job, in a
// transaction of its own — so neither the answer nor its time tells an
// outsider which addresses have accounts. The job looks the account up and
// sends the link. ip is the client's address; lang the page's language,
// for an account that has none.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip, lang string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	var f model.Fields
	validate.Email(&f, "email", email)
	if err := f.Err(); err != nil {
		return err
	}
	if ok, wait := s.resetPerIP.Allow(ip); !ok {
		return &LimitError{Wait: wait}
	}
	if ok, wait := s.resetPerEmail.Allow(email); !ok {
		return &LimitError{Wait: wait}
	}
	if s.Queue == nil {
		return fmt.Errorf("accounts: no job queue for a reset")
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.Queue.InsertTx(ctx, tx, ResetRequestArgs{Email: email, Language: lang}, nil)
	})
}

// ResetRequestArgs is the job that sends a reset link if the address has
// an account.
type ResetRequestArgs struct {
	Email    string `json:"email"`
	Language string `json:"language,omitempty"`
}

// Kind names the job.
func (ResetRequestArgs) Kind() string { return "password_reset_request" }

type resetWorker struct {
	river.WorkerDefaults[ResetRequestArgs]
	s *Service
}

func (w *resetWorker) Work(ctx context.Context, job *river.Job[ResetRequestArgs]) error {
	s := w.s
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		agent, err := postgres.AgentByEmail(ctx, tx, job.Args.Email)
		if postgres.IsNotFound(err) || (err == nil && !agent.Active) {
			return nil // nobody to write to; the requester was told the same
		}
		if err != nil {
			return err
		}
		// The per-account limit that holds across instances and restarts;
		// the lock makes concurrent jobs for one account count in turn.
		if agent, err = postgres.LockAgent(ctx, tx, agent.OrganizationID, agent.ID); err != nil {
			return err
		}
		n, err := s.DB.RecentTokens(ctx, tx, postgres.PurposePasswordReset, agent.ID, s.now().Add(-time.Hour))
		if err != nil {
			return err
		}
		if n >= resetsPerHour {
			s.Log.WarnContext(ctx, "password reset: too many requests for one account this hour", "agent", agent.ID)
			return nil
		}
		token := newToken()
		if err := s.DB.InsertAccountToken(ctx, tx, postgres.PurposePasswordReset, agent, agent.Email, token, ResetTTL); err != nil {
			return err
		}
		lang := language(agent.Language, job.Args.Language)
		t := catalog(lang)
		link := s.link("/reset/"+token) + "?lang=" + url.QueryEscape(lang)
		return s.send(ctx, tx, mail.Address{Name: agent.Name, Email: agent.Email}, t.ResetSubject,
			[]string{fmt.Sprintf(t.ResetBody, agent.Email), t.ResetExpiry, t.ResetIgnore},
			&mail.Link{Text: t.ResetAction, URL: link})
	})
}

// ResetLive checks a reset link without using it, for its page.
func (s *Service) ResetLive(ctx context.Context, token string) error {
	if err := notFoundIfMalformed(token); err != nil {
		return err
	}
	return asLinkNotFound(s.DB.AccountTokenLive(ctx, postgres.PurposePasswordReset, token))
}

// ResetPassword uses a reset link: the new password is stored, the other
// reset links die, and every session of the agent ends (their sockets
// close on every instance). The agent is returned, for the caller to
// sign in or not.
func (s *Service) ResetPassword(ctx context.Context, token, plain string) (model.Agent, error) {
	if err := notFoundIfMalformed(token); err != nil {
		return model.Agent{}, err
	}
	// The token is checked before the password, so a bad link is "not
	// found" whatever was typed; the hash is made outside the
	// transaction (20 ms of CPU) once the link is known to be live.
	if err := asLinkNotFound(s.DB.AccountTokenLive(ctx, postgres.PurposePasswordReset, token)); err != nil {
		return model.Agent{}, err
	}
	var out model.Agent
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.DB.UseAccountToken(ctx, tx, postgres.PurposePasswordReset, token)
		if err != nil {
			return asLinkNotFound(err)
		}
		if !t.Agent.Active {
			return linkNotFound()
		}
		if p := password.Check(plain, t.Agent.Email, t.Agent.Name); p != password.OK {
			return PasswordError("password", p)
		}
		hash, err := password.Hash(plain)
		if err != nil {
			return err
		}
		if err := s.DB.SetPassword(ctx, tx, t.Agent, hash, 0); err != nil {
			return err
		}
		if err := s.DB.RetireAccountTokens(ctx, tx, postgres.PurposePasswordReset, t.Agent.ID); err != nil {
			return err
		}
		// The link arrived in their mailbox: the address is theirs.
		if !t.Agent.EmailVerified && strings.EqualFold(t.Email, t.Agent.Email) {
			if t.Agent, err = s.DB.MarkEmailVerified(ctx, tx, t.Agent, t.Email); err != nil {
				return err
			}
		}
		out = t.Agent
		return nil
	})
	return out, err
}
