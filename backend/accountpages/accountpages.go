// Package accountpages serves the pages people reach from Frontdesk's
// account emails, and the ones they use when they cannot sign in:
//
//	/invite/{token}   accept an invitation: choose a name and a password
//	/forgot           ask for a password-reset link
//	/reset/{token}    choose a new password
//	/verify/{token}   confirm an email address
//	/try/{key}        a page that shows a widget as visitors will see it
//
// They are plain HTML forms in the visitor's language (the link's ?lang=,
// else the browser's), with no script: they work before the agent app is
// installed and with any browser. The forms post back to their own page;
// cross-origin posts are refused. What they do is package accounts'; the
// session an accepted invitation starts is the API's (Options.StartSession).
package accountpages

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/backend/accounts"
	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/i18n"
)

//go:embed files
var files embed.FS

// Options configure the pages.
type Options struct {
	Accounts *accounts.Service
	// Widgets finds the widget a /try page shows.
	Widgets interface {
		WidgetByKey(ctx context.Context, key string) (model.Widget, error)
	}
	BaseURL *url.URL
	// StartSession signs an agent in on the requesting browser
	// ((*api.Server).StartSession).
	StartSession func(w http.ResponseWriter, r *http.Request, agent model.Agent, method string) (model.Session, error)
	// ClientIP is the request's client address, as rate limits see it.
	ClientIP func(r *http.Request) string
	// Limit wraps every route with the per-address guest limit
	// ((*api.Server).Public).
	Limit func(http.Handler) http.Handler
	Log   *slog.Logger
}

// Handler serves the pages; add them to a mux with Register.
type Handler struct {
	opts  Options
	log   *slog.Logger
	pages *template.Template
	css   string
	csp   string
}

// New prepares the pages.
func New(opts Options) (*Handler, error) {
	if opts.Accounts == nil || opts.StartSession == nil || opts.Widgets == nil {
		return nil, errors.New("accountpages: Options need Accounts, Widgets and StartSession")
	}
	h := &Handler{opts: opts, log: opts.Log}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.opts.ClientIP == nil {
		h.opts.ClientIP = func(r *http.Request) string { return r.RemoteAddr }
	}
	css, err := files.ReadFile("files/pages.css")
	if err != nil {
		return nil, fmt.Errorf("accountpages: %w", err)
	}
	h.css = string(css)
	sum := sha256.Sum256(css)
	style := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	// No script, forms only to this page, framed by nobody.
	h.csp = "default-src 'none'; img-src 'self'; style-src " + style +
		"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	h.pages, err = template.New("pages.html").Option("missingkey=error").ParseFS(files, "files/pages.html")
	if err != nil {
		return nil, fmt.Errorf("accountpages: template: %w", err)
	}
	for _, lang := range i18n.Languages {
		if _, ok := catalogs[lang]; !ok {
			return nil, fmt.Errorf("accountpages: no texts in %s", lang)
		}
	}
	return h, nil
}

// Register adds the routes to mux (*api.Server and *http.ServeMux fit).
func (h *Handler) Register(mux interface{ Handle(string, http.Handler) }) {
	limit := func(f http.HandlerFunc) http.Handler {
		if h.opts.Limit != nil {
			return h.opts.Limit(f)
		}
		return f
	}
	// Forms are posted by this origin's own pages only.
	post := func(f http.HandlerFunc) http.Handler {
		p := http.NewCrossOriginProtection()
		p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.message(w, r, http.StatusForbidden, h.texts(r).FailedTitle, h.texts(r).CrossOrigin, nil)
		}))
		return p.Handler(limit(f))
	}
	mux.Handle("GET /invite/{token}", limit(h.invite))
	mux.Handle("POST /invite/{token}", post(h.acceptInvite))
	mux.Handle("GET /forgot", limit(h.forgot))
	mux.Handle("POST /forgot", post(h.requestReset))
	mux.Handle("GET /reset/{token}", limit(h.reset))
	mux.Handle("POST /reset/{token}", post(h.saveReset))
	mux.Handle("GET /verify/{token}", limit(h.verify))
	mux.Handle("GET /try/{key}", limit(h.try))
}

