package app

import (
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// The search's words, in one place for translation.
const (
	textSearchLabel  = "Search messages, guests and tags"
	textSearchButton = "Search"
	textSearchClear  = "Clear search"
	textSearching    = "Searching…"
	textNoHits       = "Nothing found."
	textMoreHits     = "More results"
	textSearchGuest  = "Guest details"
	textSearchNote   = "Note"
	searchPageSize   = 20
)

// actionSearching carries a bool: whether search results are shown.
const actionSearching = "frontdesk.search.active"

// search is the inbox's search box and its results, which stand in for the
// conversation list while a search is shown. Results are newest first and
// load a page at a time.
type search struct {
	goapp.Compo

	Selected int64

	query string // the search whose results are shown
	hits  []model.SearchHit
	busy  bool
	err   string
	more  bool
	runs  int
	self  goapp.Context
}

func (s *search) OnMount(ctx goapp.Context) { s.self = ctx }

func (s *search) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	q := strings.TrimSpace(fieldValue("search"))
	if q == "" {
		s.clear()
		return
	}
	s.query, s.hits, s.more = q, nil, false
	ctx.NewActionWithValue(actionSearching, true)
	s.run("")
}

func (s *search) onKeyDown(ctx goapp.Context, e goapp.Event) {
	if e.Get("key").String() == "Escape" && s.query != "" {
		e.PreventDefault()
		setFieldValue("search", "")
		s.clear()
		return
	}
	ctx.PreventUpdate()
}

func (s *search) clear() {
	s.query, s.hits, s.err, s.more, s.busy = "", nil, "", false, false
	s.runs++
	s.self.NewActionWithValue(actionSearching, false)
}

func (s *search) onClearClick(ctx goapp.Context, e goapp.Event) {
	setFieldValue("search", "")
	s.clear()
	goapp.Window().GetElementByID("search").Call("focus")
}

func (s *search) onMore(ctx goapp.Context, e goapp.Event) {
	if len(s.hits) > 0 {
		s.run(s.hits[len(s.hits)-1].Cursor)
	}
}

// run fetches a page of results after the cursor before.
func (s *search) run(before string) {
	s.busy, s.err = true, ""
	s.runs++
	q, run, self := s.query, s.runs, s.self
	self.Async(func() {
		hits, err := api().Search(self, q, before)
		self.Dispatch(func(ctx goapp.Context) {
			if run != s.runs {
				return // another search since
			}
			s.busy = false
			if err != nil {
				s.err = userMessage(err)
				return
			}
			s.hits = append(s.hits, hits...)
			s.more = len(hits) == searchPageSize
		})
	})
}

func (s *search) Render() goapp.UI {
	form := goapp.Form().ID("search-form").Class("search-form").Role("search").OnSubmit(s.onSubmit).Body(
		goapp.Input().ID("search").Type("search").Class("search-input").Name("q").
			Placeholder(textSearchLabel).Aria("label", textSearchLabel).MaxLength(model.MaxSearchQuery).
			AutoComplete(false).OnKeyDown(s.onKeyDown),
		goapp.Button().ID("search-go").Type("submit").Class("button button-secondary button-small").Text(textSearchButton),
		goapp.If(s.query != "", func() goapp.UI {
			return goapp.Button().ID("search-clear").Type("button").Class("link-button").Aria("label", textSearchClear).OnClick(s.onClearClick).Text("×")
		}),
	)
	if s.query == "" {
		return goapp.Div().Class("search").Body(form)
	}
	now := time.Now()
	items := make([]goapp.UI, len(s.hits))
	for i, h := range s.hits {
		items[i] = goapp.Li().Body(s.renderHit(h, now))
	}
	return goapp.Div().Class("search").Body(
		form,
		goapp.Div().ID("search-results").Class("search-results").Aria("live", "polite").Body(
			goapp.If(s.err != "", func() goapp.UI { return goapp.P().Class("form-error").Role("alert").Text(s.err) }),
			goapp.If(len(s.hits) > 0, func() goapp.UI { return goapp.Ul().ID("search-hits").Class("conv-list").Body(items...) }),
			goapp.If(s.busy, func() goapp.UI { return goapp.P().Class("conv-list-message status").Text(textSearching) }),
			goapp.If(!s.busy && s.err == "" && len(s.hits) == 0, func() goapp.UI {
				return goapp.P().ID("search-empty").Class("conv-list-message status").Text(textNoHits)
			}),
			goapp.If(s.more && !s.busy, func() goapp.UI {
				return goapp.Button().ID("search-more").Type("button").Class("button button-secondary button-small").OnClick(s.onMore).Text(textMoreHits)
			}),
		),
	)
}

func (s *search) renderHit(h model.SearchHit, now time.Time) goapp.UI {
	name := h.GuestName
	if name == "" {
		name = "Guest"
	}
	where := h.AuthorName
	switch {
	case h.Seq == 0:
		where = textSearchGuest
	case h.Private:
		where = textSearchNote + " · " + h.AuthorName
	}
	parts := make([]goapp.UI, len(h.Snippet))
	for i, p := range h.Snippet {
		if p.Match {
			parts[i] = goapp.Mark().Text(p.Text)
		} else {
			parts[i] = goapp.Text(p.Text)
		}
	}
	link := goapp.A().ID("hit-" + strconv.Itoa(int(h.ConversationID)) + "-" + strconv.FormatInt(h.Seq, 10)).
		Class("conv-row search-hit").Href(conversationPath(h.ConversationID))
	if h.ConversationID == s.Selected {
		link = link.Aria("current", "page")
	}
	return link.Body(
		goapp.Span().Class("avatar").Aria("hidden", "true").Text(initials(name)),
		goapp.Span().Class("conv-row-main").Body(
			goapp.Span().Class("conv-row-line").Body(
				goapp.Span().Class("conv-name").Text(name),
				goapp.Time().Class("conv-time").DateTime(h.At.Format(time.RFC3339)).Text(listTime(h.At, now)),
			),
			goapp.Span().Class("search-where").Text(where),
			goapp.Span().Class("search-snippet").Body(parts...),
		),
	)
}
