package app

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

var originErrorKey = regexp.MustCompile(`^allowed_origins\[(\d+)\]$`)

// adminWidgets lists the website widgets; an admin edits one at a time and
// copies its snippet.
type adminWidgets struct {
	goapp.Compo

	list     []model.Widget
	services []model.Service
	loaded   bool
	err      string

	selected int64 // the widget being edited
	form     widgetForm
	errs     formErrors
	saving   bool
	status   string
	copied   string

	creating bool
	newName  string
}

// widgetForm is the widget form's fields as typed.
type widgetForm struct {
	Name, Color, Greeting, Origins string
	ServiceID                      int64
	PreChatName, PreChatEmail      bool
	Rating, Transcript             bool
	Language                       string
	Greetings, OfflineTexts        map[string]string
}

// languageNames name the visitor side's languages in themselves.
var languageNames = map[string]string{"en": "English", "de": "Deutsch", "fr": "Français", "it": "Italiano", "es": "Español"}

func (w *adminWidgets) OnMount(ctx goapp.Context) { w.load(ctx) }

func (w *adminWidgets) load(ctx goapp.Context) {
	ctx.Async(func() {
		widgets, err := api().Widgets(ctx)
		if err != nil {
			ctx.Dispatch(func(ctx goapp.Context) { w.err = userMessage(err) })
			return
		}
		services, err := api().Services(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				w.err = userMessage(err)
				return
			}
			w.list, w.services, w.loaded = widgets, services, true
			if len(widgets) > 0 {
				w.selectWidget(widgets[0])
			}
		})
	})
}

func (w *adminWidgets) current() (model.Widget, bool) {
	i := slices.IndexFunc(w.list, func(x model.Widget) bool { return x.ID == w.selected })
	if i < 0 {
		return model.Widget{}, false
	}
	return w.list[i], true
}

func (w *adminWidgets) selectWidget(wd model.Widget) {
	w.selected = wd.ID
	service := int64(0)
	if wd.ServiceID != nil {
		service = *wd.ServiceID
	}
	w.form = widgetForm{Name: wd.Name, Color: wd.Color, Greeting: wd.Greeting, ServiceID: service,
		PreChatName: wd.PreChatName, PreChatEmail: wd.PreChatEmail, Origins: strings.Join(wd.AllowedOrigins, "\n"),
		Rating: wd.RatingEnabled, Transcript: wd.TranscriptEnabled,
		Language: wd.Language, Greetings: maps.Clone(wd.Greetings), OfflineTexts: maps.Clone(wd.OfflineTexts)}
	if w.form.Greetings == nil {
		w.form.Greetings = map[string]string{}
	}
	if w.form.OfflineTexts == nil {
		w.form.OfflineTexts = map[string]string{}
	}
	w.errs, w.copied = formErrors{}, ""
}

func (w *adminWidgets) onSelect(wd model.Widget) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		w.selectWidget(wd)
		w.status = ""
	}
}

func (w *adminWidgets) onNew(ctx goapp.Context, _ goapp.Event) {
	w.creating, w.newName, w.status = true, "", ""
	ctx.Defer(func(goapp.Context) { focus("widget-new-name") })
}

func (w *adminWidgets) onCreate(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	name := strings.TrimSpace(w.newName)
	w.saving, w.errs = true, formErrors{}
	ctx.Async(func() {
		wd, err := api().CreateWidget(ctx, model.WidgetInput{Name: &name})
		ctx.Dispatch(func(ctx goapp.Context) {
			w.saving = false
			if err != nil {
				w.errs = formErrorsOf(err)
				return
			}
			w.creating = false
			w.list = append(w.list, wd)
			w.selectWidget(wd)
			w.status = wd.Name + " was created. Paste its snippet into your website."
		})
	})
}

func (w *adminWidgets) onCancelNew(ctx goapp.Context, _ goapp.Event) {
	w.creating, w.errs = false, formErrors{}
}

