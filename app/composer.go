package app

import (
	"slices"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// The composer's words, in one place for the translation sweep.
const (
	textReplyMode        = "Reply"
	textNoteMode         = "Private note"
	textReplyPlaceholder = "Write a reply… Type / for saved replies"
	textNotePlaceholder  = "Write a note only colleagues see… Type @ to mention someone"
	textReplyHint        = "Enter to send · Shift+Enter for a new line · / for saved replies · paste or drop files"
	textNoteHint         = "Notes are never shown to the guest · @ mentions a colleague"
	textSend             = "Send"
	textAddNote          = "Add note"
	textAttach           = "Attach files"
	textRemoveFile       = "Remove"
	textUploading        = "Uploading…"
	textTooLong          = "This message is too long. Split it into shorter ones."
	textWaitUploads      = "Wait until the files have uploaded."
	textNoSavedReplies   = "No saved reply matches. Add some in Settings → Saved replies."
	textNoColleagues     = "No colleague matches."
	textModeLabel        = "Message type"
)

// typingEvery is how often, at most, the composer tells the guest the
// agent is typing; the guest's widget shows it for a few seconds.
const typingEvery = 3 * time.Second

// drafts keeps what the agent was writing in each conversation while they
// look at another.
var drafts = map[int64]string{}

// composer is the reply box: replies and private notes, files (attached,
// dropped or pasted, uploaded at once and sent with the message), saved
// replies after "/" and mentions after "@" in a list the keyboard works.
// It reads the text from the page when needed rather than keeping it, so
// typing re-renders nothing. Enter sends, Shift+Enter starts a new line.
type composer struct {
	goapp.Compo

	ConversationID int64
	Disabled       bool
	GuestName      string
	Me             model.Agent

	shown      int64
	lastTyping time.Time
	err        string
	note       bool

	files   []draftFile
	nextKey int

	popup    *popup
	replies  []model.SavedReply
	agents   []model.Agent
	fetching bool

	self goapp.Context
}

// draftFile is a file on its way into the next message.
type draftFile struct {
	Key       int
	Name      string
	Size      int64
	Uploading bool
	Err       string
	Att       model.Attachment
}

// popup is the list of saved replies ("/") or colleagues ("@") offered for
// the word at the caret.
type popup struct {
	Trigger byte // '/' or '@'
	Start   int  // where the word (with its trigger) starts in the text
	End     int
	Items   []popupItem
	Active  int
}

type popupItem struct {
	Label, Detail, Insert string
}

func (c *composer) OnMount(ctx goapp.Context) {
	c.self = ctx
	c.shown = c.ConversationID
	c.restoreDraft(ctx)
	ctx.Handle(actionDropFiles, c.onDropFiles)
}

func (c *composer) OnUpdate(ctx goapp.Context) {
	if c.ConversationID == c.shown {
		return
	}
	if c.shown != 0 {
		drafts[c.shown] = fieldValue("composer")
	}
	c.shown, c.err, c.lastTyping, c.files, c.popup, c.note = c.ConversationID, "", time.Time{}, nil, nil, false
	c.restoreDraft(ctx)
}

func (c *composer) restoreDraft(ctx goapp.Context) {
	draft := drafts[c.shown]
	delete(drafts, c.shown)
	ctx.Defer(func(goapp.Context) { setFieldValue("composer", draft) })
}

func (c *composer) onKeyDown(ctx goapp.Context, e goapp.Event) {
	key := e.Get("key").String()
	if p := c.popup; p != nil {
		switch key {
		case "ArrowDown", "ArrowUp":
			e.PreventDefault()
			if n := len(p.Items); n > 0 {
				step := 1
				if key == "ArrowUp" {
					step = n - 1
				}
				p.Active = (p.Active + step) % n
			}
			return
		case "Enter", "Tab":
			if len(p.Items) > 0 {
				e.PreventDefault()
				c.choose(ctx, p.Active)
				return
			}
		case "Escape":
			e.PreventDefault()
			c.popup = nil
			return
		}
	}
	if key != "Enter" || e.Get("shiftKey").Bool() || e.Get("isComposing").Bool() {
		ctx.PreventUpdate()
		return
	}
	e.PreventDefault()
	c.send(ctx)
}

func (c *composer) onInput(ctx goapp.Context, e goapp.Event) {
	hadPopup, hadErr := c.popup != nil, c.err != ""
	c.err = ""
	c.updatePopup(ctx, e.Get("target"))
	if !hadPopup && c.popup == nil && !hadErr {
		ctx.PreventUpdate()
	}
	if !c.note && time.Since(c.lastTyping) >= typingEvery {
		c.lastTyping = time.Now()
		browserLive(ctx).typing(c.ConversationID)
	}
}

// updatePopup opens, filters or closes the list for the word at the caret.
func (c *composer) updatePopup(ctx goapp.Context, el goapp.Value) {
	value := el.Get("value").String()
	caret := utf16ToByte(value, el.Get("selectionStart").Int())
	start := strings.LastIndexAny(value[:caret], " \n\t") + 1
	word := value[start:caret]
	c.popup = nil
	switch {
	case strings.HasPrefix(word, "/"):
		c.ensureReplies(ctx)
		c.popup = &popup{Trigger: '/', Start: start, End: caret, Items: c.replyItems(word[1:])}
	case strings.HasPrefix(word, "@") && c.note:
		c.ensureReplies(ctx)
		c.popup = &popup{Trigger: '@', Start: start, End: caret, Items: c.agentItems(word[1:])}
	}
}

// replyItems are the saved replies whose title or text holds q, filled in
// for this conversation.
func (c *composer) replyItems(q string) []popupItem {
	q = strings.ToLower(q)
	values := map[string]string{
		"guest.name": c.GuestName, "guest.first_name": model.FirstName(c.GuestName),
		"agent.name": c.Me.Name, "agent.link": agentLink(c.Me.Slug),
	}
	var items []popupItem
	for _, r := range c.replies {
		if q != "" && !strings.Contains(strings.ToLower(r.Title), q) && !strings.Contains(strings.ToLower(r.Body), q) {
			continue
		}
		filled := model.FillReply(r.Body, values)
		items = append(items, popupItem{Label: r.Title, Detail: preview(filled), Insert: filled})
	}
	return items
}

// agentItems are the colleagues whose name or handle starts with q.
func (c *composer) agentItems(q string) []popupItem {
	q = strings.ToLower(q)
	var items []popupItem
	for _, a := range c.agents {
		if !a.Active || a.ID == c.Me.ID || a.Slug == "" {
			continue
		}
		if q != "" && !strings.HasPrefix(a.Slug, q) && !strings.HasPrefix(strings.ToLower(a.Name), q) {
			continue
		}
		items = append(items, popupItem{Label: a.Name, Detail: "@" + a.Slug, Insert: "@" + a.Slug + " "})
	}
	return items
}

// ensureReplies loads the saved replies and colleagues once per composer.
func (c *composer) ensureReplies(ctx goapp.Context) {
	if c.fetching || c.replies != nil {
		return
	}
	c.fetching = true
	self := c.self
	self.Async(func() {
		replies, err := api().SavedReplies(self)
		agents, _ := api().Agents(self)
		self.Dispatch(func(ctx goapp.Context) {
			c.fetching = false
			if err != nil {
				return
			}
			if replies == nil {
				replies = []model.SavedReply{}
			}
			c.replies, c.agents = replies, agents
			// Filter again now that there is something to filter.
			if el := goapp.Window().GetElementByID("composer"); el.Truthy() && c.popup != nil {
				c.updatePopup(ctx, el)
			}
		})
	})
}

// choose puts item i in place of the word it was offered for.
func (c *composer) choose(ctx goapp.Context, i int) {
	p := c.popup
	if p == nil || i < 0 || i >= len(p.Items) {
		return
	}
	c.popup = nil
	el := goapp.Window().GetElementByID("composer")
	if !el.Truthy() {
		return
	}
	value := el.Get("value").String()
	if p.End > len(value) || p.Start > p.End {
		return
	}
	insert := p.Items[i].Insert
	el.Set("value", value[:p.Start]+insert+value[p.End:])
	caret := utf16Len(value[:p.Start] + insert)
	el.Call("setSelectionRange", caret, caret)
	el.Call("focus")
}

func (c *composer) onChoose(i int) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		e.PreventDefault()
		c.choose(ctx, i)
	}
}

