//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/calendar"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
)

// bookUI holds the booking and manage pages' elements (backend/visitor
// renders them; the ids are also what the browser tests use). Elements a
// page does not have (the details form on the manage page) are null.
type bookUI struct {
	app, status, bookError js.Value

	manage, manageTitle, manageWhen, manageStatus, manageActions js.Value
	reschedule, cancel, cancelConfirm, cancelYes, cancelKeep     js.Value
	rebook                                                       js.Value

	picker, pickerTitle, duration, tz          js.Value
	prev, next, monthTitle, weekdays, days     js.Value
	slotsTitle, slotsNote, slots               js.Value
	form, when, back, submit                   js.Value
	name, nameError, email, emailError         js.Value
	phone, phoneError, notes, notesError       js.Value
	confirmation, confirmWhen, confirmWith     js.Value
	confirmEmail, conversationLink, manageLink js.Value
}

func findBookUI() bookUI {
	id := dom.ByID
	return bookUI{
		app: id("app"), status: id("status"), bookError: id("book-error"),

		manage: id("manage"), manageTitle: id("manage-title"), manageWhen: id("manage-when"),
		manageStatus: id("manage-status"), manageActions: id("manage-actions"),
		reschedule: id("manage-reschedule"), cancel: id("manage-cancel"), cancelConfirm: id("cancel-confirm"),
		cancelYes: id("manage-cancel-confirm"), cancelKeep: id("manage-cancel-keep"), rebook: id("manage-rebook"),

		picker: id("picker"), pickerTitle: id("picker-title"), duration: id("duration"), tz: id("tz"),
		prev: id("month-prev"), next: id("month-next"), monthTitle: id("month-title"),
		weekdays: id("weekdays"), days: id("days"),
		slotsTitle: id("slots-title"), slotsNote: id("slots-note"), slots: id("slots"),
		form: id("book-form"), when: id("book-when"), back: id("book-back"), submit: id("book-submit"),
		name: id("book-name"), nameError: id("book-name-error"), email: id("book-email"), emailError: id("book-email-error"),
		phone: id("book-phone"), phoneError: id("book-phone-error"), notes: id("book-notes"), notesError: id("book-notes-error"),
		confirmation: id("confirmation"), confirmWhen: id("confirm-when"), confirmWith: id("confirm-with"),
		confirmEmail: id("confirm-email"), conversationLink: id("conversation-link"), manageLink: id("manage-link"),
	}
}

// on listens to el when the page has it.
func on(el js.Value, typ string, fn func(ev js.Value)) {
	if el.Truthy() {
		dom.On(el, typ, fn)
	}
}

// bind wires the page's controls; values are read in the browser's
// callback, the work is done on the job loop.
func (u *bookUI) bind(b *booking) {
	click := func(el js.Value, f func()) { on(el, "click", func(js.Value) { b.do(f) }) }
	on(u.duration, "change", func(js.Value) {
		v := u.duration.Get("value").String()
		b.do(func() { b.changeDuration(v) })
	})
	on(u.tz, "change", func(js.Value) {
		v := u.tz.Get("value").String()
		b.do(func() { b.changeZone(v) })
	})
	click(u.prev, func() { b.showMonth(-1) })
	click(u.next, func() { b.showMonth(1) })
	on(u.days, "click", func(ev js.Value) {
		if date := closestData(ev, "button[data-date]", "date"); date != "" {
			b.do(func() { b.selectDay(date) })
		}
	})
	on(u.days, "keydown", func(ev js.Value) {
		date := closestData(ev, "button[data-date]", "date")
		key := ev.Get("key").String()
		if ev.Get("altKey").Bool() || ev.Get("ctrlKey").Bool() || ev.Get("metaKey").Bool() {
			return
		}
		switch key {
		case "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown":
			if date == "" {
				return
			}
			ev.Call("preventDefault")
			b.do(func() { b.moveFocus(date, key) })
		}
	})
	on(u.slots, "click", func(ev js.Value) {
		if start := closestData(ev, "button[data-start]", "start"); start != "" {
			b.do(func() { b.selectSlot(start) })
		}
	})
	click(u.back, b.backToSlots)
	on(u.form, "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		b.do(b.submit)
	})
	click(u.reschedule, b.openReschedule)
	click(u.cancel, b.askCancel)
	click(u.cancelYes, b.cancelMeeting)
	click(u.cancelKeep, b.keepMeeting)
}

// closestData reads a data- attribute of the element matching selector
// that an event happened in ("" when none).
func closestData(ev js.Value, selector, name string) string {
	t := ev.Get("target")
	if t.Type() != js.TypeObject || t.Get("closest").Type() != js.TypeFunction {
		return ""
	}
	el := t.Call("closest", selector)
	if el.IsNull() {
		return ""
	}
	return dataset(el, name)
}

func option(value, label string, selected bool) js.Value {
	o := dom.Create("option", "")
	o.Set("value", value)
	dom.SetText(o, label)
	o.Set("selected", selected)
	return o
}

func (u *bookUI) fillDurations(durations []int, chosen int) {
	u.duration.Set("textContent", "")
	for _, d := range durations {
		u.duration.Call("append", option(strconv.Itoa(d), i18n.Fill(text.Minutes, strconv.Itoa(d)), d == chosen))
	}
}

func (u *bookUI) fillZones(locale string, zones []string, chosen string) {
	u.tz.Set("textContent", "")
	for _, z := range zones {
		if validZone(z) {
			u.tz.Call("append", option(z, zoneLabel(locale, z), z == chosen))
		}
	}
	u.tz.Set("value", chosen)
}

