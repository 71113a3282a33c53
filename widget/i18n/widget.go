package i18n

// Widget is every sentence the visitor WebAssembly shows (the chat, the
// booking and the manage-meeting pages). The server fills it from the
// visitor's catalog and embeds it, as JSON, in the page; its fields are
// the catalogs' keys. Sentences with verbs are fmt formats; the comments
// say what fills them. Dates and times are not here: the browser's Intl
// formats them in the page's language.
type Widget struct {
	You, Company, Conversation string
	Sending, Sent, NotSent     string
	Retry                      string // a button after NotSent
	Reconnecting, Unavailable  string
	CannotLoad                 string
	Online, Away, Offline      string
	OfflineEmailKnown          string // %s: the email
	Typing                     string // %s: who
	AnAgent                    string
	NameRequired               string
	EmailRequired              string
	EmailInvalid               string
	Starting, StartChat        string
	EmailSaved                 string // %s: the email
	TooLong, Failed            string
	NetworkDown                string
	ConversationCreateErr      string // %s: why
	NewMessage                 string // %s: who, %s: the message (read out)

	CannotLoadPage, LinkGone, ZoneUnsupported string
	Minutes                                   string // %d
	When                                      string // %s date, %s time span, %s zone
	DayFree, DayNotFree                       string // after a day's name
	ChooseDay, PickDay, LoadingSlots          string
	NoSlotsMonth                              string
	SlotsCount                                string // %d
	SlotTaken                                 string
	FieldName, FieldEmail                     string
	FieldPhone, FieldNotes                    string
	FieldProblem                              string // %s field, %s the server's message
	Book, Booking, Move, Moving               string
	MeetingWith                               string // %s: agent
	ConfirmEmail                              string // %s: email
	MeetingNotFound, MeetingScheduled         string
	MeetingCancelled, MeetingPast             string
	MeetingMoved                              string
	MeetingCancelledNow                       string // %s: agent
}
