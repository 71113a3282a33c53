package app

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

const (
	// PathAvailability is the agent's booking settings, personal link and
	// calendar.
	PathAvailability = "/availability"

	previewDays = 7
)

var (
	// durationChoicesOffered are the meeting lengths offered as checkboxes,
	// besides those the agent already has.
	durationChoicesOffered = []int{15, 20, 30, 45, 60, 90, 120}
	stepChoices            = []int{5, 10, 15, 20, 30, 60}
	defaultWindow          = model.Window{Start: "09:00", End: "17:00"}
	ruleErrorKey           = regexp.MustCompile(`^rules\[(\d+)\]\.(start|end|rrule)$`)
	overrideErrorKey       = regexp.MustCompile(`^overrides\[(\d+)\]`)
)

// availability is the agent's own booking settings at /availability:
// personal link, weekly hours, date overrides, durations and limits, a
// preview of the slots guests see, and the calendar.
type availability struct {
	goapp.Compo

	// Me is the signed-in agent.
	Me model.Agent

	loaded bool
	err    string

	zone      string
	week      week
	other     []model.AvailabilityRule // rules the week cannot show, kept
	overrides []overrideRow
	durations []int
	notice    string
	horizon   string
	before    string
	after     string
	step      int

	// sent are the rules of the last save, to explain the server's
	// errors about rules[i].
	sent     []model.AvailabilityRule
	errs     formErrors
	problems map[string]string // the form's own checks, by window key
	saving   bool
	status   string

	previewDuration int
	preview         model.SlotList
	previewErr      string
	previews        int

	copied string
}

// overrideRow is a date with other hours than usual, or none (Off).
type overrideRow struct {
	Date    string
	Off     bool
	Windows []model.Window
}

func (a *availability) OnMount(ctx goapp.Context) {
	ctx.Handle(actionBackOnline, func(ctx goapp.Context, _ goapp.Action) {
		if !a.loaded {
			a.load(ctx)
		}
	})
	a.load(ctx)
}

func (a *availability) load(ctx goapp.Context) {
	ctx.Async(func() {
		av, err := api().MyAvailability(ctx)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.set(av)
			a.loaded, a.err = true, ""
			a.loadPreview(ctx)
		})
	})
}

// set shows an availability in the form.
func (a *availability) set(av model.Availability) {
	a.zone = av.TimeZone
	a.week, a.other = weekFromRules(av.Rules)
	a.overrides = make([]overrideRow, len(av.Overrides))
	for i, o := range av.Overrides {
		a.overrides[i] = overrideRow{Date: o.Date, Off: len(o.Windows) == 0, Windows: slices.Clone(o.Windows)}
	}
	slices.SortStableFunc(a.overrides, func(x, y overrideRow) int { return strings.Compare(x.Date, y.Date) })
	a.durations = slices.Sorted(slices.Values(av.Durations))
	a.notice = strconv.Itoa(av.MinNoticeMinutes)
	a.horizon = strconv.Itoa(av.HorizonDays)
	a.before = strconv.Itoa(av.BufferBeforeMinutes)
	a.after = strconv.Itoa(av.BufferAfterMinutes)
	a.step = av.StepMinutes
	if a.previewDuration == 0 || !slices.Contains(a.durations, a.previewDuration) {
		a.previewDuration = 30
		if len(a.durations) > 0 && !slices.Contains(a.durations, 30) {
			a.previewDuration = a.durations[0]
		}
	}
}

// loadPreview fetches the slots guests see for the next days.
func (a *availability) loadPreview(ctx goapp.Context) {
	if a.Me.License != model.LicenseStandard {
		return
	}
	a.previews++
	n, duration := a.previews, a.previewDuration
	ctx.Async(func() {
		list, err := api().MySlots(ctx, previewDays, duration)
		ctx.Dispatch(func(ctx goapp.Context) {
			if n != a.previews {
				return
			}
			if err != nil {
				a.previewErr = userMessage(err)
				return
			}
			a.preview, a.previewErr = list, ""
		})
	})
}