func (w *adminWidgets) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if w.saving {
		return
	}
	id, f := w.selected, w.form
	origins := originLines(f.Origins)
	name, color := strings.TrimSpace(f.Name), strings.ToLower(strings.TrimSpace(f.Color))
	greetings, offline := maps.Clone(f.Greetings), maps.Clone(f.OfflineTexts)
	in := model.WidgetInput{Name: &name, Color: &color, Greeting: &f.Greeting, ServiceID: &f.ServiceID,
		PreChatName: &f.PreChatName, PreChatEmail: &f.PreChatEmail, AllowedOrigins: &origins,
		RatingEnabled: &f.Rating, TranscriptEnabled: &f.Transcript,
		Language: &f.Language, Greetings: &greetings, OfflineTexts: &offline}
	w.saving, w.errs, w.status = true, formErrors{}, ""
	ctx.Async(func() {
		saved, err := api().UpdateWidget(ctx, id, in)
		ctx.Dispatch(func(ctx goapp.Context) {
			w.saving = false
			if err != nil {
				w.errs = formErrorsOf(err)
				return
			}
			if i := slices.IndexFunc(w.list, func(x model.Widget) bool { return x.ID == saved.ID }); i >= 0 {
				w.list[i] = saved
			}
			w.selectWidget(saved)
			w.status = "Saved. Visitors see the change on their next page load."
		})
	})
}

// originLines reads the allowed origins, one a line, blank lines dropped.
func originLines(text string) []string {
	origins := []string{}
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line != "" {
			origins = append(origins, line)
		}
	}
	return origins
}

func (w *adminWidgets) onColorPicked(ctx goapp.Context, _ goapp.Event) {
	w.form.Color = ctx.JSSrc().Get("value").String()
}

func (w *adminWidgets) onCopySnippet(snippet string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		copyToClipboard(ctx, "widget-snippet", snippet, func(ctx goapp.Context, ok bool) {
			if ok {
				w.copied = "widget-snippet"
			} else {
				w.status = "The snippet is selected: press Ctrl+C (⌘C on a Mac) to copy it."
			}
		})
	}
}

func (w *adminWidgets) Render() goapp.UI {
	return goapp.Section().ID("widgets").Class("settings-section").Aria("labelledby", "widgets-title").Body(
		sectionHead("widgets-title", "Widgets", "The chat bubble on your websites: how it looks, who answers, and the snippet to paste.",
			goapp.Button().ID("widget-add").Type("button").Class("button button-secondary").OnClick(w.onNew).Text("New widget"),
		),
		formAlert("widgets-error", w.err),
		goapp.If(w.creating, w.renderCreate),
		w.renderBody(),
	)
}

func (w *adminWidgets) renderCreate() goapp.UI {
	return goapp.Form().ID("widget-new").Class("card inline-form").OnSubmit(w.onCreate).Body(
		formAlert("widget-new-error", w.errs.Message),
		textField("widget-new-name", "New widget's name", "text", &w.newName, "", w.errs.field("name")),
		goapp.Div().Class("form-actions").Body(
			goapp.Button().ID("widget-create").Type("submit").Class("button button-primary").Disabled(w.saving).Text("Create widget"),
			goapp.Button().Type("button").Class("button button-secondary").OnClick(w.onCancelNew).Text("Cancel"),
		),
	)
}

func (w *adminWidgets) renderBody() goapp.UI {
	switch {
	case !w.loaded && w.err != "":
		return goapp.Div()
	case !w.loaded:
		return goapp.P().Class("status").Text("Loading widgets…")
	case len(w.list) == 0:
		return goapp.Div().ID("widgets-list").Class("empty-state").Body(
			goapp.H2().Text("No widgets yet"),
			goapp.P().Text("Create one to put a chat bubble on your website."),
		)
	}
	tabs := make([]goapp.UI, len(w.list))
	for i, wd := range w.list {
		tab := goapp.Button().ID("widget-tab-"+strconv.FormatInt(wd.ID, 10)).Type("button").Class("widget-tab").
			Aria("pressed", wd.ID == w.selected).OnClick(w.onSelect(wd)).Body(
			goapp.Span().Class("swatch").Style("background", safeColor(wd.Color)).Aria("hidden", "true"),
			goapp.Span().Text(wd.Name),
		)
		tabs[i] = goapp.Li().Body(tab)
	}
	return goapp.Div().Class("widgets-layout").Body(
		goapp.Ul().ID("widgets-list").Class("widget-tabs").Aria("label", "Widgets").Body(tabs...),
		w.renderEditor(),
	)
}