// fillWeekdays writes the grid's column headers, short for the eye and in
// full for screen readers.
func (u *bookUI) fillWeekdays(f *formats, first calendar.Weekday) {
	u.weekdays.Set("textContent", "")
	const sunday = "2023-01-01"
	for i := range 7 {
		short, long := f.weekday(calendar.AddDays(sunday, (int(first)+i)%7))
		th := dom.Create("th", "")
		th.Call("setAttribute", "scope", "col")
		abbr := dom.Create("span", "")
		abbr.Call("setAttribute", "aria-hidden", "true")
		dom.SetText(abbr, short)
		th.Call("append", abbr, srOnly(long))
		u.weekdays.Call("append", th)
	}
}

// renderMonth draws the month's grid: a button per day, marked when the
// day has a slot and aria-disabled when not. One day is in the tab order;
// the keys move between days (moveFocus).
func (b *booking) renderMonth() {
	u := &b.ui
	focused := u.days.Call("contains", dom.Document.Get("activeElement")).Bool() || b.focusTo != ""
	loaded := b.byDay != nil
	dom.SetText(u.monthTitle, b.fmt.monthName(b.month))
	u.prev.Set("disabled", !b.thisMonth().Before(b.month))
	u.next.Set("disabled", !b.month.Before(b.thisMonth().Add(monthsAhead)))
	u.days.Call("setAttribute", "aria-busy", strconv.FormatBool(!loaded))
	u.days.Set("textContent", "")
	tab := b.tabDay()
	for _, week := range b.month.Weeks(b.first) {
		tr := dom.Create("tr", "")
		for _, date := range week {
			td := dom.Create("td", "")
			if date != "" {
				td.Call("append", b.dayButton(date, date == tab))
			}
			tr.Call("append", td)
		}
		u.days.Call("append", tr)
	}
	if focused {
		// While the month loads, focus waits on its day, marked busy.
		u.focusDay(tab)
		if loaded {
			b.focusTo = ""
		}
	}
}

func (b *booking) dayButton(date string, tab bool) js.Value {
	free := b.free(date)
	btn := dom.Create("button", "bk-day")
	btn.Set("type", "button")
	btn.Call("setAttribute", "data-date", date)
	n, _ := atoi(date[8:])
	dom.SetText(btn, strconv.Itoa(n))
	label := b.fmt.day(date)
	switch {
	case free:
		btn.Get("classList").Call("add", "bk-day--free")
		label += ", " + text.DayFree
	case b.byDay != nil:
		label += ", " + text.DayNotFree
		btn.Call("setAttribute", "aria-disabled", "true")
	default:
		btn.Call("setAttribute", "aria-disabled", "true")
	}
	btn.Call("setAttribute", "aria-label", label)
	btn.Call("setAttribute", "aria-pressed", strconv.FormatBool(date == b.day))
	if date == b.today {
		btn.Call("setAttribute", "aria-current", "date")
	}
	if tab {
		btn.Set("tabIndex", 0)
	} else {
		btn.Set("tabIndex", -1)
	}
	return btn
}

// markDay shows which day is chosen.
func (u *bookUI) markDay(date string) {
	buttons := u.days.Call("querySelectorAll", "button[data-date]")
	for i := range buttons.Length() {
		btn := buttons.Index(i)
		btn.Call("setAttribute", "aria-pressed", strconv.FormatBool(dataset(btn, "date") == date))
	}
}

// focusDay moves focus, and the grid's one tab stop, to a day.
func (u *bookUI) focusDay(date string) {
	el := u.days.Call("querySelector", `button[data-date="`+date+`"]`)
	if el.IsNull() {
		return
	}
	if old := u.days.Call("querySelector", `button[tabindex="0"]`); !old.IsNull() {
		old.Set("tabIndex", -1)
	}
	el.Set("tabIndex", 0)
	el.Call("focus")
}

// renderSlots lists the chosen day's free times, or says why there are
// none to choose from.
func (b *booking) renderSlots() {
	u := &b.ui
	u.slots.Set("textContent", "")
	title, note := text.ChooseDay, ""
	switch {
	case b.byDay == nil:
		note = text.LoadingSlots
	case len(b.byDay) == 0:
		note = text.NoSlotsMonth
	case b.day == "":
		note = text.PickDay
	default:
		title = b.fmt.day(b.day)
		starts := b.byDay[b.day]
		note = i18n.Fill(text.SlotsCount, strconv.Itoa(len(starts)))
		for _, s := range starts {
			btn := dom.Create("button", "bk-slot")
			btn.Set("type", "button")
			btn.Call("setAttribute", "data-start", s)
			dom.SetText(btn, b.fmt.time(s))
			li := dom.Create("li", "")
			li.Call("append", btn)
			u.slots.Call("append", li)
		}
	}
	dom.SetText(u.slotsTitle, title)
	dom.SetText(u.slotsNote, note)
}

// showFieldErrors shows each problem under its field, clears the others,
// focuses the first field with a problem and reports whether there was
// one. Problems for fields the form lacks are left to the caller.
func (u *bookUI) showFieldErrors(problems map[string]string) bool {
	fields := []struct {
		name       string
		input, msg js.Value
	}{
		{"name", u.name, u.nameError}, {"email", u.email, u.emailError},
		{"phone", u.phone, u.phoneError}, {"notes", u.notes, u.notesError},
	}
	first := js.Null()
	for _, f := range fields {
		if !f.input.Truthy() {
			continue
		}
		msg := problems[f.name]
		fieldError(f.input, f.msg, msg)
		if msg != "" && first.IsNull() {
			first = f.input
		}
	}
	if first.IsNull() {
		return false
	}
	first.Call("focus")
	return true
}

// trimmed is an input's value without surrounding space.
func trimmed(el js.Value) string { return strings.TrimSpace(el.Get("value").String()) }