// build checks the form and turns it into an availability; the problems
// it finds are in a.problems and a.errs.
func (a *availability) build() (model.Availability, bool) {
	a.problems = map[string]string{}
	fields := map[string]string{}
	for d, ws := range a.week {
		for i, msg := range checkWindows(ws) {
			a.problems[windowKey("day", d, i)] = msg
		}
	}
	overrides := make([]model.AvailabilityOverride, 0, len(a.overrides))
	seen := map[string]bool{}
	for i, o := range a.overrides {
		if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
			fields[fmt.Sprintf("overrides[%d].date", i)] = "Choose a date."
		} else if seen[o.Date] {
			fields[fmt.Sprintf("overrides[%d].date", i)] = "This date is listed twice."
		}
		seen[o.Date] = true
		windows := []model.Window{}
		if !o.Off {
			windows = slices.Clone(o.Windows)
			for j, msg := range checkWindows(o.Windows) {
				a.problems[windowKey("override", i, j)] = msg
			}
		}
		overrides = append(overrides, model.AvailabilityOverride{Date: o.Date, Windows: windows})
	}
	number := func(key, v string) int {
		n, ok := atoiField(v)
		if !ok || n < 0 {
			fields[key] = "Enter a whole number."
		}
		return n
	}
	av := model.Availability{
		TimeZone:            a.zone,
		Rules:               append(weekRules(a.week), a.other...),
		Overrides:           overrides,
		Durations:           slices.Clone(a.durations),
		MinNoticeMinutes:    number("min_notice_minutes", a.notice),
		HorizonDays:         number("horizon_days", a.horizon),
		BufferBeforeMinutes: number("buffer_before_minutes", a.before),
		BufferAfterMinutes:  number("buffer_after_minutes", a.after),
		StepMinutes:         a.step,
	}
	if len(av.Durations) == 0 {
		fields["durations"] = "Offer at least one meeting length."
	}
	if len(a.problems) > 0 || len(fields) > 0 {
		a.errs = formErrors{Message: "Some hours or settings need fixing before saving.", Fields: fields}
		return av, false
	}
	return av, true
}

func (a *availability) onSave(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if a.saving {
		return
	}
	a.status, a.errs = "", formErrors{}
	av, ok := a.build()
	if !ok {
		return
	}
	a.saving, a.sent = true, av.Rules
	ctx.Async(func() {
		saved, err := api().SetAvailability(ctx, av)
		ctx.Dispatch(func(ctx goapp.Context) {
			a.saving = false
			if err != nil {
				a.errs = formErrorsOf(err)
				return
			}
			a.set(saved)
			a.status = "Saved. Guests see your new hours at once."
			a.loadPreview(ctx)
		})
	})
}

// ruleErrors explains the server's errors about rules: "Mon, Tue
// 09:00–17:00: must be …".
func (a *availability) ruleErrors() []string {
	var out []string
	for key, msg := range a.errs.Fields {
		m := ruleErrorKey.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		what := "A rule"
		if i < len(a.sent) {
			r := a.sent[i]
			what = ruleDaysLabel(r.RRule) + " " + r.Start + "–" + r.End
		}
		out = append(out, what+": "+m[2]+" "+msg)
	}
	slices.Sort(out)
	return out
}

// Week editing.

func windowKey(kind string, i, j int) string { return fmt.Sprintf("%s-%d-%d", kind, i, j) }

func (a *availability) onDayToggle(d int) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		if checked(ctx) {
			a.week[d] = []model.Window{a.lastWindow()}
		} else {
			a.week[d] = nil
		}
		a.status = ""
	}
}

// lastWindow is the window a newly opened day starts with: the one the
// agent uses most recently above, or nine to five.
func (a *availability) lastWindow() model.Window {
	for d := len(a.week) - 1; d >= 0; d-- {
		if len(a.week[d]) > 0 {
			return a.week[d][0]
		}
	}
	return defaultWindow
}

func (a *availability) onCopyToWeekdays(ctx goapp.Context, _ goapp.Event) {
	for d := 1; d < 5; d++ {
		a.week[d] = slices.Clone(a.week[0])
	}
	a.status = ""
}

