//go:build !js

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/backend/browsertest"
	"github.com/frontdesk/frontdesk/backend/smtptest"
)

// language is what a visitor reading one language must see: words of the
// pages and the widget, the names Intl gives to months and weekdays, the
// clock, and the guest's confirmation email. The expectations are written
// out here, not read from the catalogs, so a wrong or missing translation
// fails.
type language struct {
	tag        string // the browser's languages, most preferred first
	locale     string
	schedule   string // the booking page's heading
	startChat  string // the widget's pre-chat button
	launcher   string // in the launcher's name
	confirm    string // in the booking confirmation
	subject    string // the confirmation email's, with %s the agent
	monthTitle string // the date grid's title: %s month, %d year
	months     [12]string
	weekdays   [7]string // Sunday first
	clock      *regexp.Regexp
}

var (
	clock24 = regexp.MustCompile(`^\d{1,2}:\d{2}$`)
	clock12 = regexp.MustCompile(`^\d{1,2}:\d{2}[\s\x{202f}](AM|PM)$`)
)

var languages = []language{
	{
		tag: "en-US,en", locale: "en-US", schedule: "Schedule a meeting", startChat: "Start chat", launcher: "Open chat",
		confirm: "calendar invite", subject: "Your meeting with %s is confirmed", monthTitle: "%s %d",
		months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		clock:    clock12,
	},
	{
		tag: "de-DE,de", locale: "de-DE", schedule: "Termin vereinbaren", startChat: "Chat starten", launcher: "öffnen",
		confirm: "Kalendereinladung", subject: "Ihr Termin mit %s ist bestätigt", monthTitle: "%s %d",
		months:   [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		weekdays: [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		clock:    clock24,
	},
	{
		tag: "fr-FR,fr", locale: "fr-FR", schedule: "Prendre rendez-vous", startChat: "Démarrer le chat", launcher: "Ouvrir le chat",
		confirm: "invitation d’agenda", subject: "Votre rendez-vous avec %s est confirmé", monthTitle: "%s %d",
		months:   [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		clock:    clock24,
	},
	{
		tag: "it-IT,it", locale: "it-IT", schedule: "Fissa un appuntamento", startChat: "Avvia la chat", launcher: "Apri la chat",
		confirm: "invito del calendario", subject: "Il tuo appuntamento con %s è confermato", monthTitle: "%s %d",
		months:   [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
		weekdays: [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
		clock:    clock24,
	},
	{
		tag: "es-ES,es", locale: "es-ES", schedule: "Reservar una cita", startChat: "Iniciar el chat", launcher: "Abrir el chat",
		confirm: "invitación de calendario", subject: "Tu cita con %s está confirmada", monthTitle: "%s de %d",
		months:   [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		weekdays: [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		clock:    clock24,
	},
}

// speak makes the tab's browser prefer the languages of tag (its
// Accept-Language and navigator.languages) and format as locale does.
func speak(t *testing.T, ctx context.Context, tag, locale string) {
	t.Helper()
	ua := evalJS[string](t, ctx, `navigator.userAgent`)
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: tag}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale}); err != nil {
		t.Fatal(err)
	}
}

// startServerWithMail is startServer with its mail going to a local SMTP
// server the test reads.
func startServerWithMail(t *testing.T) (*Main, *smtptest.Server) {
	t.Helper()
	smtp := smtptest.Start(t)
	mailEnv := map[string]string{
		"FRONTDESK_SMTP_HOST": smtp.Host(),
		"FRONTDESK_SMTP_PORT": strconv.Itoa(smtp.Port()),
		"FRONTDESK_SMTP_TLS":  "none",
		"FRONTDESK_SMTP_FROM": "frontdesk@example.com",
	}
	m := startServer(t, func(m *Main) { m.Getenv = func(k string) string { return mailEnv[k] } })
	return m, smtp
}

// TestLanguageOfVisitorPages: for each language, a visitor whose browser
// prefers it gets the widget and the booking page in it, with month and
// weekday names and the clock of that language; the booking is stored in
// it and the guest's confirmation email speaks it.
func TestLanguageOfVisitorPages(t *testing.T) {
	t.Parallel()
	m, smtp := startServerWithMail(t)
	for i, lang := range languages {
		t.Run(lang.locale, func(t *testing.T) {
			ctx := browsertest.New(t)
			speak(t, ctx, lang.tag, lang.locale)
			inZone(t, ctx, "Europe/Berlin")

			// The widget on the demo website.
			step(t, ctx,
				chromedp.EmulateViewport(1280, 860),
				chromedp.Navigate(m.URL()+"/demo"),
				chromedp.WaitVisible(chromedp.ID("fd-launcher")),
			)
			if got := evalJS[string](t, ctx, `document.getElementById("fd-launcher").getAttribute("aria-label")`); !strings.Contains(got, lang.launcher) {
				t.Errorf("the launcher is named %q, want it to say %q", got, lang.launcher)
			}
			step(t, ctx,
				chromedp.Click(chromedp.ID("fd-launcher")),
				waitFrame(`d.getElementById("prechat-name")?.offsetParent`),
			)
			if got := inFrame[string](t, ctx, `return d.documentElement.lang + " " + d.getElementById("prechat-submit").textContent;`); got != lang.locale[:2]+" "+lang.startChat {
				t.Errorf("the widget says %q, want %q", got, lang.locale[:2]+" "+lang.startChat)
			}
			step(t, ctx,
				typeInFrame("prechat-name", "Lia"),
				typeInFrame("prechat-email", fmt.Sprintf("lia%d@example.com", i)),
				clickInFrame("prechat-submit"),
				waitFrame(`d.getElementById("composer")?.offsetParent`),
				typeInFrame("composer", "Ciao"),
				clickInFrame("send"),
				waitFrame(`d.querySelector('#messages [data-seq="1"] .fd-meta')?.textContent`),
			)
			if got := inFrame[string](t, ctx, `return d.querySelector('#messages [data-seq="1"] .fd-meta').textContent.trim();`); !lang.clock.MatchString(got) {
				t.Errorf("the message's time %q is not a %s clock", got, lang.locale)
			}
			subShot(t, ctx, "widget")

			// The booking page.
			step(t, ctx,
				chromedp.Navigate(m.URL()+"/l/anna/book"),
				untilJS(`document.querySelector("#days button.bk-day--free") !== null`),
			)
			if got := text(t, ctx, "month-title"); !slices.Contains(monthTitles(lang), got) {
				t.Errorf("month title %q, want one of %q", got, monthTitles(lang))
			}
			heads := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#weekdays th .fd-sr")].map(e => e.textContent)`)
			if got, want := sorted(heads), sorted(lang.weekdays[:]); !slices.Equal(got, want) {
				t.Errorf("weekday headers %q, want %q", heads, lang.weekdays)
			}
			if got := text(t, ctx, "picker-title"); got == "" || evalJS[string](t, ctx, `document.querySelector("h1").textContent`) != lang.schedule {
				t.Errorf("the booking page's heading is %q, want %q", evalJS[string](t, ctx, `document.querySelector("h1").textContent`), lang.schedule)
			}
			step(t, ctx, pickFreeDay(""))
			slot := evalJS[string](t, ctx, `document.querySelector("#slots button[data-start]").textContent`)
			if !lang.clock.MatchString(slot) {
				t.Errorf("slot %q is not a %s clock", slot, lang.locale)
			}
			subShot(t, ctx, "slots")
			start := evalJS[string](t, ctx, `document.querySelector("#slots button[data-start]").dataset.start`)
			email := fmt.Sprintf("guest-%s@example.com", lang.locale)
			step(t, ctx,
				chromedp.Click(chromedp.CSS(`#slots button[data-start="`+start+`"]`)),
				chromedp.WaitVisible(chromedp.ID("book-name")),
				chromedp.SendKeys(chromedp.ID("book-name"), "Lia Guest"),
				chromedp.SendKeys(chromedp.ID("book-email"), email),
				chromedp.Click(chromedp.ID("book-submit")),
				chromedp.WaitVisible(chromedp.ID("confirmation")),
			)
			subShot(t, ctx, "confirmation")
			day, err := time.Parse(time.RFC3339, start)
			if err != nil {
				t.Fatal(err)
			}
			weekday := lang.weekdays[day.Weekday()]
			if got := text(t, ctx, "confirm-when"); !strings.Contains(got, weekday) || !strings.Contains(got, lang.months[day.Month()-1]) {
				t.Errorf("confirmation time %q lacks %s and %s", got, weekday, lang.months[day.Month()-1])
			}
			if got := text(t, ctx, "confirm-email"); !strings.Contains(got, lang.confirm) {
				t.Errorf("confirmation says %q, want %q in it", got, lang.confirm)
			}

			// The confirmation email, in the booking's language.
			mail := waitMailTo(t, smtp, email)
			if want := fmt.Sprintf(lang.subject, "Anna Schmidt"); mail.Subject() != want {
				t.Errorf("email subject %q, want %q", mail.Subject(), want)
			}
			var body string
			for _, p := range mail.Parts {
				if p.MediaType == "text/plain" {
					body = string(p.Body)
				}
			}
			if !strings.Contains(body, weekday) {
				t.Errorf("the email's date is not in %s:\n%s", lang.locale, body)
			}
		})
	}
}

// monthTitles are the titles the date grid may show now: this month's or
// a later one's (the first with free times).
func monthTitles(lang language) []string {
	var out []string
	now := time.Now()
	for n := range 3 {
		m := time.Date(now.Year(), now.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, fmt.Sprintf(lang.monthTitle, lang.months[m.Month()-1], m.Year()))
	}
	return out
}

// subShot is shot for a subtest, whose name has a slash.
func subShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(browsertest.ArtifactsDirEnv)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			err = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name+".png"), png, 0o644)
		}
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// waitMailTo waits for the first email to address.
func waitMailTo(t *testing.T, s *smtptest.Server, address string) smtptest.Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range s.Messages() {
			for _, to := range r.To {
				if strings.EqualFold(strings.Trim(to, "<>"), address) {
					return r
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email to %s in 30 s", address)
	return smtptest.Received{}
}
