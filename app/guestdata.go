package app

import (
	"fmt"
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// erasedText stands where an erased guest's name and words were.
const erasedText = "Guest erased"

// guestData is the side panel's "Guest data" for admins: download what is
// stored about the guest, or erase it after a confirmation that says what
// erasing does. The phonebook offers the same for its entries.
type guestData struct {
	goapp.Compo

	// Exactly one of them: the conversation's guest, or a phonebook entry.
	GuestID   int64
	ContactID int64
	// Name is whom the buttons are about, for their labels.
	Name string
	// Erased is true when the guest is already erased.
	Erased bool
	// OnErased runs after a successful erasure with what it did.
	OnErased func(ctx goapp.Context, summary string)

	// self is the component's own context: the clicked button is replaced
	// while the request runs, and go-app drops its dispatches then.
	self goapp.Context

	admin   bool
	subject string // whom the state below is about
	confirm bool
	busy    bool
	err     string
	done    string
}

func (g *guestData) OnMount(ctx goapp.Context) {
	g.self = ctx
	if s, ok := cachedSession(ctx); ok {
		g.admin = s.Agent.Role == model.RoleAdmin
	}
	g.sync()
}

func (g *guestData) OnUpdate(ctx goapp.Context) { g.sync() }

// sync forgets the state of another guest's buttons.
func (g *guestData) sync() {
	if id := g.key(); id != g.subject {
		g.subject, g.confirm, g.busy, g.err, g.done = id, false, false, "", ""
	}
}

func (g *guestData) key() string {
	return strconv.FormatInt(g.GuestID, 10) + "/" + strconv.FormatInt(g.ContactID, 10)
}

func (g *guestData) id(name string) string {
	if g.ContactID != 0 {
		return name + "-" + strconv.FormatInt(g.ContactID, 10)
	}
	return name
}

func (g *guestData) exportHref() string {
	if g.ContactID != 0 {
		return contactExportPath(g.ContactID)
	}
	return guestExportPath(g.GuestID)
}

func (g *guestData) onAsk(ctx goapp.Context, _ goapp.Event) {
	g.confirm, g.err, g.done = true, "", ""
	ctx.Defer(func(goapp.Context) { focus(g.id("guest-erase-confirm")) })
}

func (g *guestData) onKeep(ctx goapp.Context, _ goapp.Event) { g.confirm = false }

func (g *guestData) onErase(ctx goapp.Context, _ goapp.Event) {
	if g.busy {
		return
	}
	g.busy, g.err = true, ""
	self, key, guestID, contactID := g.self, g.subject, g.GuestID, g.ContactID
	self.Async(func() {
		var rep model.ErasureReport
		var err error
		if contactID != 0 {
			rep, err = api().EraseContact(self, contactID)
		} else {
			rep, err = api().EraseGuest(self, guestID)
		}
		self.Dispatch(func(ctx goapp.Context) {
			if g.subject != key {
				return
			}
			g.busy, g.confirm = false, false
			if err != nil {
				g.err = userMessage(err)
				return
			}
			g.done = erasureSummary(rep)
			if g.OnErased != nil {
				g.OnErased(ctx, g.done)
			}
		})
	})
}

// erasureSummary tells the admin what the erasure did.
func erasureSummary(r model.ErasureReport) string {
	s := erasedText + "."
	if r.MeetingsCancelled > 0 {
		s += fmt.Sprintf(" %s cancelled; the guest and the agent were told.", plural(r.MeetingsCancelled, "meeting", "meetings"))
	}
	if r.PhonebookEntries > 0 {
		s += " Removed from the phonebook."
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (g *guestData) Render() goapp.UI {
	if !g.admin {
		return goapp.Text("")
	}
	var body []goapp.UI
	switch {
	case g.Erased && g.done == "":
		body = append(body, goapp.P().ID(g.id("guest-erased")).Class("field-hint").
			Text("This guest's data was erased. What is left can still be exported."),
			g.exportLink())
	case g.confirm:
		body = append(body, goapp.Div().ID(g.id("guest-erase-confirm")).Class("guest-data-confirm").TabIndex(-1).Role("alertdialog").
			Aria("labelledby", g.id("guest-erase-question")).Body(
			goapp.P().ID(g.id("guest-erase-question")).Text("Erase "+g.who()+"? Their name, email, phone and messages are removed everywhere, "+
				"their meetings to come are cancelled (they and the agent are told), their links stop working and their phonebook entry is deleted. "+
				"This cannot be undone."),
			goapp.Div().Class(g.actionsClass()).Body(
				goapp.Button().ID(g.id("guest-erase-yes")).Type("button").Class("button button-danger button-small").
					Disabled(g.busy).OnClick(g.onErase).Text(map[bool]string{true: "Erasing…", false: "Erase"}[g.busy]),
				goapp.Button().Type("button").Class("button button-secondary button-small").Disabled(g.busy).OnClick(g.onKeep).Text("Keep"),
			),
		))
	default:
		body = append(body,
			goapp.Div().Class(g.actionsClass()).Body(
				g.exportLink(),
				goapp.If(g.done == "", func() goapp.UI {
					return goapp.Button().ID(g.id("guest-erase")).Type("button").Class("button button-secondary button-small").
						Aria("label", "Erase "+g.who()).OnClick(g.onAsk).Text("Erase…")
				}),
			),
		)
	}
	body = append(body,
		goapp.P().ID(g.id("guest-data-status")).Class("panel-done").Role("status").Text(g.done),
		goapp.P().ID(g.id("guest-data-error")).Class("form-error").Role("alert").Text(g.err),
	)
	if g.ContactID != 0 {
		return goapp.Div().Class("guest-data").Body(body...)
	}
	return goapp.Section().ID("panel-guest-data").Class("panel-section").Aria("labelledby", "panel-guest-data-title").Body(
		append([]goapp.UI{goapp.H3().ID("panel-guest-data-title").Text("Guest data")}, body...)...,
	)
}

func (g *guestData) actionsClass() string {
	if g.ContactID != 0 {
		return "row-actions"
	}
	return "panel-actions"
}

func (g *guestData) exportLink() goapp.UI {
	// download: the browser saves the answer (Content-Disposition) and
	// go-app leaves the link alone.
	return goapp.A().ID(g.id("guest-export")).Class("button button-secondary button-small").
		Href(g.exportHref()).Attr("download", "").Aria("label", "Export the data of "+g.who()).Text("Export data")
}

func (g *guestData) who() string {
	if g.Name == "" {
		return "this guest"
	}
	return g.Name
}