func (w *adminWidgets) renderEditor() goapp.UI {
	wd, ok := w.current()
	if !ok {
		return goapp.Div()
	}
	fe := w.errs
	submit := "Save widget"
	if w.saving {
		submit = "Saving…"
	}
	serviceOpts := []option{{"0", "No service: every agent"}}
	for _, s := range w.services {
		label := s.Name
		if !s.Assignable {
			label += " (not assignable: no Standard member)"
		}
		serviceOpts = append(serviceOpts, option{strconv.FormatInt(s.ID, 10), label})
	}
	originsErr := fe.field("allowed_origins")
	for key, msg := range fe.Fields {
		if m := originErrorKey.FindStringSubmatch(key); m != nil {
			n, _ := strconv.Atoi(m[1])
			lines := originLines(w.form.Origins)
			what := "Line " + strconv.Itoa(n+1)
			if n < len(lines) {
				what = lines[n]
			}
			originsErr = what + ": " + msg
		}
	}
	greeting := described(goapp.Textarea().ID("widget-greeting").Name("greeting").Rows(2).
		Text(w.form.Greeting).OnInput(bind(&w.form.Greeting)), "widget-greeting", "", fe.field("greeting"))
	origins := described(goapp.Textarea().ID("widget-origins").Name("allowed_origins").Rows(3).
		Attr("spellcheck", "false").Placeholder("https://www.example.com").
		Text(w.form.Origins).OnInput(bind(&w.form.Origins)),
		"widget-origins", "One per line. Leave empty to allow the widget on any website.", originsErr)

	return goapp.Div().ID("widget-editor").Class("widget-editor").Body(
		goapp.Form().ID("widget-form").Class("card").OnSubmit(w.onSave).Body(
			goapp.H3().ID("widget-form-title").Text(wd.Name),
			formAlert("widget-form-error", fe.Message),
			goapp.Div().Class("form-grid").Body(
				textField("widget-name", "Name", "text", &w.form.Name, "", fe.field("name")),
				selectField("widget-service", "Service", serviceOpts, strconv.FormatInt(w.form.ServiceID, 10),
					func(ctx goapp.Context, v string) { w.form.ServiceID, _ = strconv.ParseInt(v, 10, 64) },
					"Who answers this widget's chats.", fe.field("service_id")),
			),
			w.renderColor(fe.field("color")),
			field("widget-greeting", "Greeting", greeting, "", fe.field("greeting")),
			goapp.FieldSet().Class("choice-group").Body(
				goapp.Legend().Text("Before the chat, ask for"),
				goapp.Div().Class("choices").Body(
					checkField("widget-prechat-name", "Name", w.form.PreChatName, func(ctx goapp.Context, _ goapp.Event) { w.form.PreChatName = checked(ctx) }),
					checkField("widget-prechat-email", "Email", w.form.PreChatEmail, func(ctx goapp.Context, _ goapp.Event) { w.form.PreChatEmail = checked(ctx) }),
				),
			),
			goapp.FieldSet().Class("choice-group").Body(
				goapp.Legend().Text("After a chat is resolved, offer"),
				goapp.Div().Class("choices").Body(
					checkField("widget-rating", "A satisfaction rating (1–5 and a comment)", w.form.Rating, func(ctx goapp.Context, _ goapp.Event) { w.form.Rating = checked(ctx) }),
					checkField("widget-transcript", "The transcript by email", w.form.Transcript, func(ctx goapp.Context, _ goapp.Event) { w.form.Transcript = checked(ctx) }),
				),
			),
			field("widget-origins", "Allowed websites", origins, "One per line. Leave empty to allow the widget on any website.", originsErr),
			w.renderLanguages(),
			goapp.Div().Class("form-footer").Body(
				formStatus("widget-status", w.status),
				goapp.Button().ID("widget-save").Type("submit").Class("button button-primary").Disabled(w.saving).Text(submit),
			),
		),
		goapp.Section().ID("widget-install").Class("card").Aria("labelledby", "snippet-title").Body(
			goapp.H3().ID("snippet-title").Text("Install on your website"),
			goapp.P().Class("card-lead").Text("Paste this snippet before </body> on every page that should show the chat bubble."),
			copyBox("widget-snippet", "snippet", wd.Snippet, true, w.copied, w.onCopySnippet(wd.Snippet)),
		),
	)
}

