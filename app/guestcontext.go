package app

import (
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// The guest context panel's words, in one place for translation.
const (
	textContextTitle  = "Visitor"
	textCurrentPage   = "Now on"
	textStartPage     = "Started on"
	textReferrer      = "Came from"
	textBrowser       = "Browser"
	textLocalTime     = "Local time"
	textLanguage      = "Language"
	textEarlier       = "Earlier conversations"
	textNoEarlier     = "None"
	textRatingTitle   = "Rating"
	textRatingOf      = " of 5"
	textContextFailed = "Could not load the visitor's details."
)

// guestContextPanel shows where the guest is (live, as they move around
// the host site), where they came from, their browser and local time, their
// earlier conversations, and the conversation's rating. Version changes
// when the server says any of it changed.
type guestContextPanel struct {
	goapp.Compo

	ConversationID int64
	Version        int

	shown   int64
	version int
	loads   int
	gc      *model.GuestContext
	err     string
	self    goapp.Context
}

func (p *guestContextPanel) OnMount(ctx goapp.Context) {
	p.self = ctx
	p.load(ctx)
}

func (p *guestContextPanel) OnUpdate(ctx goapp.Context) {
	if p.ConversationID != p.shown || p.Version != p.version {
		p.load(ctx)
	}
}

func (p *guestContextPanel) load(ctx goapp.Context) {
	if p.ConversationID != p.shown {
		p.gc, p.err = nil, ""
	}
	p.shown, p.version = p.ConversationID, p.Version
	p.loads++
	id, load, self := p.shown, p.loads, p.self
	self.Async(func() {
		gc, err := api().GuestContext(self, id)
		self.Dispatch(func(ctx goapp.Context) {
			if load != p.loads {
				return
			}
			if err != nil {
				p.err = textContextFailed
				return
			}
			p.gc, p.err = &gc, ""
		})
	})
}

func (p *guestContextPanel) Render() goapp.UI {
	if p.gc == nil {
		return goapp.Section().ID("panel-context").Class("panel-section").Aria("labelledby", "panel-context-title").Body(
			goapp.H3().ID("panel-context-title").Text(textContextTitle),
			goapp.P().Class("status").Text(orDots(p.err)),
		)
	}
	gc := p.gc
	browser := strings.TrimSpace(gc.Browser + " · " + gc.OS)
	browser = strings.Trim(browser, " ·")
	fields := []goapp.UI{
		panelField(textCurrentPage, pageLink("context-page", gc.PageURL, gc.PageTitle)),
		panelField(textStartPage, pageLink("context-start", gc.StartURL, "")),
		panelField(textReferrer, pageLink("context-referrer", gc.Referrer, "")),
		panelField(textBrowser, panelText(browser)),
		panelField(textLocalTime, goapp.Span().ID("context-time").Text(localTime(gc.TimeZone))),
		panelField(textLanguage, panelText(gc.Language)),
	}
	earlier := []goapp.UI{}
	for _, e := range gc.Earlier {
		label := channelLabel(e.Channel) + " · " + e.UpdatedAt.Local().Format("2 Jan 2006")
		earlier = append(earlier, goapp.Li().Body(
			goapp.A().Href(conversationPath(e.ID)).Text(label),
			goapp.If(e.LastMessage != "", func() goapp.UI { return goapp.Span().Class("panel-empty").Text(" — " + e.LastMessage) }),
		))
	}
	return goapp.Div().Body(
		panelSection("panel-context", textContextTitle, fields...),
		goapp.Section().ID("panel-earlier").Class("panel-section").Aria("labelledby", "panel-earlier-title").Body(
			goapp.H3().ID("panel-earlier-title").Text(textEarlier),
			goapp.If(len(earlier) == 0, func() goapp.UI { return goapp.P().Class("panel-empty").Text(textNoEarlier) }).
				Else(func() goapp.UI { return goapp.Ul().ID("earlier-list").Class("earlier-list").Body(earlier...) }),
		),
		goapp.If(gc.Rating != nil, func() goapp.UI {
			r := gc.Rating
			return goapp.Section().ID("panel-rating").Class("panel-section").Aria("labelledby", "panel-rating-title").Body(
				goapp.H3().ID("panel-rating-title").Text(textRatingTitle),
				goapp.P().ID("rating-score").Class("rating-stars").Aria("label", strconv.Itoa(r.Score)+textRatingOf).
					Text(strings.Repeat("★", r.Score)+strings.Repeat("☆", 5-r.Score)),
				goapp.If(r.Comment != "", func() goapp.UI { return goapp.P().ID("rating-comment").Text(r.Comment) }),
			)
		}),
	)
}

func orDots(s string) string {
	if s == "" {
		return "…"
	}
	return s
}

// pageLink links to a page the guest saw, by its title when known.
func pageLink(id, url, title string) goapp.UI {
	if url == "" {
		return panelText("")
	}
	if title == "" {
		title = url
	}
	return goapp.A().ID(id).Href(url).Target("_blank").Rel("noopener noreferrer").Title(url).Text(title)
}

// localTime is the time now in the guest's zone, by the browser's Intl.
func localTime(zone string) string {
	if zone == "" || !goapp.IsClient {
		return "—"
	}
	opts := goapp.Window().Get("Object").New()
	opts.Set("timeZone", zone)
	opts.Set("hour", "2-digit")
	opts.Set("minute", "2-digit")
	opts.Set("timeZoneName", "short")
	v := goapp.Window().Get("Date").New().Call("toLocaleTimeString", goapp.Window().Get("undefined"), opts)
	return v.String() + " (" + zone + ")"
}
