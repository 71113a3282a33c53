// Package booking is the meeting scheduler: an agent's public card, their
// free slots, and booking a meeting atomically with its conversation and
// notifications. It joins the store (postgres), the slot engine (schedule)
// and whatever reports busy time from the agent's calendar.
package booking

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/schedule"
	"github.com/frontdesk/frontdesk/model"
)

// BusySource reports busy time from an agent's connected calendar.
type BusySource interface {
	Busy(ctx context.Context, agent model.Agent, from, to time.Time) ([]schedule.Interval, error)
}

// Notifier queues the notifications of a new booking inside its
// transaction (R2: nothing is sent for a booking that did not happen, and
// nothing is lost for one that did).
type Notifier interface {
	MeetingBooked(ctx context.Context, tx bun.Tx, b postgres.Booked, agent model.Agent) error
	// MeetingUpdated follows a reschedule, a new duration or (after.Meeting
	// .Status cancelled) a cancellation.
	MeetingUpdated(ctx context.Context, tx bun.Tx, before, after postgres.MeetingRecord) error
}

// Service answers the public booking API.
type Service struct {
	DB       *postgres.DB
	Busy     BusySource // nil: no calendar connected
	Notifier Notifier   // nil: no notifications
	BaseURL  *url.URL
	Now      func() time.Time
	// MaxRange bounds how many days one slots query may cover.
	MaxRange int
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func linkNotFound() error {
	return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: "There is no personal link at this address."}
}

// agent resolves a personal-link slug; only active Standard agents have one.
func (s *Service) agent(ctx context.Context, slug string) (model.Agent, error) {
	if len(slug) > 64 || slug == "" {
		return model.Agent{}, linkNotFound()
	}
	a, err := s.DB.AgentBySlug(ctx, slug)
	if err != nil {
		if postgres.IsNotFound(err) {
			return model.Agent{}, linkNotFound()
		}
		return model.Agent{}, err
	}
	if !a.CanHoldConversations() {
		return model.Agent{}, linkNotFound()
	}
	return a, nil
}

// Agent resolves a personal link to its agent.
func (s *Service) Agent(ctx context.Context, slug string) (model.Agent, error) {
	return s.agent(ctx, slug)
}

// Card is the agent's public card.
func (s *Service) Card(ctx context.Context, slug string) (model.AgentCard, error) {
	a, err := s.agent(ctx, slug)
	if err != nil {
		return model.AgentCard{}, err
	}
	av, err := s.DB.Availability(ctx, a.OrganizationID, a.ID)
	if err != nil {
		return model.AgentCard{}, err
	}
	org, err := s.DB.Organization(ctx, a.OrganizationID)
	if err != nil {
		return model.AgentCard{}, err
	}
	online, err := s.DB.OnlineAgents(ctx, a.OrganizationID)
	if err != nil {
		return model.AgentCard{}, err
	}
	return model.AgentCard{
		Slug: a.Slug, Name: a.Name, Title: a.Title, PhotoURL: a.PhotoURL, TimeZone: a.TimeZone,
		Organization: org.Name, Durations: av.Durations, Online: online[a.ID],
	}, nil
}