// renderLanguages chooses the widget's language and its texts in each:
// a greeting and the notice shown when nobody is online, which override
// the defaults.
func (w *adminWidgets) renderLanguages() goapp.UI {
	fe := w.errs
	opts := []option{{"", "Each visitor's browser language"}}
	for _, l := range model.Languages {
		opts = append(opts, option{l, languageNames[l]})
	}
	rows := make([]goapp.UI, 0, len(model.Languages))
	for _, l := range model.Languages {
		name := languageNames[l]
		rows = append(rows, goapp.FieldSet().Class("language-texts").Body(
			goapp.Legend().Text(name),
			goapp.Div().Class("form-grid").Body(
				mapField("widget-greeting-"+l, "Greeting", w.form.Greetings, l, fe.field("greetings."+l)),
				mapField("widget-offline-"+l, "When nobody is online", w.form.OfflineTexts, l, fe.field("offline_texts."+l)),
			),
		))
	}
	open := false
	for _, l := range model.Languages {
		open = open || fe.field("greetings."+l, "offline_texts."+l) != ""
	}
	return goapp.Div().Body(
		selectField("widget-language", "Language", opts, w.form.Language,
			func(ctx goapp.Context, v string) { w.form.Language = v }, "", fe.field("language")),
		goapp.Details().ID("widget-translations").Class("help").Open(open).Body(
			append([]goapp.UI{
				goapp.Summary().Text("Texts in each language"),
				goapp.P().Class("field-hint").Text("Leave a text empty to use the greeting above, or the standard notice, translated."),
			}, rows...)...,
		),
	)
}

// mapField is a text input bound to m[key].
func mapField(id, label string, m map[string]string, key, errMsg string) goapp.UI {
	in := described(goapp.Input().ID(id).Name(id).Type("text").Value(m[key]).
		OnInput(func(ctx goapp.Context, _ goapp.Event) { m[key] = ctx.JSSrc().Get("value").String() }), id, "", errMsg)
	return field(id, label, in, "", errMsg)
}

// renderColor is the colour field: a picker and its hex value, a preview
// of the launcher, and a warning when white text on it is hard to read.
func (w *adminWidgets) renderColor(errMsg string) goapp.UI {
	color := w.form.Color
	ratio, valid := contrastWithWhite(color)
	hint := ""
	warn := ""
	switch {
	case !valid:
		hint = "A colour like #2563eb."
	case ratio < minTextContrast:
		warn = fmt.Sprintf("White text on %s has a contrast of %.1f:1, below the %.1f:1 that WCAG AA asks for: the widget shows dark text on it instead.", color, ratio, minTextContrast)
	default:
		hint = fmt.Sprintf("White text on it: %.1f:1 contrast.", ratio)
	}
	picker := "#2563eb"
	if valid && len(color) == 7 {
		picker = color
	}
	text := described(goapp.Input().ID("widget-color").Name("color").Type("text").Value(color).
		Attr("spellcheck", "false").Size(8).OnInput(bind(&w.form.Color)), "widget-color", hint, errMsg)
	if warn != "" {
		text = text.Aria("describedby", "widget-color-warning")
	}
	return goapp.Div().Class("field").Body(
		goapp.Label().For("widget-color").Text("Colour"),
		goapp.Div().Class("color-row").Body(
			goapp.Input().ID("widget-color-picker").Type("color").Value(picker).
				Aria("label", "Pick the colour").OnInput(w.onColorPicked),
			text,
			goapp.Span().ID("widget-preview").Class("launcher-preview").Style("background", safeColor(color)).
				Style("color", textColorOn(color)).Aria("hidden", "true").Text("Aa"),
		),
		goapp.If(hint != "", func() goapp.UI { return goapp.P().ID("widget-color-hint").Class("field-hint").Text(hint) }),
		goapp.If(warn != "", func() goapp.UI {
			return goapp.P().ID("widget-color-warning").Class("notice notice-warn").Role("status").Text(warn)
		}),
		goapp.If(errMsg != "", func() goapp.UI { return goapp.P().ID("widget-color-error").Class("field-error").Text(errMsg) }),
	)
}

// safeColor is colour when it is a hex colour (it goes into a style), else
// a neutral grey.
func safeColor(colour string) string {
	if _, _, _, ok := parseHexColor(colour); ok {
		return strings.TrimSpace(colour)
	}
	return "#8a929e"
}

// textColorOn is the text colour the widget uses on a brand colour:
// black or white, whichever contrasts more.
func textColorOn(colour string) string {
	r, g, b, ok := parseHexColor(colour)
	if !ok {
		return "#ffffff"
	}
	l := relativeLuminance(r, g, b)
	if (l+0.05)/0.05 >= 1.05/(l+0.05) {
		return "#000000"
	}
	return "#ffffff"
}
