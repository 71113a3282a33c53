package calsync

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/oauth2"

	"github.com/frontdesk/frontdesk/backend/calendar"
	"github.com/frontdesk/frontdesk/backend/calendar/caldav"
	"github.com/frontdesk/frontdesk/backend/calendar/google"
	"github.com/frontdesk/frontdesk/backend/calendar/microsoft"
	"github.com/frontdesk/frontdesk/backend/oauth"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// stateTTL is how long the agent has to get through the consent screen.
const stateTTL = 15 * time.Minute

// Connect checks a CalDAV account against its server and stores it sealed,
// replacing any other connection of the agent.
func (s *Sync) Connect(ctx context.Context, agent model.Agent, acct caldav.Account) error {
	if err := s.CalDAV.Check(ctx, acct); err != nil {
		// The caldav package's errors are written for this form and never
		// carry the password.
		msg := err.Error()
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: CodeCalendar,
			Message: "The calendar could not be used: " + msg + ".", Fields: map[string]string{"url": msg}}
	}
	sealed, err := s.Box.Seal([]byte(acct.Password), caldavSealContext(agent.ID))
	if err != nil {
		return err
	}
	s.stopAll(ctx, agent.ID)
	row := postgres.CalendarAccount{AgentID: agent.ID, OrganizationID: agent.OrganizationID, Provider: string(calendar.CalDAV),
		URL: acct.URL, Username: acct.Username, PasswordSealed: sealed, WriteCalendarID: caldav.CalendarID}
	cals := []postgres.ConnectedCalendar{{CalendarID: caldav.CalendarID, Name: acct.URL, IsPrimary: true, Writable: true, Busy: true}}
	return s.connect(ctx, agent, row, cals)
}

// connect stores a new connection, and queues its first sync, its
// channels and the writes of the agent's upcoming meetings, all in one
// transaction.
func (s *Sync) connect(ctx context.Context, agent model.Agent, row postgres.CalendarAccount, cals []postgres.ConnectedCalendar) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.DB.ConnectCalendar(ctx, tx, row, cals); err != nil {
			return err
		}
		for _, c := range cals {
			if !c.Busy {
				continue
			}
			if err := s.queueSync(ctx, tx, agent.ID, c.CalendarID); err != nil {
				return err
			}
			if row.Provider != string(calendar.CalDAV) {
				if err := s.queueWatch(ctx, tx, agent.ID, c.CalendarID); err != nil {
					return err
				}
			}
		}
		return s.enqueueUpcoming(ctx, tx, agent.OrganizationID, agent.ID)
	})
}

// Disconnect removes the agent's connection, whatever its provider, after
// stopping its notification channels. Meetings already written stay in the
// calendar.
func (s *Sync) Disconnect(ctx context.Context, agent model.Agent) error {
	s.stopAll(ctx, agent.ID)
	return s.DB.DeleteCalendar(ctx, agent.OrganizationID, agent.ID)
}

// ParseProvider reads an OAuth provider from a path; anything else is a
// 404, as for an unknown route.
func ParseProvider(v string) (calendar.Provider, error) {
	if p := calendar.Provider(v); p == calendar.Google || p == calendar.Microsoft {
		return p, nil
	}
	return "", &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "No such calendar provider."}
}

// StartOAuth begins connecting an agent's Google or Microsoft account: it
// keeps the state and PKCE verifier (single use, a few minutes) and
// returns the consent screen's URL for the browser.
func (s *Sync) StartOAuth(ctx context.Context, agent model.Agent, p calendar.Provider) (string, error) {
	app, err := s.oauthApp(ctx, agent.OrganizationID, p)
	if err != nil {
		return "", err
	}
	auth, err := app.Authorize()
	if err != nil {
		return "", err
	}
	hash := oauth.HashState(auth.State)
	sealed, err := s.Box.Seal([]byte(auth.Verifier), stateSealContext(hash))
	if err != nil {
		return "", err
	}
	err = s.DB.SaveOAuthState(ctx, postgres.OAuthState{StateHash: hash, OrganizationID: agent.OrganizationID, AgentID: agent.ID,
		Provider: string(p), VerifierSealed: sealed, ExpiresAt: s.now().Add(stateTTL)})
	if err != nil {
		return "", err
	}
	return auth.URL, nil
}

func stateSealContext(hash []byte) string { return fmt.Sprintf("oauth-state:%x", hash) }

