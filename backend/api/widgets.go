package api

import (
	"fmt"
	"github.com/frontdesk/frontdesk/backend/validate"
	"html"
	"net/http"
	"regexp"
	"strings"

	"github.com/frontdesk/frontdesk/model"
)

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Snippet is the one tag a site owner pastes into their pages.
func (s *Server) Snippet(w model.Widget) string {
	base := strings.TrimRight(s.cfg.BaseURL.String(), "/")
	return fmt.Sprintf(`<script src="%s/widget.js" data-frontdesk-widget="%s" async></script>`,
		html.EscapeString(base), html.EscapeString(w.PublicKey))
}

func (s *Server) withSnippet(w model.Widget) model.Widget {
	w.Snippet = s.Snippet(w)
	return w
}

func (s *Server) listWidgets(w http.ResponseWriter, r *http.Request) error {
	widgets, err := s.db.Widgets(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID)
	if err != nil {
		return err
	}
	for i := range widgets {
		widgets[i] = s.withSnippet(widgets[i])
	}
	writeJSON(w, http.StatusOK, widgets)
	return nil
}

func (s *Server) getWidget(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	wd, err := s.db.Widget(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.withSnippet(wd))
	return nil
}

// applyWidget validates in and applies it to wd.
func applyWidget(wd *model.Widget, in model.WidgetInput, creating bool) error {
	var f model.Fields
	if in.Name != nil {
		validate.Text(&f, "name", *in.Name, 1, 100)
		wd.Name = strings.TrimSpace(*in.Name)
	} else if creating {
		f.Add("name", "is required")
	}
	if in.Color != nil {
		if !colorPattern.MatchString(*in.Color) {
			f.Add("color", "must be a colour like #2563eb")
		}
		wd.Color = strings.ToLower(*in.Color)
	}
	if in.Greeting != nil {
		validate.Text(&f, "greeting", *in.Greeting, 0, 500)
		wd.Greeting = *in.Greeting
	}
	if in.ServiceID != nil {
		if *in.ServiceID <= 0 {
			wd.ServiceID = nil
		} else {
			wd.ServiceID = in.ServiceID
		}
	}
	if in.PreChatName != nil {
		wd.PreChatName = *in.PreChatName
	}
	if in.RatingEnabled != nil {
		wd.RatingEnabled = *in.RatingEnabled
	}
	if in.TranscriptEnabled != nil {
		wd.TranscriptEnabled = *in.TranscriptEnabled
	}
	if in.PreChatEmail != nil {
		wd.PreChatEmail = *in.PreChatEmail
	}
	if in.AllowedOrigins != nil {
		if len(*in.AllowedOrigins) > 50 {
			f.Add("allowed_origins", "has too many entries")
		}
		origins := make([]string, 0, len(*in.AllowedOrigins))
		for i, o := range *in.AllowedOrigins {
			o = strings.TrimRight(strings.TrimSpace(o), "/")
			validate.Origin(&f, fmt.Sprintf("allowed_origins[%d]", i), o)
			origins = append(origins, strings.ToLower(o))
		}
		wd.AllowedOrigins = origins
	}
	if in.Language != nil {
		if *in.Language != "" && !model.SupportedLanguage(*in.Language) {
			f.Add("language", "must be empty or one of "+strings.Join(model.Languages, ", "))
		}
		wd.Language = *in.Language
	}
	perLanguage := func(field string, in *map[string]string, dst *map[string]string) {
		if in == nil {
			return
		}
		out := map[string]string{}
		for lang, text := range *in {
			if !model.SupportedLanguage(lang) {
				f.Add(field+"."+lang, "is not a supported language")
				continue
			}
			validate.Text(&f, field+"."+lang, text, 0, 500)
			if strings.TrimSpace(text) != "" {
				out[lang] = text
			}
		}
		*dst = out
	}
	perLanguage("greetings", in.Greetings, &wd.Greetings)
	perLanguage("offline_texts", in.OfflineTexts, &wd.OfflineTexts)
	return f.Err()
}

func (s *Server) createWidget(w http.ResponseWriter, r *http.Request) error {
	var in model.WidgetInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	wd := model.Widget{Color: "#2563eb", PreChatName: true, PreChatEmail: true, Greeting: "Hi! How can we help?"}
	if err := applyWidget(&wd, in, true); err != nil {
		return err
	}
	wd.PublicKey = "wk_" + randomToken(18)
	created, err := s.db.CreateWidget(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, wd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.withSnippet(created))
	return nil
}

func (s *Server) updateWidget(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.WidgetInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	orgID := sessionFrom(r.Context()).Agent.OrganizationID
	wd, err := s.db.Widget(r.Context(), orgID, id)
	if err != nil {
		return err
	}
	if err := applyWidget(&wd, in, false); err != nil {
		return err
	}
	updated, err := s.db.UpdateWidget(r.Context(), orgID, wd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.withSnippet(updated))
	return nil
}