// windowsEditor edits a list of windows in place: start and end selects,
// a remove button each, and "Add hours".
func (a *availability) windowsEditor(kind string, i int, label string, ws *[]model.Window) goapp.UI {
	rows := make([]goapp.UI, 0, len(*ws)+1)
	for j, w := range *ws {
		id := "avail-" + windowKey(kind, i, j)
		problem := a.problems[windowKey(kind, i, j)]
		rows = append(rows, goapp.Div().Class("window-row").Body(
			timeSelect(id+"-start", "Start on "+label, w.Start, false, problem, func(ctx goapp.Context, v string) {
				(*ws)[j].Start = v
			}),
			goapp.Span().Class("window-dash").Aria("hidden", "true").Text("–"),
			timeSelect(id+"-end", "End on "+label, w.End, true, problem, func(ctx goapp.Context, v string) {
				(*ws)[j].End = v
			}),
			goapp.Button().Type("button").Class("icon-button").
				Aria("label", "Remove "+w.Start+"–"+w.End+" on "+label).
				OnClick(func(ctx goapp.Context, _ goapp.Event) {
					*ws = slices.Delete(*ws, j, j+1)
				}).Text("×"),
			goapp.If(problem != "", func() goapp.UI {
				return goapp.P().ID(id + "-error").Class("field-error window-error").Text(problem)
			}),
		))
	}
	rows = append(rows, goapp.Button().Type("button").Class("link-button add-window").
		ID("avail-"+kind+"-"+strconv.Itoa(i)+"-add").
		Aria("label", "Add hours on "+label).
		OnClick(func(ctx goapp.Context, _ goapp.Event) {
			next := defaultWindow
			if n := len(*ws); n > 0 {
				if end, ok := clockMinutes((*ws)[n-1].End); ok && end <= 22*60 {
					next = model.Window{Start: clockLabel(end + 60), End: clockLabel(min(end+180, 24*60))}
				}
			}
			*ws = append(*ws, next)
		}).Text("+ Add hours"))
	return goapp.Div().Class("windows").Body(rows...)
}

// timeSelect chooses a time of day in quarter hours (end times run to
// 24:00); a time off the grid, from an older rule, stays selectable.
func timeSelect(id, label, value string, end bool, problem string, onChange func(goapp.Context, string)) goapp.UI {
	first, last := 0, 24*60-15
	if end {
		first, last = 15, 24*60
	}
	opts := make([]goapp.UI, 0, 100)
	have := false
	for m := first; m <= last; m += 15 {
		v := clockLabel(m)
		have = have || v == value
		opts = append(opts, goapp.Option().Value(v).Selected(v == value).Text(v))
	}
	if !have && value != "" {
		opts = append([]goapp.UI{goapp.Option().Value(value).Selected(true).Text(value)}, opts...)
	}
	sel := goapp.Select().ID(id).Class("time-select").Aria("label", label).
		OnChange(func(ctx goapp.Context, _ goapp.Event) { onChange(ctx, ctx.JSSrc().Get("value").String()) }).
		Body(opts...)
	if problem != "" {
		sel = sel.Aria("invalid", "true")
	}
	return sel
}

// clockLabel writes minutes after midnight as "HH:MM".
func clockLabel(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Overrides.

func (a *availability) onAddOverride(ctx goapp.Context, _ goapp.Event) {
	date := ""
	if now, ok := wallClock(time.Now(), a.zone); ok {
		date = now.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	a.overrides = append(a.overrides, overrideRow{Date: date, Off: true})
	i := len(a.overrides) - 1
	ctx.Defer(func(goapp.Context) { focus("avail-override-" + strconv.Itoa(i) + "-date") })
}

func (a *availability) renderOverrides() goapp.UI {
	rows := make([]goapp.UI, 0, len(a.overrides))
	for i := range a.overrides {
		o := &a.overrides[i]
		id := "avail-override-" + strconv.Itoa(i)
		dateErr := a.errs.field(fmt.Sprintf("overrides[%d].date", i))
		var rowErr string
		for key, msg := range a.errs.Fields {
			if m := overrideErrorKey.FindStringSubmatch(key); m != nil && m[1] == strconv.Itoa(i) && !strings.HasSuffix(key, ".date") {
				rowErr = msg
			}
		}
		label := o.Date
		if label == "" {
			label = "the new date"
		}
		kind := "off"
		if !o.Off {
			kind = "hours"
		}
		rows = append(rows, goapp.Li().ID(id).Class("override-row").Body(
			goapp.Div().Class("override-head").Body(
				goapp.Div().Class("field field-inline").Body(
					goapp.Label().For(id+"-date").Class("visually-hidden").Text("Date"),
					described(goapp.Input().ID(id+"-date").Type("date").Value(o.Date).
						OnChange(func(ctx goapp.Context, _ goapp.Event) { o.Date = ctx.JSSrc().Get("value").String() }),
						id+"-date", "", dateErr),
				),
				goapp.Div().Class("field field-inline").Body(
					goapp.Label().For(id+"-kind").Class("visually-hidden").Text("Hours on "+label),
					goapp.Select().ID(id+"-kind").OnChange(func(ctx goapp.Context, _ goapp.Event) {
						o.Off = ctx.JSSrc().Get("value").String() == "off"
						if !o.Off && len(o.Windows) == 0 {
							o.Windows = []model.Window{defaultWindow}
						}
					}).Body(
						goapp.Option().Value("off").Selected(kind == "off").Text("Day off"),
						goapp.Option().Value("hours").Selected(kind == "hours").Text("Custom hours"),
					),
				),
				goapp.Button().Type("button").Class("link-button link-danger").
					Aria("label", "Remove "+label).
					OnClick(func(ctx goapp.Context, _ goapp.Event) {
						a.overrides = slices.Delete(a.overrides, i, i+1)
						a.errs = formErrors{}
					}).Text("Remove"),
			),
			goapp.If(dateErr != "", func() goapp.UI {
				return goapp.P().ID(id + "-date-error").Class("field-error").Text(dateErr)
			}),
			goapp.If(!o.Off, func() goapp.UI { return a.windowsEditor("override", i, label, &o.Windows) }),
			goapp.If(rowErr != "", func() goapp.UI { return goapp.P().Class("field-error").Text(rowErr) }),
		))
	}
	return goapp.Div().Body(
		goapp.If(len(rows) == 0, func() goapp.UI {
			return goapp.P().Class("status").Text("No exceptions: every date follows your weekly hours.")
		}),
		goapp.Ul().ID("avail-overrides").Class("override-list").Body(rows...),
		goapp.Button().ID("avail-add-override").Type("button").Class("button button-secondary button-small").
			OnClick(a.onAddOverride).Text("Add a date"),
	)
}

func (a *availability) onDuration(d int) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		a.durations = slices.DeleteFunc(a.durations, func(x int) bool { return x == d })
		if checked(ctx) {
			a.durations = append(a.durations, d)
			slices.Sort(a.durations)
		}
	}
}

