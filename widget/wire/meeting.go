package wire

// Meeting statuses (model.MeetingStatus).
const (
	MeetingScheduled = "scheduled"
	MeetingCancelled = "cancelled"
)

// Meeting is a booked slot (model.Meeting), as much of it as a guest sees.
type Meeting struct {
	ID       int64
	Start    string // RFC 3339
	Duration int    // minutes
	TimeZone string
	Status   string
}

func (m *Meeting) Decode(v Value) {
	m.ID = v.Get("id").Int()
	m.Start = v.Get("start").Str()
	m.Duration = int(v.Get("duration").Int())
	m.TimeZone = v.Get("time_zone").Str()
	m.Status = v.Get("status").Str()
}

// SlotList answers a slots query (model.SlotList).
type SlotList struct {
	TimeZone string
	Duration int
	Slots    []string // RFC 3339 with the zone's offset
}

func (s *SlotList) Decode(v Value) {
	s.TimeZone = v.Get("time_zone").Str()
	s.Duration = int(v.Get("duration").Int())
	s.Slots = Strings(v.Get("slots"))
}

// BookingRequest books a meeting with an agent (model.BookingRequest).
type BookingRequest struct {
	Start    string
	Duration int
	TimeZone string
	Name     string
	Email    string
	Phone    string
	Notes    string
	Language string
}

func (b BookingRequest) Encode() map[string]any {
	obj := map[string]any{
		"start": b.Start, "duration": b.Duration, "time_zone": b.TimeZone,
		"name": b.Name, "email": b.Email, "phone": b.Phone, "notes": b.Notes,
	}
	set(obj, "language", b.Language)
	return obj
}

// Booking is what a guest gets back for a booking (model.Booking).
type Booking struct {
	Meeting           Meeting
	AgentName         string
	ConversationToken string
	ConversationURL   string
	ManageToken       string
	ManageURL         string
}

func (b *Booking) Decode(v Value) {
	b.Meeting.Decode(v.Get("meeting"))
	b.AgentName = v.Get("agent_name").Str()
	b.ConversationToken = v.Get("conversation_token").Str()
	b.ConversationURL = v.Get("conversation_url").Str()
	b.ManageToken = v.Get("manage_token").Str()
	b.ManageURL = v.Get("manage_url").Str()
}

// MeetingChange moves a meeting or changes its length; zero fields stay as
// they are (model.MeetingChange).
type MeetingChange struct {
	Start    string
	Duration int
}

func (c MeetingChange) Encode() map[string]any {
	obj := map[string]any{}
	set(obj, "start", c.Start)
	set(obj, "duration", c.Duration)
	return obj
}

// GuestMeeting is what the guest's manage link shows (model.GuestMeeting).
type GuestMeeting struct {
	Meeting   Meeting
	AgentName string
	AgentSlug string
	Durations []int
}

func (g *GuestMeeting) Decode(v Value) {
	g.Meeting.Decode(v.Get("meeting"))
	g.AgentName = v.Get("agent_name").Str()
	g.AgentSlug = v.Get("agent_slug").Str()
	g.Durations = Ints(v.Get("durations"))
}
