//go:build js && wasm

package main

import (
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/widget/calendar"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// The booking page (mode book) and the guest's manage-meeting page (mode
// manage) share one flow: pick a duration and time zone, a day of the
// month, then a free slot; then book it with the guest's details, or move
// the meeting there. Like the chat, everything that changes state runs on
// the job loop.

// booking is the state of a booking or manage page.
type booking struct {
	jobs   chan func()
	ui     bookUI
	mode   string
	locale string
	first  calendar.Weekday // of the week, where the visitor lives

	slug     string // the agent's personal link
	duration int    // minutes
	zone     string
	fmt      *formats // in zone

	today string // in zone
	month calendar.Month
	byDay map[string][]string // the month's free slots; nil until loaded
	gen   int                 // the slots request whose answer counts
	seek  int                 // empty months to skip forward on the first load
	day   string              // the chosen day
	start string              // the chosen slot
	busy  bool                // a booking, change or cancellation is in flight
	// focusTo is the day that takes focus once its month is drawn, when
	// the visitor moved there from another month with the keyboard.
	focusTo string

	token   string // mode manage: the manage token
	meeting wire.GuestMeeting
}

// monthsAhead bounds the date picker; the agent's booking horizon is
// usually much shorter, and the API enforces it.
const monthsAhead = 12

func startBooking() chan func() {
	b := &booking{jobs: make(chan func(), 256), ui: findBookUI(), locale: pageLocale(), first: weekStart()}
	b.mode = dataset(b.ui.app, "mode")
	b.ui.bind(b)
	startEmbeddedPage()
	if b.mode == modeManage {
		go b.bootManage()
	} else {
		b.do(b.bootBook)
	}
	return b.jobs
}

// do runs f on the job loop.
func (b *booking) do(f func()) { b.jobs <- f }

// bootBook starts the booking page from what the server rendered into it.
func (b *booking) bootBook() {
	app := b.ui.app
	b.slug = dataset(app, "slug")
	var offered []int
	for s := range strings.SplitSeq(dataset(app, "durations"), ",") {
		if n, ok := atoi(s); ok && n > 0 {
			offered = append(offered, n)
		}
	}
	duration := 0
	if len(offered) > 0 {
		duration = offered[0]
	}
	detected, agentZone := detectedZone(), dataset(app, "agentTz")
	zone := detected
	if !validZone(zone) {
		zone = agentZone
	}
	b.pick(calendar.Durations(offered, 0), duration, zone, calendar.Zones(detected, agentZone))
	dom.SetText(b.ui.status, "")
	dom.Show(b.ui.picker, true)
}

// pick sets the picker up and loads the first month.
func (b *booking) pick(durations []int, duration int, zone string, zones []string) {
	if !validZone(zone) {
		zone = "UTC"
	}
	b.duration = duration
	b.ui.fillDurations(durations, duration)
	b.ui.fillZones(b.locale, zones, zone)
	b.ui.fillWeekdays(newFormats(b.locale, zone), b.first)
	b.setZone(zone)
	b.month, _ = calendar.MonthOf(b.today)
	b.seek = 2
	b.loadSlots()
}

// setZone switches the zone days and times are shown in.
func (b *booking) setZone(zone string) {
	b.zone = zone
	b.fmt = newFormats(b.locale, zone)
	b.today = todayIn(zone)
	if now, err := calendar.MonthOf(b.today); err == nil && b.month.Before(now) {
		b.month = now
	}
}

func (b *booking) thisMonth() calendar.Month {
	m, _ := calendar.MonthOf(b.today)
	return m
}

// changeDuration and changeZone follow the visitor's choice; the slots
// change with either, so the chosen day and slot are dropped.
func (b *booking) changeDuration(v string) {
	n, ok := atoi(v)
	if !ok || n == b.duration {
		return
	}
	b.duration = n
	b.day, b.start = "", ""
	b.loadSlots()
}

func (b *booking) changeZone(zone string) {
	if zone == b.zone || !validZone(zone) {
		return
	}
	b.setZone(zone)
	b.day, b.start = "", ""
	b.loadSlots()
}

// showMonth moves the picker n months on or back, within its bounds, and
// reports whether it moved.
func (b *booking) showMonth(n int) bool {
	m := b.month.Add(n)
	if !b.inRange(m) {
		return false
	}
	b.month, b.seek = m, 0
	b.loadSlots()
	return true
}

// inRange reports whether the picker may show m.
func (b *booking) inRange(m calendar.Month) bool {
	return !m.Before(b.thisMonth()) && !b.thisMonth().Add(monthsAhead).Before(m)
}

// loadSlots asks for the free slots of the month shown. Answers to earlier
// requests (another month, zone or duration) are dropped.
func (b *booking) loadSlots() {
	b.gen++
	gen := b.gen
	b.byDay = nil
	b.renderMonth()
	b.renderSlots()
	from, to, ok := b.month.Range(b.today)
	if !ok {
		b.byDay = map[string][]string{}
		b.renderMonth()
		b.renderSlots()
		return
	}
	base := linkPath(b.slug) + "/slots"
	if b.token != "" {
		// Moving a meeting: its own time is free for it.
		base = meetingPath(b.token) + "/slots"
	}
	path := base + "?from=" + from + "&to=" + to +
		"&duration=" + strconv.Itoa(b.duration) + "&tz=" + dom.Encode(b.zone)
	go func() {
		var list wire.SlotList
		err := retry(func() error { return call("GET", path, nil, list.Decode) }, nil)
		b.do(func() { b.slotsLoaded(gen, list, err) })
	}()
}

func (b *booking) slotsLoaded(gen int, list wire.SlotList, err error) {
	if gen != b.gen {
		return
	}
	if err != nil {
		b.byDay = map[string][]string{}
		b.renderMonth()
		b.renderSlots()
		switch e, _ := wire.AsError(err); {
		case e != nil && e.Status == statusNotFound:
			b.showError(text.LinkGone)
		case e != nil && e.Fields["tz"] != "":
			b.showError(text.ZoneUnsupported)
		default:
			b.showError(errorText(err))
		}
		return
	}
	b.byDay = calendar.ByDay(list.Slots)
	// On arrival, late in a month, the first free day may be next month's.
	if len(b.byDay) == 0 && b.seek > 0 && b.month.Before(b.thisMonth().Add(monthsAhead)) {
		b.seek--
		b.month = b.month.Add(1)
		b.loadSlots()
		return
	}
	b.seek = 0
	if len(b.byDay[b.day]) == 0 {
		b.day = ""
	}
	b.renderMonth()
	b.renderSlots()
}

// free reports whether date has a slot.
func (b *booking) free(date string) bool { return len(b.byDay[date]) > 0 }

// selectDay shows a day's slots.
func (b *booking) selectDay(date string) {
	if !b.free(date) {
		return
	}
	b.day = date
	b.ui.markDay(date)
	b.renderSlots()
}

// moveFocus moves through the days with the keyboard as the ARIA date
// picker grid does: the arrows by day and by week (into the next or
// previous month at its edges), Home and End to the first and last day of
// the week, Page Up and Page Down to the same day of the previous or next
// month. Days without free times take focus too (they are announced as
// unavailable); Enter or Space on a free day chooses it.
func (b *booking) moveFocus(from, key string) {
	var to string
	switch key {
	case "ArrowLeft":
		to = calendar.AddDays(from, -1)
	case "ArrowRight":
		to = calendar.AddDays(from, 1)
	case "ArrowUp":
		to = calendar.AddDays(from, -7)
	case "ArrowDown":
		to = calendar.AddDays(from, 7)
	case "Home":
		to, _ = calendar.WeekBounds(from, b.first)
	case "End":
		_, to = calendar.WeekBounds(from, b.first)
	case "PageUp":
		to = calendar.AddMonths(from, -1)
	case "PageDown":
		to = calendar.AddMonths(from, 1)
	default:
		return
	}
	if b.month.Contains(to) {
		b.ui.focusDay(to)
		return
	}
	m, err := calendar.MonthOf(to)
	if err != nil || !b.inRange(m) {
		return
	}
	b.month, b.seek, b.focusTo = m, 0, to
	b.loadSlots()
}

// freeDays lists the month's days that have slots, in order.
func (b *booking) freeDays() []string {
	var out []string
	for _, week := range b.month.Weeks(b.first) {
		for _, d := range week {
			if d != "" && b.free(d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// tabDay is the one day of the grid in the tab order: the day the
// keyboard is moving to, else the chosen day, else the first free one,
// else today or the month's first.
func (b *booking) tabDay() string {
	switch {
	case b.month.Contains(b.focusTo):
		return b.focusTo
	case b.month.Contains(b.day) && b.free(b.day):
		return b.day
	}
	if days := b.freeDays(); len(days) > 0 {
		return days[0]
	}
	if b.month.Contains(b.today) {
		return b.today
	}
	return b.month.First()
}

// selectSlot moves on to the details (or, rescheduling, the confirmation)
// for the chosen start.
func (b *booking) selectSlot(start string) {
	b.start = start
	b.clearError()
	u := &b.ui
	dom.SetText(u.when, b.fmt.when(start, b.duration))
	dom.Show(u.picker, false)
	dom.Show(u.form, true)
	if b.mode == modeBook {
		u.name.Call("focus")
	} else {
		u.submit.Call("focus")
	}
}

// backToSlots returns from the details to the picker.
func (b *booking) backToSlots() {
	u := &b.ui
	dom.Show(u.form, false)
	dom.Show(u.picker, true)
	if el := u.slots.Call("querySelector", `[data-start="`+b.start+`"]`); !el.IsNull() {
		el.Call("focus")
	} else {
		u.pickerTitle.Call("focus")
	}
}

// slotGone sends the visitor back to choose again, with the slots
// reloaded: the chosen one was taken meanwhile or is no longer allowed.
func (b *booking) slotGone(msg string) {
	b.start = ""
	dom.Show(b.ui.form, false)
	dom.Show(b.ui.picker, true)
	b.loadSlots()
	b.showError(msg)
	b.ui.bookError.Call("focus")
}

// submit books the chosen slot, or moves the meeting to it.
func (b *booking) submit() {
	if b.busy || b.start == "" {
		return
	}
	if b.mode == modeManage {
		b.reschedule()
		return
	}
	u := &b.ui
	req := wire.BookingRequest{
		Start: b.start, Duration: b.duration, TimeZone: b.zone,
		Name: trimmed(u.name), Email: trimmed(u.email), Phone: trimmed(u.phone), Notes: trimmed(u.notes),
		Language: pageLang(),
	}
	problems := map[string]string{}
	if req.Name == "" {
		problems["name"] = text.NameRequired
	}
	if msg := checkEmail(req.Email, true); msg != "" {
		problems["email"] = msg
	}
	b.clearError()
	if u.showFieldErrors(problems) {
		return
	}
	b.setBusy(true)
	go func() {
		var out wire.Booking
		// Not retried: a booking that got no answer may have been made.
		err := call("POST", linkPath(b.slug)+"/meetings", req.Encode(), out.Decode)
		b.do(func() {
			b.setBusy(false)
			if err != nil {
				b.refused(err)
				return
			}
			b.confirm(out, req.Email)
		})
	}()
}

// refused shows why the server did not book or move the meeting, where the
// visitor can act on it.
func (b *booking) refused(err error) {
	e, _ := wire.AsError(err)
	switch {
	case e == nil:
		b.showError(errorText(err))
	case e.Code == wire.CodeSlotTaken:
		b.slotGone(text.SlotTaken)
	case e.Fields["start"] != "" || e.Fields["duration"] != "":
		// Too soon, past the horizon, outside the hours: choose again.
		b.slotGone(e.Message)
	case e.Status == statusNotFound && b.mode == modeBook:
		b.showError(text.LinkGone)
	case len(e.Fields) > 0 && b.mode == modeBook:
		problems := map[string]string{}
		for k, msg := range e.Fields {
			problems[k] = fieldProblem(k, msg)
		}
		if !b.ui.showFieldErrors(problems) {
			b.showError(e.Message)
		}
	default:
		b.showError(errorText(err))
	}
}

// confirm shows the booked meeting.
func (b *booking) confirm(out wire.Booking, email string) {
	u := &b.ui
	dom.Show(u.picker, false)
	dom.Show(u.form, false)
	dom.SetText(u.confirmWhen, b.fmt.when(out.Meeting.Start, out.Meeting.Duration))
	dom.SetText(u.confirmWith, i18n.Fill(text.MeetingWith, out.AgentName))
	dom.SetText(u.confirmEmail, i18n.Fill(text.ConfirmEmail, email))
	u.conversationLink.Set("href", out.ConversationURL)
	u.manageLink.Set("href", out.ManageURL)
	dom.Show(u.confirmation, true)
	u.confirmation.Call("focus")
}

func (b *booking) setBusy(busy bool) {
	b.busy = busy
	u := &b.ui
	u.submit.Set("disabled", busy)
	label := text.Book
	switch {
	case b.mode == modeManage && busy:
		label = text.Moving
	case b.mode == modeManage:
		label = text.Move
	case busy:
		label = text.Booking
	}
	dom.SetText(u.submit, label)
}

func (b *booking) showError(msg string) {
	dom.SetText(b.ui.bookError, msg)
	dom.Show(b.ui.bookError, msg != "")
}

func (b *booking) clearError() { b.showError("") }

// fieldProblem turns an API field message ("is required") into a sentence
// under the field.
func fieldProblem(field, msg string) string {
	label := map[string]string{"name": text.FieldName, "email": text.FieldEmail, "phone": text.FieldPhone, "notes": text.FieldNotes}[field]
	if label == "" {
		return msg
	}
	return i18n.Fill(text.FieldProblem, label, msg)
}
