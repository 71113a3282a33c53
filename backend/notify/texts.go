package notify

import (
	"fmt"
	"strings"
	"time"
)

// texts are the words of the guest-facing emails and invites in one
// language, chosen by the language the guest used (stored on the
// conversation and the meeting). Agents' emails are in English for now.
type texts struct {
	Guest            string
	OpenConversation string
	ReplySubject     string // %s: agent
	BookedSubject    string // %s: agent
	BookedBody       string
	ChangedSubject   string
	ChangedBody      string
	CancelledSubject string
	CancelledBody    string
	ManageLine       string // %s: manage link
	ReminderSubject  string
	ReminderBody     string
	EventSummary     string // %s agent, %s guest
	EventDescription string // %s conversation link
	Minutes          string // %d

	// Date is a day's layout with {weekday}, {day}, {month} and {year};
	// Go's time layouts know English names only.
	Date     string
	Weekdays [7]string  // Sunday first, as time.Weekday
	Months   [12]string // January first
	// TimeLayout is a Go layout: 24-hour clocks everywhere but English.
	TimeLayout string
}

var english = texts{
	Guest:            "Guest",
	OpenConversation: "Open the conversation",
	ReplySubject:     "%s replied to your message",
	BookedSubject:    "Your meeting with %s is confirmed",
	BookedBody:       "Your meeting with %s is booked.",
	ChangedSubject:   "Your meeting with %s has changed",
	ChangedBody:      "%s changed your meeting. The new time is:",
	CancelledSubject: "Your meeting with %s is cancelled",
	CancelledBody:    "The meeting with %s is cancelled:",
	ManageLine:       "Need another time? Reschedule or cancel here: %s",
	ReminderSubject:  "Reminder: your meeting with %s",
	ReminderBody:     "Your meeting with %s is coming up:",
	EventSummary:     "Meeting: %s and %s",
	EventDescription: "Join the conversation: %s",
	Minutes:          "%d minutes",
	Date:             "{weekday} {day} {month} {year}",
	Weekdays:         [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	Months: [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"},
	TimeLayout: "15:04",
}

var german = texts{
	Guest:            "Gast",
	OpenConversation: "Zum Gespräch",
	ReplySubject:     "%s hat auf Ihre Nachricht geantwortet",
	BookedSubject:    "Ihr Termin mit %s ist bestätigt",
	BookedBody:       "Ihr Termin mit %s ist gebucht.",
	ChangedSubject:   "Ihr Termin mit %s wurde geändert",
	ChangedBody:      "%s hat Ihren Termin geändert. Die neue Zeit:",
	CancelledSubject: "Ihr Termin mit %s ist abgesagt",
	CancelledBody:    "Der Termin mit %s ist abgesagt:",
	ManageLine:       "Passt die Zeit nicht? Hier verschieben oder absagen: %s",
	ReminderSubject:  "Erinnerung: Ihr Termin mit %s",
	ReminderBody:     "Ihr Termin mit %s steht bald an:",
	EventSummary:     "Termin: %s und %s",
	EventDescription: "Zum Gespräch: %s",
	Minutes:          "%d Minuten",
	Date:             "{weekday}, {day}. {month} {year}",
	Weekdays:         [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
	Months: [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
		"August", "September", "Oktober", "November", "Dezember"},
	TimeLayout: "15:04",
}

var french = texts{
	Guest:            "Invité",
	OpenConversation: "Ouvrir la conversation",
	ReplySubject:     "%s a répondu à votre message",
	BookedSubject:    "Votre rendez-vous avec %s est confirmé",
	BookedBody:       "Votre rendez-vous avec %s est réservé.",
	ChangedSubject:   "Votre rendez-vous avec %s a changé",
	ChangedBody:      "%s a modifié votre rendez-vous. Le nouvel horaire :",
	CancelledSubject: "Votre rendez-vous avec %s est annulé",
	CancelledBody:    "Le rendez-vous avec %s est annulé :",
	ManageLine:       "Besoin d’un autre horaire ? Déplacez ou annulez ici : %s",
	ReminderSubject:  "Rappel : votre rendez-vous avec %s",
	ReminderBody:     "Votre rendez-vous avec %s approche :",
	EventSummary:     "Rendez-vous : %s et %s",
	EventDescription: "Rejoindre la conversation : %s",
	Minutes:          "%d minutes",
	Date:             "{weekday} {day} {month} {year}",
	Weekdays:         [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	Months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"},
	TimeLayout: "15:04",
}

var italian = texts{
	Guest:            "Ospite",
	OpenConversation: "Apri la conversazione",
	ReplySubject:     "%s ha risposto al tuo messaggio",
	BookedSubject:    "Il tuo appuntamento con %s è confermato",
	BookedBody:       "Il tuo appuntamento con %s è prenotato.",
	ChangedSubject:   "Il tuo appuntamento con %s è cambiato",
	ChangedBody:      "%s ha modificato il tuo appuntamento. Il nuovo orario:",
	CancelledSubject: "Il tuo appuntamento con %s è annullato",
	CancelledBody:    "L’appuntamento con %s è annullato:",
	ManageLine:       "Ti serve un altro orario? Sposta o annulla qui: %s",
	ReminderSubject:  "Promemoria: il tuo appuntamento con %s",
	ReminderBody:     "Il tuo appuntamento con %s si avvicina:",
	EventSummary:     "Appuntamento: %s e %s",
	EventDescription: "Partecipa alla conversazione: %s",
	Minutes:          "%d minuti",
	Date:             "{weekday} {day} {month} {year}",
	Weekdays:         [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
	Months: [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
		"agosto", "settembre", "ottobre", "novembre", "dicembre"},
	TimeLayout: "15:04",
}

var spanish = texts{
	Guest:            "Invitado",
	OpenConversation: "Abrir la conversación",
	ReplySubject:     "%s ha respondido a tu mensaje",
	BookedSubject:    "Tu cita con %s está confirmada",
	BookedBody:       "Tu cita con %s está reservada.",
	ChangedSubject:   "Tu cita con %s ha cambiado",
	ChangedBody:      "%s ha cambiado tu cita. La nueva hora es:",
	CancelledSubject: "Tu cita con %s está cancelada",
	CancelledBody:    "La cita con %s está cancelada:",
	ManageLine:       "¿Necesitas otra hora? Cambia o cancela aquí: %s",
	ReminderSubject:  "Recordatorio: tu cita con %s",
	ReminderBody:     "Tu cita con %s se acerca:",
	EventSummary:     "Cita: %s y %s",
	EventDescription: "Únete a la conversación: %s",
	Minutes:          "%d minutos",
	Date:             "{weekday}, {day} de {month} de {year}",
	Weekdays:         [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
	Months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
		"agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	TimeLayout: "15:04",
}

var catalogs = map[string]texts{"en": english, "de": german, "fr": french, "it": italian, "es": spanish}

// catalog returns the texts for a language: a bare tag ("de") as the API
// stores it, or a full one ("de-CH", "de_de") as older rows may hold;
// English when unknown.
func catalog(lang string) texts {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if t, ok := catalogs[lang]; ok {
		return t
	}
	return english
}

// date names a day in the language: "Tuesday 1 December 2026",
// "Dienstag, 1. Dezember 2026".
func (t texts) date(d time.Time) string {
	return strings.NewReplacer(
		"{weekday}", t.Weekdays[d.Weekday()], "{day}", fmt.Sprint(d.Day()),
		"{month}", t.Months[d.Month()-1], "{year}", fmt.Sprint(d.Year()),
	).Replace(t.Date)
}

// when renders a meeting's time in a zone: "Tuesday 1 December 2026,
// 10:00–10:30 (Europe/Berlin), 30 minutes".
func (t texts) when(start time.Time, minutes int, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	s := start.In(loc)
	e := s.Add(time.Duration(minutes) * time.Minute)
	return fmt.Sprintf("%s, %s–%s (%s), "+t.Minutes, t.date(s), s.Format(t.TimeLayout), e.Format(t.TimeLayout), loc, minutes)
}
