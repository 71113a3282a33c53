package api

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

// Guests' tokens are base64url strings of at least 128 bits.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`)

func (s *Server) widgetByKey(r *http.Request) (model.Widget, error) {
	key := r.PathValue("key")
	if len(key) > 64 {
		return model.Widget{}, &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Widget not found."}
	}
	return s.db.WidgetByKey(r.Context(), key)
}

func (s *Server) widgetConfig(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.widgetByKey(r)
	if err != nil {
		return err
	}
	online, err := s.db.ServiceOnline(r.Context(), wd.OrganizationID, wd.ServiceID)
	if err != nil {
		return err
	}
	slug, err := s.db.BookableAgent(r.Context(), wd.OrganizationID, wd.ServiceID)
	if err != nil {
		return err
	}
	// The widget's fixed language, else the visitor's (?lang=), chooses
	// its own greeting and offline notice; the default greeting otherwise.
	lang := wd.Language
	if lang == "" {
		lang = r.URL.Query().Get("lang")
	}
	greeting := wd.Greeting
	if g, ok := wd.Greetings[lang]; ok {
		greeting = g
	}
	writeJSON(w, http.StatusOK, model.WidgetConfig{
		Key: wd.PublicKey, Name: wd.Name, Color: wd.Color, Greeting: greeting, Offline: wd.OfflineTexts[lang],
		Language: wd.Language, PreChatName: wd.PreChatName, PreChatEmail: wd.PreChatEmail, Online: online, BookingSlug: slug,
	})
	return nil
}

// guestView is what a guest may see of their conversation.
func (s *Server) guestView(r *http.Request, a postgres.GuestAccess) (model.GuestConversation, error) {
	c := a.Conversation
	g := model.GuestConversation{
		ID: c.ID, Token: a.Token, Channel: c.Channel, Status: c.Status, GuestName: c.Guest.Name,
		GuestEmail: c.Guest.Email, LastSeq: c.LastSeq,
	}
	var err error
	if c.AssigneeID != nil {
		if agent, err := s.db.Agent(r.Context(), c.OrganizationID, *c.AssigneeID); err == nil {
			g.AgentName, g.AgentPhoto = agent.Name, agent.PhotoURL
		}
	}
	var serviceID *int64 = c.ServiceID
	if a.WidgetID != nil {
		if wd, err := s.db.Widget(r.Context(), c.OrganizationID, *a.WidgetID); err == nil {
			g.Color, g.Greeting, g.WidgetTitle = wd.Color, wd.Greeting, wd.Name
			g.RatingEnabled, g.TranscriptEnabled = wd.RatingEnabled, wd.TranscriptEnabled
		}
		if g.RatingEnabled {
			if g.Rating, err = s.db.Rating(r.Context(), c.ID); err != nil {
				return g, err
			}
		}
	}
	if g.Online, err = s.db.ServiceOnline(r.Context(), c.OrganizationID, serviceID); err != nil {
		return g, err
	}
	return g, nil
}

func validateStart(in *model.StartConversation, wd model.Widget) error {
	var f model.Fields
	if !tokenPattern.MatchString(in.VisitorToken) {
		f.Add("visitor_token", "must be 22–64 URL-safe characters")
	}
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	if wd.PreChatName || in.Name != "" {
		validate.Text(&f, "name", in.Name, 1, 200)
	}
	if wd.PreChatEmail || in.Email != "" {
		validate.Email(&f, "email", in.Email)
	}
	if len(in.Language) > 16 {
		f.Add("language", "is too long")
	}
	return f.Err()
}

func (s *Server) startConversation(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.widgetByKey(r)
	if err != nil {
		return err
	}
	var in model.StartConversation
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validateStart(&in, wd); err != nil {
		return err
	}
	s.openConversation(w, r, newConversation(wd.OrganizationID, model.ChannelWidget, in, r, func(nc *postgres.NewConversation) {
		nc.WidgetID, nc.ServiceID = &wd.ID, wd.ServiceID
	}))
	return nil
}

// newConversation describes a guest's new conversation; tweak sets where it
// goes.
func newConversation(orgID int64, ch model.Channel, in model.StartConversation, r *http.Request, tweak func(*postgres.NewConversation)) postgres.NewConversation {
	nc := postgres.NewConversation{
		OrganizationID: orgID, Channel: ch, VisitorToken: in.VisitorToken,
		Guest:    model.Guest{Name: in.Name, Email: in.Email},
		Language: languageOf(in.Language, r), AccessToken: randomToken(24), ReuseOpen: true, Route: true,
	}
	tweak(&nc)
	return nc
}

// openConversation starts (or finds again) a guest's conversation and
// answers with the guest's view: 201 when new, 200 when found.
func (s *Server) openConversation(w http.ResponseWriter, r *http.Request, nc postgres.NewConversation) error {
	a, created, err := s.db.StartConversation(r.Context(), nc)
	if err != nil {
		return err
	}
	view, err := s.guestView(r, a)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, view)
	return nil
}

func (s *Server) currentConversation(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.widgetByKey(r)
	if err != nil {
		return err
	}
	visitor := r.URL.Query().Get("visitor")
	if !tokenPattern.MatchString(visitor) {
		return (model.Fields{"visitor": "must be 22–64 URL-safe characters"}).Err()
	}
	a, err := s.db.LatestConversation(r.Context(), wd.OrganizationID, wd.ID, visitor)
	if err != nil {
		return err
	}
	view, err := s.guestView(r, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

// guestAccess resolves the {token} path value. Unknown and malformed tokens
// are the same 404, so tokens cannot be probed.
func (s *Server) guestAccess(r *http.Request) (postgres.GuestAccess, error) {
	token := r.PathValue("token")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	if !tokenPattern.MatchString(token) {
		return postgres.GuestAccess{}, &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "Conversation not found."}
	}
	return s.db.ConversationByToken(r.Context(), token)
}

func (s *Server) guestConversation(w http.ResponseWriter, r *http.Request) error {
	a, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	view, err := s.guestView(r, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

func (s *Server) guestMessages(w http.ResponseWriter, r *http.Request) error {
	a, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	return s.conversationMessages(w, r, a.Conversation.OrganizationID, a.Conversation.ID, s.db.GuestMessages)
}

func (s *Server) guestSend(w http.ResponseWriter, r *http.Request) error {
	a, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	name := a.Conversation.Guest.Name
	if name == "" {
		name = "Guest"
	}
	return s.postMessage(w, r, a.Conversation.OrganizationID, a.Conversation.ID, postgres.Author{Kind: model.AuthorGuest, Name: name})
}

func (s *Server) guestEmail(w http.ResponseWriter, r *http.Request) error {
	a, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var f model.Fields
	validate.Email(&f, "email", strings.TrimSpace(in.Email))
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.db.SetGuestEmail(r.Context(), a.Conversation.OrganizationID, a.Conversation.ID, a.Conversation.Guest.ID, strings.TrimSpace(in.Email)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) guestSocket(w http.ResponseWriter, r *http.Request) error {
	if s.hub == nil {
		return &model.Error{Status: http.StatusServiceUnavailable, Code: model.CodeUnavailable, Message: "Live updates are not available."}
	}
	a, err := s.guestAccess(r)
	if err != nil {
		return err
	}
	s.hub.ServeGuest(w, r, a)
	return nil
}

// languageOf picks the guest's language: what the widget says, else the
// browser's first choice, as a bare lowercase primary tag.
func languageOf(explicit string, r *http.Request) string {
	tag := explicit
	if tag == "" {
		tag = r.Header.Get("Accept-Language")
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_,;"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return "en"
	}
	return tag
}
