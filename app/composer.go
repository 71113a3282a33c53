package app

import (
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// typingEvery is how often, at most, the composer tells the guest the
// agent is typing; the guest's widget shows it for a few seconds.
const typingEvery = 3 * time.Second

// drafts keeps what the agent was writing in each conversation while they
// look at another.
var drafts = map[int64]string{}

// composer is the reply box. It reads the text from the page when sending
// rather than on every keystroke, so typing does not re-render anything.
// Enter sends, Shift+Enter starts a new line.
type composer struct {
	goapp.Compo

	ConversationID int64
	Disabled       bool

	shown      int64
	lastTyping time.Time
	err        string
}

func (c *composer) OnMount(ctx goapp.Context) {
	c.shown = c.ConversationID
	c.restoreDraft(ctx)
}

func (c *composer) OnUpdate(ctx goapp.Context) {
	if c.ConversationID == c.shown {
		return
	}
	if c.shown != 0 {
		drafts[c.shown] = fieldValue("composer")
	}
	c.shown, c.err, c.lastTyping = c.ConversationID, "", time.Time{}
	c.restoreDraft(ctx)
}

func (c *composer) restoreDraft(ctx goapp.Context) {
	draft := drafts[c.shown]
	delete(drafts, c.shown)
	ctx.Defer(func(goapp.Context) { setFieldValue("composer", draft) })
}

func (c *composer) onKeyDown(ctx goapp.Context, e goapp.Event) {
	if e.Get("key").String() != "Enter" || e.Get("shiftKey").Bool() || e.Get("isComposing").Bool() {
		return
	}
	e.PreventDefault()
	c.send(ctx)
}

func (c *composer) onInput(ctx goapp.Context, e goapp.Event) {
	if c.err != "" {
		c.err = ""
	} else {
		ctx.PreventUpdate()
	}
	if time.Since(c.lastTyping) >= typingEvery {
		c.lastTyping = time.Now()
		browserLive(ctx).typing(c.ConversationID)
	}
}

func (c *composer) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	c.send(ctx)
}

func (c *composer) send(ctx goapp.Context) {
	if c.Disabled {
		return
	}
	body := strings.TrimSpace(fieldValue("composer"))
	switch {
	case body == "":
		return
	case len(body) > model.MaxMessageBytes:
		c.err = "This message is too long. Split it into shorter ones."
		return
	}
	c.err = ""
	setFieldValue("composer", "")
	c.lastTyping = time.Time{} // the next keystroke starts a new "typing"
	ctx.NewActionWithValue(actionCompose, compose{ConversationID: c.ConversationID, Body: body})
}

func (c *composer) Render() goapp.UI {
	textarea := goapp.Textarea().
		ID("composer").
		Class("composer-input").
		Name("body").
		Rows(2).
		Placeholder("Write a reply…").
		Aria("label", "Reply").
		Aria("describedby", "composer-hint").
		OnKeyDown(c.onKeyDown).
		OnInput(c.onInput)
	if c.err != "" {
		textarea = textarea.Aria("invalid", "true")
	}
	return goapp.Form().Class("composer").OnSubmit(c.onSubmit).Body(
		goapp.P().ID("composer-error").Class("field-error").Role("alert").Text(c.err),
		goapp.Div().Class("composer-row").Body(
			textarea,
			goapp.Button().ID("send").Type("submit").Class("button button-primary").Disabled(c.Disabled).Text("Send"),
		),
		goapp.P().ID("composer-hint").Class("composer-hint").Text("Enter to send · Shift+Enter for a new line"),
	)
}

// setFieldValue sets an input's value in the page.
func setFieldValue(id, value string) {
	if el := goapp.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", value)
	}
}
