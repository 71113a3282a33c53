package i18n

// Widget is every sentence the visitor WebAssembly shows (the chat, the
// booking and the manage-meeting pages). The server fills it from the
// visitor's catalog and embeds it, as JSON, in the page; its fields are
// the catalogs' keys. Sentences with verbs are fmt formats, filled in by
// Fill; the comments say what fills them. Dates and times are not here: the
// browser's Intl formats them in the page's language.
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

	Uploading      string // %s: the file's name
	RatingThanks   string
	TranscriptSent string // %s: the email
	FileIn         string // %s: the file's name (read out)
}

// Field is one sentence of Widget by its catalog key.
type Field struct {
	Key  string
	Text *string
}

// Fields lists w's sentences by key, for the WebAssembly to fill from the
// page's JSON without reflection (which would cost it tens of kilobytes).
// TestFieldsListsEveryField keeps it complete.
func (w *Widget) Fields() []Field {
	return []Field{
		{"Uploading", &w.Uploading},
		{"RatingThanks", &w.RatingThanks},
		{"TranscriptSent", &w.TranscriptSent},
		{"FileIn", &w.FileIn},
		{"You", &w.You},
		{"Company", &w.Company},
		{"Conversation", &w.Conversation},
		{"Sending", &w.Sending},
		{"Sent", &w.Sent},
		{"NotSent", &w.NotSent},
		{"Retry", &w.Retry},
		{"Reconnecting", &w.Reconnecting},
		{"Unavailable", &w.Unavailable},
		{"CannotLoad", &w.CannotLoad},
		{"Online", &w.Online},
		{"Away", &w.Away},
		{"Offline", &w.Offline},
		{"OfflineEmailKnown", &w.OfflineEmailKnown},
		{"Typing", &w.Typing},
		{"AnAgent", &w.AnAgent},
		{"NameRequired", &w.NameRequired},
		{"EmailRequired", &w.EmailRequired},
		{"EmailInvalid", &w.EmailInvalid},
		{"Starting", &w.Starting},
		{"StartChat", &w.StartChat},
		{"EmailSaved", &w.EmailSaved},
		{"TooLong", &w.TooLong},
		{"Failed", &w.Failed},
		{"NetworkDown", &w.NetworkDown},
		{"ConversationCreateErr", &w.ConversationCreateErr},
		{"NewMessage", &w.NewMessage},
		{"CannotLoadPage", &w.CannotLoadPage},
		{"LinkGone", &w.LinkGone},
		{"ZoneUnsupported", &w.ZoneUnsupported},
		{"Minutes", &w.Minutes},
		{"When", &w.When},
		{"DayFree", &w.DayFree},
		{"DayNotFree", &w.DayNotFree},
		{"ChooseDay", &w.ChooseDay},
		{"PickDay", &w.PickDay},
		{"LoadingSlots", &w.LoadingSlots},
		{"NoSlotsMonth", &w.NoSlotsMonth},
		{"SlotsCount", &w.SlotsCount},
		{"SlotTaken", &w.SlotTaken},
		{"FieldName", &w.FieldName},
		{"FieldEmail", &w.FieldEmail},
		{"FieldPhone", &w.FieldPhone},
		{"FieldNotes", &w.FieldNotes},
		{"FieldProblem", &w.FieldProblem},
		{"Book", &w.Book},
		{"Booking", &w.Booking},
		{"Move", &w.Move},
		{"Moving", &w.Moving},
		{"MeetingWith", &w.MeetingWith},
		{"ConfirmEmail", &w.ConfirmEmail},
		{"MeetingNotFound", &w.MeetingNotFound},
		{"MeetingScheduled", &w.MeetingScheduled},
		{"MeetingCancelled", &w.MeetingCancelled},
		{"MeetingPast", &w.MeetingPast},
		{"MeetingMoved", &w.MeetingMoved},
		{"MeetingCancelledNow", &w.MeetingCancelledNow},
	}
}