func (c *composer) onMode(note bool) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		c.note, c.popup = note, nil
		if note {
			c.ensureReplies(ctx)
		}
		goapp.Window().GetElementByID("composer").Call("focus")
	}
}

func (c *composer) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	c.send(ctx)
}

// onPaste takes pasted files (a screenshot) as attachments.
func (c *composer) onPaste(ctx goapp.Context, e goapp.Event) {
	files := e.Get("clipboardData").Get("files")
	if !files.Truthy() || files.Get("length").Int() == 0 {
		ctx.PreventUpdate()
		return
	}
	e.PreventDefault()
	c.upload(ctx, files)
}

func (c *composer) onPick(ctx goapp.Context, e goapp.Event) {
	input := e.Get("target")
	c.upload(ctx, input.Get("files"))
	input.Set("value", "")
}

func (c *composer) onAttach(ctx goapp.Context, e goapp.Event) {
	goapp.Window().GetElementByID("composer-file").Call("click")
}

func (c *composer) onDropFiles(ctx goapp.Context, a goapp.Action) {
	if d, ok := a.Value.(droppedFiles); ok && d.ConversationID == c.shown {
		c.upload(ctx, d.Files)
	}
}

// upload sends each file of a FileList at once; the message takes the ones
// that arrived.
func (c *composer) upload(ctx goapp.Context, files goapp.Value) {
	conv, self := c.shown, c.self
	for i := range files.Get("length").Int() {
		f := files.Index(i)
		c.nextKey++
		key := c.nextKey
		c.files = append(c.files, draftFile{Key: key, Name: f.Get("name").String(), Size: int64(f.Get("size").Int()), Uploading: true})
		self.Async(func() {
			att, err := uploadFile(self, conv, f)
			self.Dispatch(func(ctx goapp.Context) {
				i := slices.IndexFunc(c.files, func(d draftFile) bool { return d.Key == key })
				if i < 0 || c.shown != conv {
					return // removed, or another conversation now
				}
				c.files[i].Uploading = false
				if err != nil {
					c.files[i].Err = userMessage(err)
					return
				}
				c.files[i].Att = att
			})
		})
	}
}

