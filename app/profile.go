package app

import (
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// profileSection is Settings → Profile, every agent's own: name, title,
// photo, time zone, language, and the sign-in email (changed only once a
// link sent to the new address is followed).
type profileSection struct {
	goapp.Compo

	// Me is the signed-in agent when the section opens.
	Me model.Agent

	form    model.Agent
	started bool
	zones   []string
	errs    formErrors
	saving  bool
	status  string
	// resend of a pending email's link
	resending bool
	uploading bool
	ctx       goapp.Context
}

func (p *profileSection) OnMount(ctx goapp.Context) {
	p.ctx, p.form, p.started = ctx, p.Me, true
	p.zones = browserZones()
}

func (p *profileSection) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if p.saving {
		return
	}
	f, old := p.form, p.Me
	var patch model.ProfilePatch
	set := func(dst **string, now, was string) {
		now = strings.TrimSpace(now)
		if now != was {
			*dst = &now
		}
	}
	set(&patch.Name, f.Name, old.Name)
	set(&patch.Title, f.Title, old.Title)
	set(&patch.TimeZone, f.TimeZone, old.TimeZone)
	set(&patch.Language, f.Language, old.Language)
	if email := strings.TrimSpace(f.Email); !strings.EqualFold(email, old.Email) && !strings.EqualFold(email, old.PendingEmail) {
		patch.Email = &email
	}
	p.saving, p.errs, p.status = true, formErrors{}, ""
	self := p.ctx
	ctx.Async(func() {
		agent, err := api().UpdateMe(self, patch)
		self.Dispatch(func(ctx goapp.Context) {
			p.saving = false
			if err != nil {
				p.errs = formErrorsOf(err)
				return
			}
			p.Me, p.form = agent, agent
			p.status = "Saved."
			if patch.Email != nil {
				p.status = "Saved. We sent a link to " + agent.PendingEmail + ": your sign-in email changes once you follow it."
			}
			updateSessionAgent(ctx, agent)
		})
	})
}

func (p *profileSection) onResend(ctx goapp.Context, _ goapp.Event) {
	if p.resending {
		return
	}
	p.resending, p.status = true, ""
	self := p.ctx
	ctx.Async(func() {
		err := api().ResendVerification(self)
		self.Dispatch(func(ctx goapp.Context) {
			p.resending = false
			if err != nil {
				p.errs = formErrorsOf(err)
				return
			}
			p.status = "We sent the link again."
		})
	})
}

// onPhoto uploads the picture chosen in the file field.
func (p *profileSection) onPhoto(ctx goapp.Context, _ goapp.Event) {
	files := ctx.JSSrc().Get("files")
	if p.uploading || !files.Truthy() || files.Length() == 0 {
		return
	}
	file := files.Index(0)
	typ := file.Get("type").String()
	if file.Get("size").Int() > 5<<20 {
		p.errs = formErrors{Message: "The picture is larger than 5 MB.", Fields: map[string]string{"photo": "larger than 5 MB"}}
		return
	}
	p.uploading, p.errs, p.status = true, formErrors{}, ""
	self := p.ctx
	var done goapp.Func
	done = goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		done.Release()
		arr := goapp.Window().Get("Uint8Array").New(args[0])
		data := make([]byte, arr.Length())
		goapp.CopyBytesToGo(data, arr)
		self.Async(func() {
			agent, err := api().PutPhoto(self, data, typ)
			self.Dispatch(func(ctx goapp.Context) {
				p.uploading = false
				if err != nil {
					p.errs = formErrorsOf(err)
					return
				}
				p.Me.PhotoURL, p.form.PhotoURL = agent.PhotoURL, agent.PhotoURL
				p.status = "Your photo is updated."
				updateSessionAgent(ctx, agent)
			})
		})
		return nil
	})
	file.Call("arrayBuffer").Call("then", done)
}

func (p *profileSection) onRemovePhoto(ctx goapp.Context, _ goapp.Event) {
	if p.uploading {
		return
	}
	p.uploading, p.errs, p.status = true, formErrors{}, ""
	self := p.ctx
	ctx.Async(func() {
		agent, err := api().DeletePhoto(self)
		self.Dispatch(func(ctx goapp.Context) {
			p.uploading = false
			if err != nil {
				p.errs = formErrorsOf(err)
				return
			}
			p.Me.PhotoURL, p.form.PhotoURL = agent.PhotoURL, agent.PhotoURL
			p.status = "Your photo is removed."
			updateSessionAgent(ctx, agent)
		})
	})
}