// Compile turns a stored availability into the slot engine's form.
func Compile(av model.Availability) (*schedule.Compiled, error) {
	loc, err := time.LoadLocation(av.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("agent time zone %q: %w", av.TimeZone, err)
	}
	sa := schedule.Availability{
		TimeZone: loc, Durations: av.Durations,
		MinNotice:    time.Duration(av.MinNoticeMinutes) * time.Minute,
		Horizon:      time.Duration(av.HorizonDays) * 24 * time.Hour,
		BufferBefore: time.Duration(av.BufferBeforeMinutes) * time.Minute,
		BufferAfter:  time.Duration(av.BufferAfterMinutes) * time.Minute,
		Step:         time.Duration(av.StepMinutes) * time.Minute,
	}
	var f model.Fields
	clock := func(key, v string) schedule.Clock {
		c, err := schedule.ParseClock(v)
		if err != nil {
			f.Add(key, "must be a time like 09:00")
		}
		return c
	}
	for i, r := range av.Rules {
		sa.Rules = append(sa.Rules, schedule.Rule{RRule: r.RRule,
			Start: clock(fmt.Sprintf("rules[%d].start", i), r.Start), End: clock(fmt.Sprintf("rules[%d].end", i), r.End)})
	}
	for i, o := range av.Overrides {
		d, err := schedule.ParseDate(o.Date)
		if err != nil {
			f.Add(fmt.Sprintf("overrides[%d].date", i), "must be a date like 2026-12-24")
		}
		ov := schedule.Override{Date: d}
		for j, w := range o.Windows {
			ov.Windows = append(ov.Windows, schedule.Window{
				Start: clock(fmt.Sprintf("overrides[%d].windows[%d].start", i, j), w.Start),
				End:   clock(fmt.Sprintf("overrides[%d].windows[%d].end", i, j), w.End)})
		}
		sa.Overrides = append(sa.Overrides, ov)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := sa.Validate(); err != nil {
		return nil, err
	}
	return sa.Compile()
}

// busy collects what blocks the agent between from and to: their meetings
// (buffers included) but except, and their calendar's busy time.
func (s *Service) busy(ctx context.Context, a model.Agent, from, to time.Time, except int64) ([]schedule.Interval, error) {
	blocks, err := s.DB.MeetingBlocks(ctx, a.ID, from, to, except)
	if err != nil {
		return nil, err
	}
	out := make([]schedule.Interval, 0, len(blocks))
	for _, b := range blocks {
		out = append(out, schedule.Interval{Start: b[0], End: b[1]})
	}
	if s.Busy != nil {
		cal, err := s.Busy.Busy(ctx, a, from, to)
		if err != nil {
			// A calendar that does not answer must not take the booking page
			// down; its busy time is missing until it answers again.
			return out, nil
		}
		out = append(out, cal...)
	}
	return out, nil
}

// SlotsQuery is a parsed slots request.
type SlotsQuery struct {
	From, To string // YYYY-MM-DD in TimeZone, inclusive
	Duration int
	TimeZone string
}

// Slots lists the free start times of an agent's days From..To in the
// guest's zone.
func (s *Service) Slots(ctx context.Context, slug string, q SlotsQuery) (model.SlotList, error) {
	a, err := s.agent(ctx, slug)
	if err != nil {
		return model.SlotList{}, err
	}
	return s.slots(ctx, a, q, 0)
}

// RescheduleSlots lists where a meeting can move: its agent's free start
// times, the meeting's own time counting as free (as Change checks it).
func (s *Service) RescheduleSlots(ctx context.Context, rec postgres.MeetingRecord, q SlotsQuery) (model.SlotList, error) {
	if rec.Meeting.Status != model.MeetingScheduled {
		return model.SlotList{}, &model.Error{Status: http.StatusConflict, Code: postgres.CodeMeetingCancelled, Message: "This meeting was cancelled and can no longer be changed."}
	}
	return s.slots(ctx, rec.Agent, q, rec.Meeting.ID)
}

func (s *Service) slots(ctx context.Context, a model.Agent, q SlotsQuery, except int64) (model.SlotList, error) {
	var f model.Fields
	loc, err := time.LoadLocation(q.TimeZone)
	if err != nil || q.TimeZone == "" || q.TimeZone == "Local" {
		f.Add("tz", "must be an IANA time zone such as Europe/Berlin")
		loc = time.UTC
	}
	from, err1 := schedule.ParseDate(q.From)
	to, err2 := schedule.ParseDate(q.To)
	if err1 != nil {
		f.Add("from", "must be a date like 2026-12-01")
	}
	if err2 != nil {
		f.Add("to", "must be a date like 2026-12-31")
	}
	maxRange := s.MaxRange
	if maxRange == 0 {
		maxRange = 62
	}
	if err1 == nil && err2 == nil {
		switch days := int(to.Start(time.UTC).Sub(from.Start(time.UTC)).Hours() / 24); {
		case days < 0:
			f.Add("to", "must not be before from")
		case days >= maxRange:
			f.Add("to", fmt.Sprintf("the range may cover at most %d days", maxRange))
		}
	}
	if err := f.Err(); err != nil {
		return model.SlotList{}, err
	}
	av, err := s.DB.Availability(ctx, a.OrganizationID, a.ID)
	if err != nil {
		return model.SlotList{}, err
	}
	c, err := Compile(av)
	if err != nil {
		return model.SlotList{}, err
	}
	d := time.Duration(q.Duration) * time.Minute
	if !c.Offers(d) {
		return model.SlotList{}, invalidDuration(av.Durations)
	}
	start, end := from.Start(loc), to.AddDays(1).Start(loc)
	busy, err := s.busy(ctx, a, start.Add(-48*time.Hour), end.Add(48*time.Hour), except)
	if err != nil {
		return model.SlotList{}, err
	}
	slots := c.Slots(start, end, d, s.now(), busy)
	out := model.SlotList{TimeZone: loc.String(), Duration: q.Duration, Slots: make([]string, len(slots))}
	for i, t := range slots {
		out.Slots[i] = t.In(loc).Format(time.RFC3339)
	}
	return out, nil
}

func invalidDuration(offered []int) error {
	parts := make([]string, len(offered))
	for i, d := range offered {
		parts[i] = fmt.Sprint(d)
	}
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalidDuration,
		Message: "This duration is not offered. Choose one of: " + strings.Join(parts, ", ") + " minutes.",
		Fields:  map[string]string{"duration": "must be one of " + strings.Join(parts, ", ")}}
}