func (c *composer) onRemoveFile(key int) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) {
		c.files = slices.DeleteFunc(c.files, func(d draftFile) bool { return d.Key == key })
	}
}

func (c *composer) send(ctx goapp.Context) {
	if c.Disabled {
		return
	}
	body := strings.TrimSpace(fieldValue("composer"))
	var atts []model.Attachment
	for _, f := range c.files {
		switch {
		case f.Uploading:
			c.err = textWaitUploads
			return
		case f.Err == "":
			atts = append(atts, f.Att)
		}
	}
	if c.note {
		atts = nil // notes are words for colleagues
	}
	switch {
	case body == "" && len(atts) == 0:
		return
	case len(body) > model.MaxMessageBytes:
		c.err = textTooLong
		return
	}
	c.err, c.popup = "", nil
	if !c.note {
		c.files = nil
	}
	setFieldValue("composer", "")
	c.lastTyping = time.Time{} // the next keystroke starts a new "typing"
	ctx.NewActionWithValue(actionCompose, compose{ConversationID: c.ConversationID, Body: body, Private: c.note, Attachments: atts})
}

func (c *composer) Render() goapp.UI {
	placeholder, hint, sendLabel, class := textReplyPlaceholder, textReplyHint, textSend, "composer"
	if c.note {
		placeholder, hint, sendLabel, class = textNotePlaceholder, textNoteHint, textAddNote, "composer composer-note"
	}
	textarea := goapp.Textarea().
		ID("composer").
		Class("composer-input").
		Name("body").
		Rows(2).
		Placeholder(placeholder).
		Aria("label", placeholder).
		Aria("describedby", "composer-hint").
		Aria("autocomplete", "list").
		Aria("controls", "composer-popup").
		Aria("expanded", strconv.FormatBool(c.popup != nil)).
		Role("combobox").
		OnKeyDown(c.onKeyDown).
		OnInput(c.onInput).
		OnPaste(c.onPaste)
	if c.popup != nil && len(c.popup.Items) > 0 {
		textarea = textarea.Aria("activedescendant", "composer-option-"+strconv.Itoa(c.popup.Active))
	}
	if c.err != "" {
		textarea = textarea.Aria("invalid", "true")
	}
	return goapp.Form().ID("composer-form").Class(class).OnSubmit(c.onSubmit).Body(
		goapp.Div().Class("composer-modes").Role("group").Aria("label", textModeLabel).Body(
			goapp.Button().ID("mode-reply").Type("button").Class("composer-mode").Aria("pressed", strconv.FormatBool(!c.note)).OnClick(c.onMode(false)).Text(textReplyMode),
			goapp.Button().ID("mode-note").Type("button").Class("composer-mode").Aria("pressed", strconv.FormatBool(c.note)).OnClick(c.onMode(true)).Text(textNoteMode),
		),
		goapp.P().ID("composer-error").Class("field-error").Role("alert").Text(c.err),
		c.renderPopup(),
		goapp.If(len(c.files) > 0 && !c.note, c.renderFiles),
		goapp.Div().Class("composer-row").Body(
			textarea,
			goapp.Input().ID("composer-file").Type("file").Multiple(true).Class("visually-hidden").TabIndex(-1).Aria("hidden", "true").OnChange(c.onPick),
			goapp.If(!c.note, func() goapp.UI {
				return goapp.Button().ID("attach").Type("button").Class("button button-secondary composer-attach").
					Title(textAttach).Aria("label", textAttach).Disabled(c.Disabled).OnClick(c.onAttach).Body(goapp.Raw(icon(iconClip)))
			}),
			goapp.Button().ID("send").Type("submit").Class("button button-primary").Disabled(c.Disabled).Text(sendLabel),
		),
		goapp.P().ID("composer-hint").Class("composer-hint").Text(hint),
	)
}

