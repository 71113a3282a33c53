//go:build js && wasm

package main

import (
	"github.com/frontdesk/frontdesk/widget/calendar"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// The manage page is the guest's link from the booking emails: it shows
// the meeting and lets the guest move it (the booking picker, preloaded
// with the agent and the meeting's length and zone) or cancel it.

func meetingPath(token string) string { return "/api/v1/public/meetings/" + dom.Encode(token) }

// bootManage loads the meeting; it waits for the network, so it runs on its
// own goroutine.
func (b *booking) bootManage() {
	token := dataset(b.ui.app, "token")
	var gm wire.GuestMeeting
	err := retry(func() error { return call("GET", meetingPath(token), nil, gm.Decode) },
		func(error) { b.do(func() { dom.SetText(b.ui.status, text.CannotLoadPage) }) })
	b.do(func() {
		dom.SetText(b.ui.status, "")
		if err != nil {
			if e, ok := wire.AsError(err); ok && e.Status == statusNotFound {
				dom.SetText(b.ui.status, text.MeetingNotFound)
			} else {
				dom.SetText(b.ui.status, errorText(err))
			}
			return
		}
		b.token = token
		b.showMeeting(gm, "")
	})
}

// showMeeting shows the meeting as it now is; note, when set, says what
// just happened to it.
func (b *booking) showMeeting(gm wire.GuestMeeting, note string) {
	b.meeting = gm
	m := gm.Meeting
	u := &b.ui
	zone := m.TimeZone
	if !validZone(zone) {
		zone = detectedZone()
	}
	f := newFormats(b.locale, zone)
	dom.SetText(u.manageTitle, i18n.Fill(text.MeetingWith, gm.AgentName))
	dom.SetText(u.manageWhen, f.when(m.Start, m.Duration))

	ends := jsDate(m.Start).Call("getTime").Float() + float64(m.Duration)*60000
	open := m.Status == wire.MeetingScheduled && dom.DateNow() < ends
	switch {
	case note != "":
	case m.Status == wire.MeetingCancelled:
		note = text.MeetingCancelled
	case !open:
		note = text.MeetingPast
	default:
		note = text.MeetingScheduled
	}
	dom.SetText(u.manageStatus, note)
	u.manageWhen.Get("classList").Call("toggle", "bk-when--cancelled", m.Status == wire.MeetingCancelled)
	// A cancelled or past meeting: offer a new one with the same agent.
	if !open && gm.AgentSlug != "" {
		u.rebook.Set("href", "/l/"+dom.Encode(gm.AgentSlug)+"/book?lang="+pageLang())
	}
	dom.Show(u.rebook, !open && gm.AgentSlug != "")
	dom.Show(u.manageActions, open)
	dom.Show(u.reschedule, open && gm.AgentSlug != "")
	dom.Show(u.cancelConfirm, false)
	u.reschedule.Call("setAttribute", "aria-expanded", "false")
	if !open {
		dom.Show(u.picker, false)
		dom.Show(u.form, false)
	}
	dom.Show(u.manage, true)
}

// openReschedule shows the picker for the meeting's agent, length and zone.
func (b *booking) openReschedule() {
	m := b.meeting.Meeting
	u := &b.ui
	b.clearError()
	dom.Show(u.cancelConfirm, false)
	if visible(u.picker) || visible(u.form) {
		u.pickerTitle.Call("focus")
		return
	}
	b.slug = b.meeting.AgentSlug
	zone := m.TimeZone
	detected := detectedZone()
	if !validZone(zone) {
		zone = detected
	}
	b.pick(calendar.Durations(b.meeting.Durations, m.Duration), m.Duration, zone, calendar.Zones(zone, detected))
	dom.Show(u.picker, true)
	u.reschedule.Call("setAttribute", "aria-expanded", "true")
	u.pickerTitle.Call("focus")
}

// reschedule moves the meeting to the chosen slot (and length).
func (b *booking) reschedule() {
	change := wire.MeetingChange{Start: b.start}
	if d := b.duration; d != b.meeting.Meeting.Duration {
		change.Duration = d
	}
	b.clearError()
	b.setBusy(true)
	token := b.token
	go func() {
		var gm wire.GuestMeeting
		err := call("PATCH", meetingPath(token), change.Encode(), gm.Decode)
		b.do(func() {
			b.setBusy(false)
			if err != nil {
				b.refused(err)
				return
			}
			dom.Show(b.ui.form, false)
			dom.Show(b.ui.picker, false)
			b.start = ""
			b.showMeeting(gm, text.MeetingMoved)
			b.ui.manageTitle.Call("focus")
		})
	}()
}

// askCancel asks the guest to confirm the cancellation.
func (b *booking) askCancel() {
	b.clearError()
	dom.Show(b.ui.cancelConfirm, true)
	b.ui.cancelYes.Call("focus")
}

func (b *booking) keepMeeting() {
	dom.Show(b.ui.cancelConfirm, false)
	b.ui.cancel.Call("focus")
}

// cancelMeeting cancels the meeting.
func (b *booking) cancelMeeting() {
	if b.busy {
		return
	}
	b.busy = true
	u := &b.ui
	u.cancelYes.Set("disabled", true)
	token := b.token
	go func() {
		var gm wire.GuestMeeting
		err := call("DELETE", meetingPath(token), nil, gm.Decode)
		b.do(func() {
			b.busy = false
			u.cancelYes.Set("disabled", false)
			if err != nil {
				b.showError(errorText(err))
				return
			}
			b.showMeeting(gm, i18n.Fill(text.MeetingCancelledNow, gm.AgentName))
			u.manageTitle.Call("focus")
		})
	}()
}