func (a *availability) onPreviewDuration(ctx goapp.Context, v string) {
	if n, ok := atoiField(v); ok {
		a.previewDuration = n
		a.loadPreview(ctx)
	}
}

func (a *availability) onCopy(id, text string) goapp.EventHandler {
	return func(ctx goapp.Context, _ goapp.Event) {
		copyToClipboard(ctx, id, text, func(ctx goapp.Context, ok bool) {
			if ok {
				a.copied = id
			}
		})
	}
}

// Rendering.

func (a *availability) Render() goapp.UI {
	return goapp.Main().ID("main-content").Class("content").Body(
		goapp.Div().Class("page-head").Body(
			goapp.Div().Body(
				goapp.H1().Text("My availability"),
				goapp.P().Class("page-lead").Text("When guests can book meetings with you, and where your meetings go."),
			),
		),
		a.renderLink(),
		goapp.If(a.err != "" && !a.loaded, func() goapp.UI { return formAlert("avail-load-error", a.err) }),
		goapp.If(!a.loaded && a.err == "", func() goapp.UI {
			return goapp.P().Class("status").Text("Loading your availability…")
		}),
		goapp.If(a.loaded, a.renderForm),
		goapp.If(a.loaded, a.renderPreview),
		&calendarSettings{},
	)
}

func (a *availability) renderLink() goapp.UI {
	body := []goapp.UI{goapp.H2().ID("link-title").Text("Personal link")}
	switch {
	case a.Me.License != model.LicenseStandard:
		body = append(body, goapp.P().ID("personal-link-basic").Class("status").
			Text("Personal links and bookings need a Standard license. Ask an admin if you need one."))
	case a.Me.Slug != "":
		link := personalLink(a.Me.Slug)
		body = append(body,
			goapp.P().Class("card-lead").Text("Share it anywhere: guests see your card, start a chat with you or book a meeting."),
			copyBox("personal-link", "personal link", link, false, a.copied, a.onCopy("personal-link", link)),
		)
	}
	return goapp.Section().ID("link").Class("card").Aria("labelledby", "link-title").Body(body...)
}

// personalLink is the agent's public page on this server.
func personalLink(slug string) string {
	base := ""
	if goapp.IsClient {
		u := goapp.Window().URL()
		base = u.Scheme + "://" + u.Host
	}
	return base + "/l/" + slug
}