func (c *composer) renderPopup() goapp.UI {
	p := c.popup
	if p == nil {
		return goapp.Ul().ID("composer-popup").Class("composer-popup").Role("listbox").Hidden(true)
	}
	if len(p.Items) == 0 {
		empty := textNoSavedReplies
		if p.Trigger == '@' {
			empty = textNoColleagues
		}
		if c.replies == nil {
			empty = "…"
		}
		return goapp.Ul().ID("composer-popup").Class("composer-popup").Role("listbox").Body(
			goapp.Li().Class("composer-popup-empty").Role("option").Aria("disabled", "true").Text(empty),
		)
	}
	items := make([]goapp.UI, len(p.Items))
	for i, it := range p.Items {
		items[i] = goapp.Li().ID("composer-option-"+strconv.Itoa(i)).Class("composer-option").Role("option").
			Aria("selected", strconv.FormatBool(i == p.Active)).
			OnMouseDown(c.onChoose(i)).
			Body(
				goapp.Span().Class("composer-option-label").Text(it.Label),
				goapp.Span().Class("composer-option-detail").Text(it.Detail),
			)
	}
	return goapp.Ul().ID("composer-popup").Class("composer-popup").Role("listbox").Body(items...)
}

func (c *composer) renderFiles() goapp.UI {
	chips := make([]goapp.UI, len(c.files))
	for i, f := range c.files {
		state := model.FileSize(f.Size)
		class := "file-chip"
		switch {
		case f.Uploading:
			state, class = textUploading, class+" file-chip-busy"
		case f.Err != "":
			state, class = f.Err, class+" file-chip-failed"
		}
		chips[i] = goapp.Li().Class(class).Body(
			goapp.Span().Class("file-chip-name").Text(f.Name),
			goapp.Span().Class("file-chip-state").Text(state),
			goapp.Button().Type("button").Class("link-button").Aria("label", textRemoveFile+" "+f.Name).OnClick(c.onRemoveFile(f.Key)).Text("×"),
		)
	}
	return goapp.Ul().ID("composer-files").Class("file-chips").Aria("live", "polite").Body(chips...)
}

// setFieldValue sets an input's value in the page.
func setFieldValue(id, value string) {
	if el := goapp.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", value)
	}
}

// utf16ToByte converts a JavaScript (UTF-16) string offset into s to a byte
// offset.
func utf16ToByte(s string, n int) int {
	for i, r := range s {
		if n <= 0 {
			return i
		}
		n--
		if r >= 0x10000 {
			n--
		}
	}
	return len(s)
}

// utf16Len is the length of s as JavaScript counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// agentLink is an agent's personal link, or nothing without a slug.
func agentLink(slug string) string {
	if slug == "" {
		return ""
	}
	return personalLink(slug)
}