func oauthError(code, msg string) error {
	return &model.Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// FinishOAuth completes a connection from the provider's redirect, in the
// session of the agent who is signed in. The state must be one this agent
// started for this provider and not used before; the code must pass the
// provider's token endpoint with that state's PKCE verifier; the grant
// must hold every scope Frontdesk needs and a refresh token. Any failure
// is a *model.Error with its own code, logged, and nothing is stored; a
// state is spent even by a failed attempt.
func (s *Sync) FinishOAuth(ctx context.Context, agent model.Agent, p calendar.Provider, q url.Values) (err error) {
	log := s.log().With("agent", agent.ID, "provider", p)
	defer func() {
		if e, ok := model.AsError(err); ok {
			log.Warn("calsync: connecting a calendar failed", "code", e.Code, "reason", e.Message)
		}
	}()
	state := q.Get("state")
	if state == "" || len(state) > 200 {
		return oauthError(model.CodeOAuthState, "This sign-in is not valid. Start again from My availability.")
	}
	st, ok, err := s.DB.TakeOAuthState(ctx, oauth.HashState(state))
	if err != nil {
		return err
	}
	if !ok || st.Provider != string(p) {
		return oauthError(model.CodeOAuthState, "This sign-in has expired or was already used. Start again from My availability.")
	}
	if st.AgentID != agent.ID || st.OrganizationID != agent.OrganizationID {
		return &model.Error{Status: http.StatusForbidden, Code: model.CodeOAuthWrongAgent,
			Message: "This sign-in was started by another Frontdesk user. Sign in to Frontdesk as yourself and start again."}
	}
	if e := q.Get("error"); e != "" {
		return oauthError(model.CodeOAuthDenied, p.Title()+" was not connected: access was not allowed.")
	}
	code := q.Get("code")
	if code == "" || len(code) > 4096 {
		return oauthError(model.CodeOAuthFailed, p.Title()+" sent no authorization code. Start again.")
	}
	verifier, err := s.Box.Open(st.VerifierSealed, stateSealContext(st.StateHash))
	if err != nil {
		return fmt.Errorf("open PKCE verifier: %w", err)
	}
	app, err := s.oauthApp(ctx, agent.OrganizationID, p)
	if err != nil {
		return err
	}
	tok, err := app.Exchange(ctx, code, string(verifier))
	if err != nil {
		log.Info("calsync: token exchange refused", "err", err)
		if d := oauth.Description(err); d != "" {
			return oauthError(model.CodeOAuthFailed, p.Title()+" did not accept the sign-in ("+d+"). Start again.")
		}
		return &model.Error{Status: http.StatusBadGateway, Code: model.CodeOAuthFailed, Message: p.Title() + " could not be reached to finish the sign-in. Try again."}
	}
	granted := oauth.Scopes(tok)
	var missing []string
	if p == calendar.Google {
		missing = google.MissingScopes(granted)
	} else {
		missing = microsoft.MissingScopes(granted)
	}
	if len(missing) > 0 {
		return oauthError(model.CodeOAuthScope, "Frontdesk needs permission to see and edit the events of your calendars and to list them. Connect again and leave every permission ticked.")
	}
	if tok.RefreshToken == "" {
		return oauthError(model.CodeOAuthFailed, p.Title()+" gave no lasting access (offline access). Connect again and allow it.")
	}
	conn := s.connFor(p, agent, oauth2.StaticTokenSource(tok))
	infos, err := conn.Calendars(ctx)
	if err != nil {
		return &model.Error{Status: http.StatusBadGateway, Code: CodeCalendar, Message: "The calendars could not be read: " + shortMessage(err) + "."}
	}
	row, cals, err := s.newConnection(agent, p, infos, tok.RefreshToken, granted)
	if err != nil {
		return err
	}
	s.stopAll(ctx, agent.ID)
	if err := s.connect(ctx, agent, row, cals); err != nil {
		return err
	}
	log.Info("calsync: calendar connected", "account", row.Username, "calendars", len(cals))
	return nil
}

// connFor is a provider client on a given token source.
func (s *Sync) connFor(p calendar.Provider, agent model.Agent, ts oauth2.TokenSource) calendar.Conn {
	zone, err := time.LoadLocation(agent.TimeZone)
	if err != nil {
		zone = time.UTC
	}
	if p == calendar.Google {
		return s.Google.Conn(google.Account{Tokens: ts, Zone: zone, Own: OwnUID(s.BaseURL)})
	}
	return s.Microsoft.Conn(microsoft.Account{Tokens: ts, Zone: zone, Own: OwnUID(s.BaseURL)})
}

// newConnection is a connection's row and calendars: the primary calendar
// gets the meetings (when writable) and counts as busy; the agent can
// choose others afterwards.
func (s *Sync) newConnection(agent model.Agent, p calendar.Provider, infos []calendar.Info, refresh string, scopes []string) (postgres.CalendarAccount, []postgres.ConnectedCalendar, error) {
	sealed, err := s.Box.Seal([]byte(refresh), refreshSealContext(agent.ID))
	if err != nil {
		return postgres.CalendarAccount{}, nil, err
	}
	row := postgres.CalendarAccount{AgentID: agent.ID, OrganizationID: agent.OrganizationID, Provider: string(p),
		RefreshTokenSealed: sealed, Scopes: truncate(strings.Join(scopes, " "), 2000)}
	var cals []postgres.ConnectedCalendar
	for _, in := range infos {
		if len(cals) == 200 {
			break
		}
		if in.ID == "" || len(in.ID) > 1024 {
			continue
		}
		cals = append(cals, postgres.ConnectedCalendar{CalendarID: in.ID, Name: truncate(in.Name, 500), TimeZone: truncate(in.TimeZone, 100),
			IsPrimary: in.Primary, Writable: in.Writable, Busy: in.Primary})
		if in.Primary {
			row.Username = truncate(in.Owner, 254)
			if in.Writable {
				row.WriteCalendarID = in.ID
			}
		}
	}
	if row.Username == "" {
		row.Username = truncate(agent.Email, 254)
	}
	return row, cals, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Choose sets where new meetings go and which calendars count as busy.
// Calendars that start counting are synced and watched; those that stop
// lose their busy time and channels.
func (s *Sync) Choose(ctx context.Context, agent model.Agent, in model.CalendarChoices) error {
	acct, ok, err := s.DB.Calendar(ctx, agent.ID)
	if err != nil {
		return err
	}
	if !ok {
		return &model.Error{Status: http.StatusConflict, Code: model.CodeConflict, Message: "No calendar is connected."}
	}
	cals, err := s.DB.ConnectedCalendars(ctx, agent.ID)
	if err != nil {
		return err
	}
	byID := map[string]postgres.ConnectedCalendar{}
	for _, c := range cals {
		byID[c.CalendarID] = c
	}
	var f model.Fields
	if in.WriteCalendarID != "" {
		if c, ok := byID[in.WriteCalendarID]; !ok {
			f.Add("write_calendar_id", "is not one of your calendars")
		} else if !c.Writable {
			f.Add("write_calendar_id", "is read-only; choose a calendar you can add events to")
		}
	}
	busy := []string{}
	for i, id := range in.BusyCalendarIDs {
		if _, ok := byID[id]; !ok {
			f.Add(fmt.Sprintf("busy_calendar_ids[%d]", i), "is not one of your calendars")
		} else if !slices.Contains(busy, id) {
			busy = append(busy, id)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		added, err := s.DB.ChooseCalendars(ctx, tx, agent.ID, in.WriteCalendarID, busy)
		if err != nil {
			return err
		}
		for _, id := range added {
			if err := s.queueSync(ctx, tx, agent.ID, id); err != nil {
				return err
			}
			if acct.Provider != string(calendar.CalDAV) {
				if err := s.queueWatch(ctx, tx, agent.ID, id); err != nil {
					return err
				}
			}
		}
		for _, c := range cals {
			if c.Busy && !slices.Contains(busy, c.CalendarID) && acct.Provider != string(calendar.CalDAV) && s.Queue != nil {
				if err := s.Queue.InsertTx(ctx, tx, UnwatchArgs{AgentID: agent.ID, CalendarID: c.CalendarID}, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Settings is the agent's connection as the app shows it (feed URL aside).
func (s *Sync) Settings(ctx context.Context, agent model.Agent) (model.CalendarSettings, error) {
	out := model.CalendarSettings{Available: []string{}}
	apps, err := s.DB.CalendarApps(ctx, agent.OrganizationID)
	if err != nil {
		return out, err
	}
	for _, a := range apps {
		out.Available = append(out.Available, a.Provider)
	}
	acct, ok, err := s.DB.Calendar(ctx, agent.ID)
	if err != nil || !ok {
		return out, err
	}
	out.Connected, out.Provider, out.Username, out.WriteCalendarID = true, acct.Provider, acct.Username, acct.WriteCalendarID
	if acct.Provider == string(calendar.CalDAV) {
		out.URL = acct.URL
	}
	out.Status = model.CalendarOK
	if acct.NeedsReconnectAt != nil {
		out.Status, out.StatusMessage = model.CalendarNeedsReconnect, acct.ReconnectReason
	}
	cals, err := s.DB.ConnectedCalendars(ctx, agent.ID)
	if err != nil {
		return out, err
	}
	for _, c := range cals {
		out.Calendars = append(out.Calendars, model.ConnectedCalendar{ID: c.CalendarID, Name: c.Name, Primary: c.IsPrimary,
			Writable: c.Writable, Busy: c.Busy, SyncedAt: c.SyncedAt, SyncError: c.SyncError})
	}
	return out, nil
}

// Apps is the organization's OAuth apps as the admin screen shows them.
func (s *Sync) Apps(ctx context.Context, orgID int64) (model.CalendarApps, error) {
	out := model.CalendarApps{
		Google:    model.CalendarApp{Provider: string(calendar.Google), RedirectURI: s.RedirectURI(calendar.Google)},
		Microsoft: model.CalendarApp{Provider: string(calendar.Microsoft), RedirectURI: s.RedirectURI(calendar.Microsoft), Tenant: microsoft.DefaultTenant},
	}
	apps, err := s.DB.CalendarApps(ctx, orgID)
	if err != nil {
		return out, err
	}
	var rows []struct {
		Provider string
		N        int
	}
	err = s.DB.Bun.NewSelect().Table("agent_calendars").ColumnExpr("provider, count(*) AS n").
		Where("organization_id = ?", orgID).Group("provider").Scan(ctx, &rows)
	if err != nil {
		return out, fmt.Errorf("count calendar connections: %w", err)
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Provider] = r.N
	}
	for _, a := range apps {
		app := model.CalendarApp{Provider: a.Provider, Configured: true, ClientID: a.ClientID, SecretSet: a.ClientSecretSealed != "",
			Tenant: a.Tenant, RedirectURI: s.RedirectURI(calendar.Provider(a.Provider)), Connections: counts[a.Provider]}
		if a.Provider == string(calendar.Google) {
			app.Tenant = ""
			out.Google = app
		} else {
			out.Microsoft = app
		}
	}
	return out, nil
}

// SetApp stores an organization's OAuth app; an empty secret keeps the
// stored one.
func (s *Sync) SetApp(ctx context.Context, orgID int64, p calendar.Provider, in model.CalendarAppInput) (model.CalendarApps, error) {
	var f model.Fields
	in.ClientID, in.ClientSecret, in.Tenant = strings.TrimSpace(in.ClientID), strings.TrimSpace(in.ClientSecret), strings.TrimSpace(in.Tenant)
	if in.ClientID == "" {
		f.Add("client_id", "is required")
	} else if len(in.ClientID) > 300 || strings.ContainsAny(in.ClientID, " \t\r\n") {
		f.Add("client_id", "is not a client id")
	}
	if len(in.ClientSecret) > 1000 {
		f.Add("client_secret", "is too long")
	}
	switch {
	case p == calendar.Google && in.Tenant != "":
		f.Add("tenant", "applies to Microsoft only")
	case p == calendar.Microsoft && in.Tenant == "":
		in.Tenant = microsoft.DefaultTenant
	case p == calendar.Microsoft && !microsoft.ValidTenant(in.Tenant):
		f.Add("tenant", "must be a directory (tenant) id, a domain such as contoso.onmicrosoft.com, or common")
	}
	old, hadOld, err := s.DB.CalendarApp(ctx, orgID, string(p))
	if err != nil {
		return model.CalendarApps{}, err
	}
	app := postgres.CalendarApp{OrganizationID: orgID, Provider: string(p), ClientID: in.ClientID, Tenant: in.Tenant}
	switch {
	case in.ClientSecret != "":
		if app.ClientSecretSealed, err = s.Box.Seal([]byte(in.ClientSecret), appSealContext(orgID, string(p))); err != nil {
			return model.CalendarApps{}, err
		}
	case hadOld:
		app.ClientSecretSealed = old.ClientSecretSealed
	default:
		f.Add("client_secret", "is required")
	}
	if err := f.Err(); err != nil {
		return model.CalendarApps{}, err
	}
	if err := s.DB.SetCalendarApp(ctx, app); err != nil {
		return model.CalendarApps{}, err
	}
	return s.Apps(ctx, orgID)
}

// DeleteApp removes an OAuth app; agents connected through it are asked
// to connect again once one is set up.
func (s *Sync) DeleteApp(ctx context.Context, orgID int64, p calendar.Provider) (model.CalendarApps, error) {
	if err := s.DB.DeleteCalendarApp(ctx, orgID, string(p), "an admin removed "+p.Title()+" from Frontdesk's integrations"); err != nil {
		return model.CalendarApps{}, err
	}
	return s.Apps(ctx, orgID)
}