func (a *availability) renderForm() goapp.UI {
	submit := "Save availability"
	if a.saving {
		submit = "Saving…"
	}
	zone := a.zone
	if zone == "" {
		zone = a.Me.TimeZone
	}
	return goapp.Form().ID("avail-form").Class("stack").OnSubmit(a.onSave).Body(
		goapp.Section().ID("hours").Class("card").Aria("labelledby", "hours-title").Body(
			goapp.Div().Class("card-head").Body(
				goapp.H2().ID("hours-title").Text("Weekly hours"),
				goapp.Span().ID("avail-zone").Class("pill").Text(zone),
			),
			goapp.P().Class("card-lead").Text("Times are in your time zone, "+zone+". An admin can change the zone in Settings."),
			a.renderWeek(),
			goapp.If(len(a.other) > 0, func() goapp.UI {
				items := make([]goapp.UI, len(a.other))
				for i, r := range a.other {
					items[i] = goapp.Li().Body(goapp.Code().Text(r.RRule), goapp.Text(" "+r.Start+"–"+r.End))
				}
				return goapp.Div().Class("notice").Body(
					goapp.P().Text("These rules were set elsewhere and are kept as they are:"),
					goapp.Ul().Body(items...),
				)
			}),
			goapp.IfSlice(len(a.ruleErrors()) > 0, func() []goapp.UI {
				errs := a.ruleErrors()
				items := make([]goapp.UI, len(errs))
				for i, e := range errs {
					items[i] = goapp.Li().Text(e)
				}
				return []goapp.UI{goapp.Ul().ID("avail-rules-error").Class("field-error").Body(items...)}
			}),
		),
		goapp.Section().ID("overrides").Class("card").Aria("labelledby", "overrides-title").Body(
			goapp.H2().ID("overrides-title").Text("Date overrides"),
			goapp.P().Class("card-lead").Text("Days off and dates with other hours than usual."),
			a.renderOverrides(),
		),
		goapp.Section().ID("booking").Class("card").Aria("labelledby", "booking-title").Body(
			goapp.H2().ID("booking-title").Text("Meetings guests can book"),
			a.renderDurations(),
			goapp.Div().Class("form-grid").Body(
				numberField("avail-notice", "Minimum notice", "minutes", &a.notice, "Guests cannot book sooner than this.", a.errs.field("min_notice_minutes", "min_notice")),
				numberField("avail-horizon", "Booking horizon", "days", &a.horizon, "How far ahead guests can book.", a.errs.field("horizon_days", "horizon")),
				numberField("avail-before", "Buffer before", "minutes", &a.before, "Kept free before each meeting.", a.errs.field("buffer_before_minutes", "buffer_before")),
				numberField("avail-after", "Buffer after", "minutes", &a.after, "Kept free after each meeting.", a.errs.field("buffer_after_minutes", "buffer_after")),
				a.renderStep(),
			),
		),
		goapp.Div().Class("form-footer").Body(
			formAlert("avail-error", a.errs.Message),
			formStatus("avail-status", a.status),
			goapp.Button().ID("avail-save").Type("submit").Class("button button-primary").Disabled(a.saving).Text(submit),
		),
	)
}

func (a *availability) renderWeek() goapp.UI {
	days := make([]goapp.UI, 7)
	for d := range 7 {
		on := len(a.week[d]) > 0
		id := "avail-day-" + strconv.Itoa(d)
		days[d] = goapp.Li().ID("day-"+strings.ToLower(rruleDays[d])).Class("day-row").Body(
			goapp.Div().Class("day-name").Body(checkField(id, dayNames[d], on, a.onDayToggle(d))),
			goapp.If(on, func() goapp.UI { return a.windowsEditor("day", d, dayNames[d], &a.week[d]) }).
				Else(func() goapp.UI { return goapp.P().Class("day-off").Text("Unavailable") }),
			goapp.If(d == 0 && on, func() goapp.UI {
				return goapp.Button().ID("avail-copy-weekdays").Type("button").Class("link-button day-copy").
					OnClick(a.onCopyToWeekdays).Text("Copy to Tue–Fri")
			}),
		)
	}
	return goapp.Ul().ID("avail-week").Class("week").Body(days...)
}