// page fills files/pages.html.
type page struct {
	Lang, Title, Lead, Message, Error string
	CSS                               template.CSS
	FormID                            string
	Fields                            []field
	Action, Back                      *link
	WidgetKey                         string
}

type field struct {
	ID, Name, Type, Label, Value, Hint, Error, Autocomplete string
	Readonly, Autofocus                                     bool
}

type link struct{ Text, URL string }

// texts is the request's language.
func (h *Handler) texts(r *http.Request) texts {
	return catalogs[h.lang(r)]
}

func (h *Handler) lang(r *http.Request) string {
	return i18n.Choose(r.URL.Query().Get("lang"), i18n.AcceptLanguage(r.Header.Get("Accept-Language")))
}

// here is the page's own address with its language, for forms and links.
func (h *Handler) here(r *http.Request) string {
	return r.URL.Path + "?lang=" + h.lang(r)
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page, csp string) {
	p.Lang, p.CSS = h.lang(r), template.CSS(h.css)
	var buf bytes.Buffer
	if err := h.pages.ExecuteTemplate(&buf, name, p); err != nil {
		h.log.ErrorContext(r.Context(), "account page: render", "page", name, "err", err)
		http.Error(w, "Something went wrong. Please try again.", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	// The token in the address stays here.
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", csp)
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

func (h *Handler) message(w http.ResponseWriter, r *http.Request, status int, title, msg string, action *link) {
	h.render(w, r, status, "message", page{Title: title, Message: msg, Action: action}, h.csp)
}

// gone is every bad link's page: 404, whatever the reason.
func (h *Handler) gone(w http.ResponseWriter, r *http.Request, msg string) {
	t := h.texts(r)
	if msg == "" {
		msg = t.LinkNotFound
	}
	h.message(w, r, http.StatusNotFound, t.LinkNotFoundTitle, msg, &link{t.SignIn, "/login"})
}

// failed answers an error of the service that the page cannot explain
// better: a bad link, too many requests, or our fault.
func (h *Handler) failed(w http.ResponseWriter, r *http.Request, err error) {
	t := h.texts(r)
	var limit *accounts.LimitError
	if errors.As(err, &limit) {
		w.Header().Set("Retry-After", fmt.Sprint(int(limit.Wait.Seconds())+1))
		h.message(w, r, http.StatusTooManyRequests, t.FailedTitle, t.RateLimited, nil)
		return
	}
	if e, ok := model.AsError(err); ok && e.Code == model.CodeNotFound {
		h.gone(w, r, "")
		return
	}
	if e, ok := model.AsError(err); ok && e.Status == http.StatusServiceUnavailable {
		// An organization paused until its admin verifies their email.
		h.message(w, r, e.Status, t.FailedTitle, t.Unavailable, nil)
		return
	}
	h.log.ErrorContext(r.Context(), "account page", "path", r.URL.Path, "err", err)
	h.message(w, r, http.StatusInternalServerError, t.FailedTitle, t.Failed, nil)
}

// --- Invitations ------------------------------------------------------------

func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	h.renderInvite(w, r, "", "", nil)
}

// renderInvite shows the invitation's form, or says why it cannot be
// accepted: expired, accepted already or withdrawn (all 404).
func (h *Handler) renderInvite(w http.ResponseWriter, r *http.Request, name, formErr string, errs map[string]string) {
	t := h.texts(r)
	st, err := h.opts.Accounts.LookUpInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		h.failed(w, r, err)
		return
	}
	inviter := st.Preview.Inviter
	if inviter == "" {
		inviter = st.Preview.Organization
	}
	switch st.Status {
	case model.InvitationAccepted:
		h.message(w, r, http.StatusNotFound, t.InviteUsedTitle, t.InviteUsed, &link{t.SignIn, "/login"})
		return
	case model.InvitationExpired:
		h.message(w, r, http.StatusNotFound, t.InviteExpiredTitle, fmt.Sprintf(t.InviteExpired, inviter), nil)
		return
	case model.InvitationRevoked:
		h.message(w, r, http.StatusNotFound, t.InviteRevokedTitle, fmt.Sprintf(t.InviteRevoked, st.Preview.Organization), nil)
		return
	}
	if name == "" && errs == nil {
		name = st.Preview.Name
	}
	status := http.StatusOK
	if formErr != "" {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "form", page{
		Title: fmt.Sprintf(t.InviteTitle, st.Preview.Organization), Lead: fmt.Sprintf(t.InviteLead, inviter, st.Preview.Email),
		Error: formErr, FormID: "invite-form",
		Fields: []field{
			{ID: "invite-email", Name: "email", Type: "email", Label: t.Email, Value: st.Preview.Email, Readonly: true, Autocomplete: "username"},
			{ID: "invite-name", Name: "name", Type: "text", Label: t.Name, Value: name, Hint: t.NameHint, Error: errs["name"], Autocomplete: "name", Autofocus: true},
			{ID: "invite-password", Name: "password", Type: "password", Label: t.Password, Hint: t.PasswordHint, Error: errs["password"], Autocomplete: "new-password"},
		},
		Action: &link{fmt.Sprintf(t.InviteAccept, st.Preview.Organization), h.here(r)},
	}, h.csp)
}

func (h *Handler) acceptInvite(w http.ResponseWriter, r *http.Request) {
	t := h.texts(r)
	name, pw := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs["name"] = t.Required
	case n > 200:
		errs["name"] = t.TooLong
	}
	st, err := h.opts.Accounts.LookUpInvitation(r.Context(), r.PathValue("token"))
	if err != nil || st.Status != model.InvitationPending {
		h.renderInvite(w, r, name, "", nil)
		return
	}
	if p := password.Check(pw, st.Preview.Email, name); p != password.OK {
		errs["password"] = t.passwordProblem(p)
	}
	if len(errs) > 0 {
		h.renderInvite(w, r, name, t.FixFields, errs)
		return
	}
	agent, err := h.opts.Accounts.AcceptInvitation(r.Context(), r.PathValue("token"), model.AcceptInvitation{Name: name, Password: pw})
	if e, ok := model.AsError(err); ok && e.Code == model.CodeEmailTaken {
		h.message(w, r, http.StatusConflict, t.InviteUsedTitle, t.EmailTaken, &link{t.SignIn, "/login"})
		return
	}
	if err != nil {
		h.failed(w, r, err)
		return
	}
	if _, err := h.opts.StartSession(w, r, agent, "invitation"); err != nil {
		h.failed(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// --- Password reset ---------------------------------------------------------

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	h.renderForgot(w, r, http.StatusOK, r.URL.Query().Get("email"), "")
}

func (h *Handler) renderForgot(w http.ResponseWriter, r *http.Request, status int, email, emailErr string) {
	t := h.texts(r)
	formErr := ""
	if emailErr != "" {
		formErr = t.FixFields
	}
	h.render(w, r, status, "form", page{
		Title: t.ForgotTitle, Lead: t.ForgotLead, Error: formErr, FormID: "forgot-form",
		Fields: []field{{ID: "forgot-email", Name: "email", Type: "email", Label: t.Email, Value: email, Error: emailErr,
			Autocomplete: "username", Autofocus: true}},
		Action: &link{t.SendLink, h.here(r)},
		Back:   &link{t.BackToSignIn, "/login"},
	}, h.csp)
}

func (h *Handler) requestReset(w http.ResponseWriter, r *http.Request) {
	t := h.texts(r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	err := h.opts.Accounts.RequestPasswordReset(r.Context(), email, h.opts.ClientIP(r), h.lang(r))
	if e, ok := model.AsError(err); ok && e.Code == model.CodeValidation {
		h.renderForgot(w, r, http.StatusUnprocessableEntity, email, t.EmailInvalid)
		return
	}
	if err != nil {
		h.failed(w, r, err)
		return
	}
	h.message(w, r, http.StatusAccepted, t.ForgotSentTitle, fmt.Sprintf(t.ForgotSent, email), &link{t.BackToSignIn, "/login"})
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	if err := h.opts.Accounts.ResetLive(r.Context(), r.PathValue("token")); err != nil {
		h.failed(w, r, err)
		return
	}
	h.renderReset(w, r, http.StatusOK, "")
}

func (h *Handler) renderReset(w http.ResponseWriter, r *http.Request, status int, pwErr string) {
	t := h.texts(r)
	formErr := ""
	if pwErr != "" {
		formErr = t.FixFields
	}
	h.render(w, r, status, "form", page{
		Title: t.ResetTitle, Lead: t.ResetLead, Error: formErr, FormID: "reset-form",
		Fields: []field{{ID: "reset-password", Name: "password", Type: "password", Label: t.NewPassword, Hint: t.PasswordHint,
			Error: pwErr, Autocomplete: "new-password", Autofocus: true}},
		Action: &link{t.SavePassword, h.here(r)},
	}, h.csp)
}

func (h *Handler) saveReset(w http.ResponseWriter, r *http.Request) {
	t := h.texts(r)
	if err := h.opts.Accounts.ResetLive(r.Context(), r.PathValue("token")); err != nil {
		h.failed(w, r, err)
		return
	}
	pw := r.PostFormValue("password")
	if p := password.Check(pw); p != password.OK {
		h.renderReset(w, r, http.StatusUnprocessableEntity, t.passwordProblem(p))
		return
	}
	_, err := h.opts.Accounts.ResetPassword(r.Context(), r.PathValue("token"), pw)
	if e, ok := model.AsError(err); ok && e.Code == model.CodePasswordTooCommon {
		// Too close to the account's own email or name.
		h.renderReset(w, r, http.StatusUnprocessableEntity, t.TooCommon)
		return
	}
	if err != nil {
		h.failed(w, r, err)
		return
	}
	h.message(w, r, http.StatusOK, t.ResetDoneTitle, t.ResetDone, &link{t.SignIn, "/login"})
}

// --- Email verification -----------------------------------------------------

// verify confirms the address on GET: following the link is the
// confirmation (a mail scanner that follows it first confirms an address
// it could read anyway).
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) {
	t := h.texts(r)
	agent, err := h.opts.Accounts.Verify(r.Context(), r.PathValue("token"))
	if e, ok := model.AsError(err); ok && e.Code == model.CodeEmailTaken {
		h.message(w, r, http.StatusConflict, t.FailedTitle, t.EmailTaken, &link{t.OpenApp, "/"})
		return
	}
	if err != nil {
		h.failed(w, r, err)
		return
	}
	h.message(w, r, http.StatusOK, t.VerifiedTitle, fmt.Sprintf(t.Verified, agent.Email), &link{t.OpenApp, "/"})
}

// --- Try the widget ---------------------------------------------------------

// try shows a widget on a page of Frontdesk's own, as a visitor of the
// company's website will see it.
func (h *Handler) try(w http.ResponseWriter, r *http.Request) {
	t := h.texts(r)
	wd, err := h.opts.Widgets.WidgetByKey(r.Context(), r.PathValue("key"))
	if err != nil {
		if e, ok := model.AsError(err); ok && e.Code == model.CodeNotFound {
			h.message(w, r, http.StatusNotFound, t.LinkNotFoundTitle, t.WidgetNotFound, nil)
			return
		}
		h.failed(w, r, err)
		return
	}
	snippet := fmt.Sprintf(`<script src="%s/widget.js" data-frontdesk-widget="%s" async></script>`,
		strings.TrimRight(h.opts.BaseURL.String(), "/"), wd.PublicKey)
	csp := "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'"
	h.render(w, r, http.StatusOK, "try", page{Title: t.TryTitle, Lead: t.TryLead, Message: snippet, WidgetKey: wd.PublicKey}, csp)
}