// Error codes of the booking API beyond the shared ones.
const (
	CodeInvalidDuration     = "invalid_duration"
	CodeStartInPast         = "start_in_past"
	CodeTooSoon             = "too_soon"
	CodeBeyondHorizon       = "beyond_horizon"
	CodeOutsideAvailability = "outside_availability"
)

// CheckError maps the slot engine's refusals to API errors.
func CheckError(err error, av model.Availability) error {
	e := func(code, msg string) error {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: code, Message: msg, Fields: map[string]string{"start": msg}}
	}
	switch {
	case errors.Is(err, schedule.ErrBadDuration):
		return invalidDuration(av.Durations)
	case errors.Is(err, schedule.ErrInPast):
		return e(CodeStartInPast, "This time is in the past.")
	case errors.Is(err, schedule.ErrTooSoon):
		return e(CodeTooSoon, fmt.Sprintf("Meetings must be booked at least %d minutes ahead.", av.MinNoticeMinutes))
	case errors.Is(err, schedule.ErrBeyondHorizon):
		return e(CodeBeyondHorizon, fmt.Sprintf("Meetings can be booked at most %d days ahead.", av.HorizonDays))
	case errors.Is(err, schedule.ErrOutsideAvailability), errors.Is(err, schedule.ErrMisaligned):
		return e(CodeOutsideAvailability, "This time is outside the agent's availability.")
	case errors.Is(err, schedule.ErrTaken):
		return &model.Error{Status: http.StatusConflict, Code: model.CodeSlotTaken, Message: "This time is no longer free. Please choose another slot."}
	}
	return err
}

// Book books a meeting: it checks the request against the agent's
// availability and busy time, then stores meeting, conversation, system
// message and notifications in one transaction, where the database's
// exclusion constraint settles races.
func (s *Service) Book(ctx context.Context, slug string, req model.BookingRequest, accessToken, manageToken string) (model.Booking, error) {
	a, err := s.agent(ctx, slug)
	if err != nil {
		return model.Booking{}, err
	}
	start, loc, err := validateBooking(&req)
	if err != nil {
		return model.Booking{}, err
	}
	av, err := s.DB.Availability(ctx, a.OrganizationID, a.ID)
	if err != nil {
		return model.Booking{}, err
	}
	c, err := Compile(av)
	if err != nil {
		return model.Booking{}, err
	}
	d := time.Duration(req.Duration) * time.Minute
	busy, err := s.busy(ctx, a, start.Add(-48*time.Hour), start.Add(d+48*time.Hour), 0)
	if err != nil {
		return model.Booking{}, err
	}
	if err := c.Check(start, d, s.now(), busy); err != nil {
		return model.Booking{}, CheckError(err, av)
	}
	occ := c.Occupied(start, d)
	b, err := s.DB.BookMeeting(ctx, postgres.NewMeeting{
		OrganizationID: a.OrganizationID, Agent: a, Start: start, Duration: req.Duration,
		Blocked: [2]time.Time{occ.Start, occ.End}, TimeZone: loc.String(), Language: req.Language,
		UID: newUID(s.BaseURL), Notes: req.Notes, AccessToken: accessToken, ManageToken: manageToken,
		Guest:   model.Guest{Name: req.Name, Email: req.Email, Phone: req.Phone},
		Summary: Summary(a, start, req.Duration, loc),
	}, func(ctx context.Context, tx bun.Tx, b postgres.Booked) error {
		if s.Notifier == nil {
			return nil
		}
		return s.Notifier.MeetingBooked(ctx, tx, b, a)
	})
	if err != nil {
		return model.Booking{}, err
	}
	base := strings.TrimRight(s.BaseURL.String(), "/")
	return model.Booking{
		Meeting: b.Meeting, AgentName: a.Name, ConversationToken: b.Access.Token,
		ConversationURL: base + "/chat/" + b.Access.Token,
		ManageToken:     b.ManageToken, ManageURL: base + "/m/" + b.ManageToken,
	}, nil
}

// Summary is the system message describing a booked meeting, in the
// guest's zone.
func Summary(a model.Agent, start time.Time, minutes int, loc *time.Location) string {
	t := start.In(loc)
	return fmt.Sprintf("Meeting scheduled with %s on %s, %s–%s (%s), %d minutes.",
		a.Name, t.Format("Monday 2 January 2006"), t.Format("15:04"),
		t.Add(time.Duration(minutes)*time.Minute).Format("15:04"), loc.String(), minutes)
}

// newUID makes an iCalendar UID that stays with the meeting for life.
func newUID(base *url.URL) string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // never fails on Linux
	host := "frontdesk"
	if base != nil && base.Hostname() != "" {
		host = base.Hostname()
	}
	return hex.EncodeToString(b) + "@" + host
}