func (a *availability) renderDurations() goapp.UI {
	choices := slices.Clone(durationChoicesOffered)
	for _, d := range a.durations {
		if !slices.Contains(choices, d) {
			choices = append(choices, d)
		}
	}
	slices.Sort(choices)
	boxes := make([]goapp.UI, len(choices))
	for i, d := range choices {
		boxes[i] = checkField("avail-duration-"+strconv.Itoa(d), minutesLabel(d), slices.Contains(a.durations, d), a.onDuration(d))
	}
	errMsg := a.errs.field("durations")
	for key, msg := range a.errs.Fields {
		if errMsg == "" && strings.HasPrefix(key, "durations[") {
			errMsg = msg
		}
	}
	return goapp.FieldSet().ID("avail-durations").Class("choice-group").Body(
		goapp.Legend().Text("Meeting lengths"),
		goapp.Div().Class("choices").Body(boxes...),
		goapp.If(errMsg != "", func() goapp.UI { return goapp.P().Class("field-error").Text(errMsg) }),
	)
}

func (a *availability) renderStep() goapp.UI {
	choices := slices.Clone(stepChoices)
	if a.step > 0 && !slices.Contains(choices, a.step) {
		choices = append(choices, a.step)
		slices.Sort(choices)
	}
	opts := make([]option, len(choices))
	for i, s := range choices {
		opts[i] = option{strconv.Itoa(s), "Every " + minutesLabel(s)}
	}
	return selectField("avail-step", "Start times", opts, strconv.Itoa(a.step), func(ctx goapp.Context, v string) {
		a.step, _ = atoiField(v)
	}, "How often a meeting may start.", a.errs.field("step_minutes", "step"))
}

// numberField is a whole-number input with its unit.
func numberField(id, label, unit string, v *string, hint, errMsg string) goapp.UI {
	in := described(goapp.Input().ID(id).Name(id).Type("number").Min(0).Step(1).Attr("inputmode", "numeric").
		Value(*v).OnInput(bind(v)), id, hint, errMsg)
	return field(id, label, goapp.Div().Class("input-unit").Body(in, goapp.Span().Text(unit)), hint, errMsg)
}

func (a *availability) renderPreview() goapp.UI {
	body := []goapp.UI{
		goapp.Div().Class("card-head").Body(
			goapp.H2().ID("preview-title").Text("What guests see"),
		),
	}
	if a.Me.License != model.LicenseStandard {
		body = append(body, goapp.P().Class("status").Text("With a Basic license you have no booking page."))
		return goapp.Section().ID("preview").Class("card").Aria("labelledby", "preview-title").Body(body...)
	}
	durations := a.durations
	if len(durations) == 0 {
		durations = []int{a.previewDuration}
	}
	opts := make([]option, len(durations))
	for i, d := range durations {
		opts[i] = option{strconv.Itoa(d), minutesLabel(d) + " meetings"}
	}
	body = append(body,
		goapp.P().Class("card-lead").Text("Free slots of the next "+strconv.Itoa(previewDays)+" days on your booking page, after meetings and your calendar's busy time."),
		goapp.Div().Class("preview-controls").Body(
			selectField("preview-duration", "Meeting length", opts, strconv.Itoa(a.previewDuration), a.onPreviewDuration, "", ""),
		),
	)
	if a.previewErr != "" {
		body = append(body, formAlert("preview-error", a.previewErr))
	} else {
		body = append(body, a.renderSlots())
	}
	return goapp.Section().ID("preview").Class("card").Aria("labelledby", "preview-title").Body(body...)
}

// renderSlots lists the preview's slots by day, every day of the preview
// shown, in the agent's zone (the API's times carry its offset).
func (a *availability) renderSlots() goapp.UI {
	byDay := map[string][]string{}
	for _, s := range a.preview.Slots {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			continue
		}
		day := t.Format(time.DateOnly)
		byDay[day] = append(byDay[day], t.Format("15:04"))
	}
	today, ok := wallClock(time.Now(), a.zone)
	if !ok {
		today = time.Now()
	}
	rows := make([]goapp.UI, previewDays)
	for i := range previewDays {
		day := today.AddDate(0, 0, i)
		key := day.Format(time.DateOnly)
		times := byDay[key]
		var slots goapp.UI
		if len(times) == 0 {
			slots = goapp.Span().Class("muted").Text("No free time")
		} else {
			chips := make([]goapp.UI, len(times))
			for j, t := range times {
				chips[j] = goapp.Li().Class("slot").Text(t)
			}
			slots = goapp.Ul().Class("slots").Body(chips...)
		}
		rows[i] = goapp.Div().Class("preview-day").DataSet("date", key).Body(
			goapp.Dt().Text(dayLabel(day, today)),
			goapp.Dd().Body(slots),
		)
	}
	return goapp.Dl().ID("slot-preview").Class("preview").Body(rows...)
}
