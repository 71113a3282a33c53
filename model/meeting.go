package model

import "time"

// MeetingStatus is where a meeting is in its life.
type MeetingStatus string

const (
	MeetingScheduled MeetingStatus = "scheduled"
	MeetingCancelled MeetingStatus = "cancelled"
)

// Meeting is a booked slot in an agent's calendar with a guest.
type Meeting struct {
	ID             int64         `json:"id"`
	OrganizationID int64         `json:"organization_id"`
	AgentID        int64         `json:"agent_id"`
	ConversationID int64         `json:"conversation_id"`
	Guest          Guest         `json:"guest"`
	Start          time.Time     `json:"start"`
	Duration       int           `json:"duration"` // minutes
	TimeZone       string        `json:"time_zone"`
	Status         MeetingStatus `json:"status"`
	UID            string        `json:"uid"`
	Sequence       int           `json:"sequence"`
	Notes          string        `json:"notes,omitempty"`
}

// End is when the meeting finishes.
func (m Meeting) End() time.Time { return m.Start.Add(time.Duration(m.Duration) * time.Minute) }

// Slot is a bookable start time.
type Slot struct {
	Start    time.Time `json:"start"`
	Duration int       `json:"duration"`
}

// Window is a wall-clock span of a day, "09:00" to "17:00", in the agent's
// time zone. End may be "24:00".
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// AvailabilityRule repeats a window on the days an RFC 5545 RRULE names,
// e.g. "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR".
type AvailabilityRule struct {
	RRule string `json:"rrule"`
	Window
}

// AvailabilityOverride replaces one date's windows: none means a day off.
type AvailabilityOverride struct {
	Date    string   `json:"date"` // YYYY-MM-DD in the agent's zone
	Windows []Window `json:"windows"`
}

// Availability is when an agent can be booked.
type Availability struct {
	TimeZone            string                 `json:"time_zone"`
	Rules               []AvailabilityRule     `json:"rules"`
	Overrides           []AvailabilityOverride `json:"overrides"`
	Durations           []int                  `json:"durations"`
	MinNoticeMinutes    int                    `json:"min_notice_minutes"`
	HorizonDays         int                    `json:"horizon_days"`
	BufferBeforeMinutes int                    `json:"buffer_before_minutes"`
	BufferAfterMinutes  int                    `json:"buffer_after_minutes"`
	StepMinutes         int                    `json:"step_minutes"`
}

// AgentCard is an agent's public face on their personal link.
type AgentCard struct {
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Title        string `json:"title"`
	PhotoURL     string `json:"photo_url"`
	TimeZone     string `json:"time_zone"`
	Organization string `json:"organization"`
	Durations    []int  `json:"durations"`
	Online       bool   `json:"online"`
}

// SlotList answers a slots query: start times in the asked zone.
type SlotList struct {
	TimeZone string   `json:"time_zone"`
	Duration int      `json:"duration"`
	Slots    []string `json:"slots"` // RFC 3339 with the zone's offset
}

// BookingRequest books a meeting with an agent.
type BookingRequest struct {
	Start    string `json:"start"` // RFC 3339
	Duration int    `json:"duration"`
	TimeZone string `json:"time_zone"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Notes    string `json:"notes"`
	Language string `json:"language,omitempty"`
}

// Booking is what a guest gets back: the meeting and where to talk about
// it.
type Booking struct {
	Meeting           Meeting `json:"meeting"`
	AgentName         string  `json:"agent_name"`
	ConversationToken string  `json:"conversation_token"`
	ConversationURL   string  `json:"conversation_url"`
	// ManageURL lets the guest reschedule or cancel; only the guest gets it.
	ManageToken string `json:"manage_token"`
	ManageURL   string `json:"manage_url"`
}

// MeetingChange reschedules a meeting or changes its duration; nil fields
// stay as they are.
type MeetingChange struct {
	Start    *string `json:"start,omitempty"` // RFC 3339
	Duration *int    `json:"duration,omitempty"`
}

// GuestMeeting is what the guest's manage link shows.
type GuestMeeting struct {
	Meeting   Meeting `json:"meeting"`
	AgentName string  `json:"agent_name"`
	AgentSlug string  `json:"agent_slug"`
	Durations []int   `json:"durations"`
}

// CalendarSettings is an agent's calendar connection as the app shows it:
// never a password or token.
type CalendarSettings struct {
	Connected bool `json:"connected"`
	// Provider is caldav, google or microsoft when connected.
	Provider string `json:"provider,omitempty"`
	// URL is a CalDAV connection's address; Username its login, or the
	// Google or Microsoft account's address.
	URL      string `json:"url,omitempty"`
	Username string `json:"username,omitempty"`
	// Status is "ok" or "needs_reconnect"; StatusMessage says why.
	Status        string `json:"status,omitempty"`
	StatusMessage string `json:"status_message,omitempty"`
	// Calendars are the account's calendars; WriteCalendarID is the one
	// new meetings go to.
	Calendars       []ConnectedCalendar `json:"calendars,omitempty"`
	WriteCalendarID string              `json:"write_calendar_id,omitempty"`
	// Available lists the OAuth providers an admin has set up (google,
	// microsoft): the "Connect" buttons the app offers.
	Available []string `json:"available"`
	FeedURL   string   `json:"feed_url"`
}

// CalendarInput connects a CalDAV calendar with an app password.
type CalendarInput struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
}