// renderPhoto shows the photo (or the initials) with Upload and Remove.
func (p *profileSection) renderPhoto() goapp.UI {
	var pic goapp.UI = goapp.Span().ID("profile-avatar").Class("avatar avatar-large").Aria("hidden", "true").Text(initials(p.Me.Name))
	if p.Me.PhotoURL != "" {
		pic = goapp.Img().ID("profile-avatar").Class("avatar avatar-large").Src(p.Me.PhotoURL).Alt("Your photo").Width(72).Height(72)
	}
	errMsg := p.errs.field("photo")
	input := described(goapp.Input().ID("profile-photo-file").Name("photo").Type("file").
		Accept("image/png,image/jpeg,image/webp").Disabled(p.uploading).OnChange(p.onPhoto),
		"profile-photo-file", "PNG, JPEG or WebP, up to 5 MB. Its centre square is used.", errMsg)
	return goapp.Div().Class("profile-photo").Body(
		pic,
		goapp.Div().Body(
			field("profile-photo-file", "Photo", input, "PNG, JPEG or WebP, up to 5 MB. Its centre square is used.", errMsg),
			goapp.If(strings.HasPrefix(p.Me.PhotoURL, "/photos/"), func() goapp.UI {
				return goapp.Button().ID("profile-photo-remove").Type("button").Class("link-button link-danger").
					Disabled(p.uploading).OnClick(p.onRemovePhoto).Text("Remove photo")
			}),
		),
	)
}

// updateSessionAgent puts the agent's new profile into the session the
// screens share (the top bar shows the new name at once).
func updateSessionAgent(ctx goapp.Context, agent model.Agent) {
	var s model.Session
	ctx.GetState(stateSession, &s)
	if s.Agent.ID == 0 {
		return
	}
	s.Agent = agent
	ctx.SetState(stateSession, s)
}

func (p *profileSection) Render() goapp.UI {
	if !p.started {
		p.form = p.Me
	}
	fe := p.errs
	submit := "Save"
	if p.saving {
		submit = "Saving…"
	}
	zones := make([]goapp.UI, len(p.zones))
	for i, z := range p.zones {
		zones[i] = goapp.Option().Value(z)
	}
	zoneInput := described(goapp.Input().ID("profile-zone").Name("time_zone").Type("text").List("profile-zones").
		Attr("autocomplete", "off").Value(p.form.TimeZone).OnInput(bind(&p.form.TimeZone)), "profile-zone", "", fe.field("time_zone"))
	emailHint := "You sign in with it. A new address takes effect once you follow the link we send to it."
	return goapp.Section().ID("profile").Class("settings-section").Aria("labelledby", "profile-title").Body(
		sectionHead("profile-title", "Profile", "How colleagues and guests see you, and your own settings."),
		goapp.Form().ID("profile-form").Class("card narrow").OnSubmit(p.onSave).Body(
			formAlert("profile-error", fe.Message),
			textField("profile-name", "Name", "text", &p.form.Name, "", fe.field("name")),
			textField("profile-title", "Job title (optional)", "text", &p.form.Title, "", fe.field("title")),
			p.renderPhoto(),
			field("profile-zone", "Time zone", zoneInput, "", fe.field("time_zone")),
			goapp.DataList().ID("profile-zones").Body(zones...),
			selectField("profile-language", "Language", languageOptions, p.form.Language,
				func(ctx goapp.Context, v string) { p.form.Language = v }, "Of the emails Frontdesk sends you.", fe.field("language")),
			textField("profile-email", "Email", "email", &p.form.Email, emailHint, fe.field("email")),
			goapp.If(p.Me.PendingEmail != "", func() goapp.UI {
				return goapp.P().ID("profile-pending").Class("field-hint").Body(
					goapp.Text("Waiting for you to confirm "+p.Me.PendingEmail+". "),
					goapp.Button().ID("profile-resend").Type("button").Class("link-button").Disabled(p.resending).
						OnClick(p.onResend).Text("Send the link again"),
				)
			}),
			goapp.Div().Class("form-footer").Body(
				formStatus("profile-status", p.status),
				goapp.Button().ID("profile-save").Type("submit").Class("button button-primary").Disabled(p.saving).Text(submit),
			),
		),
	)
}

// securitySection is Settings → Security: the agent's password and the
// browsers signed in as them.
type securitySection struct {
	goapp.Compo

	current, next string
	errs          formErrors
	saving        bool
	status        string

	sessions []model.SessionInfo
	loaded   bool
	listErr  string
	ending   int64 // the session being signed out; -1 for all others
	ctx      goapp.Context
}

func (s *securitySection) OnMount(ctx goapp.Context) {
	s.ctx = ctx
	s.load()
}

func (s *securitySection) load() {
	self := s.ctx
	self.Async(func() {
		list, err := api().MySessions(self)
		self.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				s.listErr = userMessage(err)
				return
			}
			s.sessions, s.loaded, s.listErr = list, true, ""
		})
	})
}

func (s *securitySection) onChangePassword(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if s.saving {
		return
	}
	in := model.PasswordChange{CurrentPassword: fieldValue("sec-current"), NewPassword: fieldValue("sec-new")}
	s.saving, s.errs, s.status = true, formErrors{}, ""
	self := s.ctx
	ctx.Async(func() {
		err := api().ChangePassword(self, in)
		self.Dispatch(func(ctx goapp.Context) {
			s.saving = false
			if err != nil {
				s.errs = formErrorsOf(err)
				return
			}
			s.current, s.next = "", ""
			s.status = "Your password is changed. Your other sessions were signed out."
			s.load()
		})
	})
}

