//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/backend/accountpages"
	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/pgcluster"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// The wiring of accounts (package accounts, its pages and its API) and
// the `frontdesk admin create` command.

// openAccounts builds the accounts service and registers its workers; its
// Queue is set once the queue exists.
func (m *Main) openAccounts(workers *river.Workers) error {
	m.accounts = accounts.New(m.db, m.Config.BaseURL, m.Config.Signup, m.Log)
	return m.accounts.Register(workers)
}

// serveAccounts adds the API routes' service and the pages invitees and
// people locked out reach by email (/invite, /reset, /verify, /forgot, and
// the widget's /try page).
func (m *Main) serveAccounts() error {
	m.api.SetAccounts(m.accounts)
	pages, err := accountpages.New(accountpages.Options{
		Accounts: m.accounts, Widgets: m.db, BaseURL: m.Config.BaseURL,
		StartSession: m.api.StartSession, ClientIP: m.api.ClientIP, Limit: m.api.Public, Log: m.Log,
	})
	if err != nil {
		return err
	}
	pages.Register(m.api)
	return nil
}

// printSetup prints, and logs, the first-run setup link when the server
// has no organization yet and sign-up is not open. Each start makes a new
// link; the previous one stops working.
func (m *Main) printSetup(ctx context.Context) error {
	link, ok, err := m.accounts.PrepareSetup(ctx)
	if err != nil || !ok {
		return err
	}
	fmt.Fprintf(m.Stdout, "\nFrontdesk has no organization yet. Open this link within 24 hours to set one up:\n\n  %s\n\n", link)
	m.Log.Info("first-run setup link", "url", link)
	return nil
}

// command runs the subcommand named by args.
func command(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) >= 2 && args[0] == "admin" && args[1] == "create" {
		return adminCreate(ctx, args[2:], getenv, stdout)
	}
	return fmt.Errorf("unknown command %q; usage:\n  frontdesk                      run the server\n  frontdesk admin create --organization NAME --email EMAIL --name NAME [--time-zone ZONE] [--language en|de|fr|it|es]", strings.Join(args, " "))
}

// adminCreate is `frontdesk admin create`: an organization with its first
// admin, for scripts and containers. It prints the link where the admin
// chooses a password, rather than taking one on the command line.
func adminCreate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("frontdesk admin create", flag.ContinueOnError)
	fs.SetOutput(stdout)
	org := fs.String("organization", "", "the organization's name (required)")
	email := fs.String("email", "", "the admin's email address; they sign in with it (required)")
	name := fs.String("name", "", "the admin's name (required)")
	zone := fs.String("time-zone", "UTC", "the admin's IANA time zone")
	lang := fs.String("language", "en", "the admin's and the organization's language: en, de, fr, it or es")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("admin create: unexpected %q", strings.Join(fs.Args(), " "))
	}
	var missing []string
	for flagName, v := range map[string]string{"--organization": *org, "--email": *email, "--name": *name} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, flagName)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("admin create: %s required", strings.Join(missing, ", "))
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, io.Discard)
	dsn := cfg.DatabaseURL
	if dsn == "" {
		c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(cfg.DataDir, "postgres"), Logger: log})
		if err != nil {
			return fmt.Errorf("private database: %w", err)
		}
		defer c.Stop(context.WithoutCancel(ctx)) //nolint:errcheck // a shared cluster keeps running for its server
		dsn = c.DSN()
	}
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	svc := accounts.New(db, cfg.BaseURL, cfg.Signup, log)
	created, link, err := svc.CreateAdmin(ctx, accounts.AdminRequest{
		Organization: *org, Email: strings.TrimSpace(*email), Name: *name, TimeZone: *zone, Language: *lang,
	})
	var apiErr *model.Error
	if errors.As(err, &apiErr) {
		return fmt.Errorf("admin create: %s", apiErr.Error())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created organization %q with admin %s <%s>.\n", created.Organization.Name, created.Admin.Name, created.Admin.Email)
	fmt.Fprintf(stdout, "%s chooses a password at this link, within 24 hours:\n\n  %s\n", created.Admin.Name, link)
	return nil
}