func (s *securitySection) onEnd(id int64) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if s.ending != 0 {
			return
		}
		s.ending, s.listErr = id, ""
		self := s.ctx
		ctx.Async(func() {
			var err error
			if id < 0 {
				err = api().EndOtherSessions(self)
			} else {
				err = api().EndSession(self, id)
			}
			self.Dispatch(func(ctx goapp.Context) {
				s.ending = 0
				if err != nil {
					s.listErr = userMessage(err)
					return
				}
				s.load()
			})
		})
	}
}

func (s *securitySection) Render() goapp.UI {
	fe := s.errs
	submit := "Change password"
	if s.saving {
		submit = "Changing…"
	}
	current := described(goapp.Input().ID("sec-current").Name("current_password").Type("password").
		Attr("autocomplete", "current-password").Value(s.current).OnInput(bind(&s.current)), "sec-current", "", fe.field("current_password"))
	next := described(goapp.Input().ID("sec-new").Name("new_password").Type("password").
		Attr("autocomplete", "new-password").Value(s.next).OnInput(bind(&s.next)), "sec-new", passwordHint, fe.field("new_password"))
	return goapp.Section().ID("security").Class("settings-section").Aria("labelledby", "security-title").Body(
		sectionHead("security-title", "Security", "Your password, and where you are signed in."),
		goapp.Form().ID("password-form").Class("card narrow").OnSubmit(s.onChangePassword).Body(
			goapp.H3().Text("Password"),
			formAlert("password-error", fe.Message),
			field("sec-current", "Current password", current, "", fe.field("current_password")),
			field("sec-new", "New password", next, passwordHint, fe.field("new_password")),
			goapp.Div().Class("form-footer").Body(
				formStatus("password-status", s.status),
				goapp.Button().ID("password-save").Type("submit").Class("button button-primary").Disabled(s.saving).Text(submit),
			),
		),
		s.renderSessions(),
	)
}

func (s *securitySection) renderSessions() goapp.UI {
	others := 0
	for _, ss := range s.sessions {
		if !ss.Current {
			others++
		}
	}
	rows := make([]goapp.UI, len(s.sessions))
	for i, ss := range s.sessions {
		rows[i] = s.renderSession(ss)
	}
	return goapp.Section().ID("sessions").Class("card").Aria("labelledby", "sessions-title").Body(
		goapp.Div().Class("section-head").Body(
			goapp.H3().ID("sessions-title").Text("Where you are signed in"),
			goapp.If(others > 0, func() goapp.UI {
				return goapp.Button().ID("sessions-end-others").Type("button").Class("button button-secondary button-small").
					Disabled(s.ending != 0).OnClick(s.onEnd(-1)).Text("Sign out everywhere else")
			}),
		),
		formAlert("sessions-error", s.listErr),
		goapp.If(!s.loaded && s.listErr == "", func() goapp.UI { return goapp.P().Class("status").Text("Loading sessions…") }),
		goapp.If(s.loaded, func() goapp.UI {
			return goapp.Div().Class("table-wrap").Body(
				goapp.Table().ID("sessions-list").Class("data-table").Body(
					goapp.Caption().Class("visually-hidden").Text("Sessions"),
					goapp.THead().Body(goapp.Tr().Body(
						goapp.Th().Scope("col").Text("Device"),
						goapp.Th().Scope("col").Text("Address"),
						goapp.Th().Scope("col").Text("Signed in"),
						goapp.Th().Scope("col").Text("Last seen"),
						goapp.Th().Scope("col").Body(goapp.Span().Class("visually-hidden").Text("Actions")),
					)),
					goapp.TBody().Body(rows...),
				),
			)
		}),
	)
}

func (s *securitySection) renderSession(ss model.SessionInfo) goapp.UI {
	id := "session-" + strconv.FormatInt(ss.ID, 10)
	var action goapp.UI
	if ss.Current {
		action = goapp.Span().ID(id + "-current").Class("status-badge status-open").Text("This browser")
	} else {
		action = goapp.Button().ID(id+"-end").Type("button").Class("link-button link-danger").Disabled(s.ending != 0).
			Aria("label", "Sign out "+ss.Device+" at "+ss.Address).OnClick(s.onEnd(ss.ID)).Text("Sign out")
	}
	return goapp.Tr().ID(id).Body(
		goapp.Th().Scope("row").Body(goapp.Span().Title(ss.UserAgent).Text(ss.Device)),
		goapp.Td().Text(ss.Address),
		goapp.Td().Text(sessionTime(ss.CreatedAt)),
		goapp.Td().Text(sessionTime(ss.LastSeenAt)),
		goapp.Td().Class("cell-actions").Body(action),
	)
}

// sessionTime is a session's time in the browser's zone.
func sessionTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 2006, 15:04")
}
