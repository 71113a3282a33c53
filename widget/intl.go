//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/calendar"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
)

// Dates and times are formatted by the browser's Intl: it knows every
// locale and, unlike Go's runtime in the browser, every zone's rules.

var intl = dom.Window.Get("Intl")

// dateFormat makes an Intl.DateTimeFormat.
func dateFormat(locale string, opts map[string]any) js.Value {
	return intl.Get("DateTimeFormat").New(locale, opts)
}

// jsDate parses an RFC 3339 time or a civil date (as midnight UTC).
func jsDate(s string) js.Value { return dom.Window.Get("Date").New(s) }

// pageLocale is the language the page is written in, refined by the
// browser's region when they agree (en-GB for an English page read in
// Britain: day before month, a 24-hour clock).
func pageLocale() string {
	lang := dom.Document.Get("documentElement").Get("lang").String()
	nav := dom.Window.Get("navigator").Get("language").String()
	if n, l := i18n.Lower(nav), i18n.Lower(lang); n == l || strings.HasPrefix(n, l+"-") {
		return nav
	}
	return lang
}

// detectedZone is the visitor's IANA time zone, or "" when the browser
// does not say.
func detectedZone() (zone string) {
	defer func() {
		if recover() != nil {
			zone = ""
		}
	}()
	z := intl.Get("DateTimeFormat").New().Call("resolvedOptions").Get("timeZone")
	if z.Type() != js.TypeString {
		return ""
	}
	return z.String()
}

// weekStart is the first day of the week where the visitor lives
// (Intl.Locale's week info), Monday when the browser does not say.
func weekStart() (day calendar.Weekday) {
	day = calendar.Monday
	defer func() { recover() }() //nolint:errcheck // older browsers: keep Monday
	loc := intl.Get("Locale").New(dom.Window.Get("navigator").Get("language"))
	info := loc.Get("weekInfo")
	if fn := loc.Get("getWeekInfo"); fn.Type() == js.TypeFunction {
		info = loc.Call("getWeekInfo")
	}
	if info.Type() == js.TypeObject && info.Get("firstDay").Type() == js.TypeNumber {
		day = calendar.Weekday(info.Get("firstDay").Int() % 7) // 1 Monday … 7 Sunday
	}
	return day
}

// todayIn is today's civil date in zone.
func todayIn(zone string) string {
	parts := dateFormat("en-US", map[string]any{"timeZone": zone, "year": "numeric", "month": "2-digit", "day": "2-digit"}).
		Call("formatToParts", dom.Window.Get("Date").New())
	var y, m, d string
	for i := range parts.Length() {
		p := parts.Index(i)
		switch p.Get("type").String() {
		case "year":
			y = p.Get("value").String()
		case "month":
			m = p.Get("value").String()
		case "day":
			d = p.Get("value").String()
		}
	}
	return y + "-" + m + "-" + d
}

// zoneLabel names a zone for the switcher: its id, readable, and its
// offset now ("America/New York (GMT-5)").
func zoneLabel(locale, zone string) (label string) {
	label = zoneName(zone)
	defer func() { recover() }() //nolint:errcheck // an unknown zone: the id alone
	parts := dateFormat(locale, map[string]any{"timeZone": zone, "timeZoneName": "shortOffset"}).
		Call("formatToParts", dom.Window.Get("Date").New())
	for i := range parts.Length() {
		if p := parts.Index(i); p.Get("type").String() == "timeZoneName" {
			return label + " (" + p.Get("value").String() + ")"
		}
	}
	return label
}

// zoneName is a zone's id as people read it: "America/New York".
func zoneName(zone string) string {
	b := []byte(zone)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

// validZone reports whether the browser knows zone.
func validZone(zone string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	dateFormat("en-US", map[string]any{"timeZone": zone})
	return zone != ""
}

// formats formats the booking page's dates and times in one locale and
// zone.
type formats struct {
	zone                      string
	clock, dayLong, dayShort  js.Value // in zone
	civilLong, month          js.Value // civil dates (UTC midnight)
	weekdayShort, weekdayLong js.Value
}

func newFormats(locale, zone string) *formats {
	f := func(opts map[string]any) js.Value { return dateFormat(locale, opts) }
	utc := func(opts map[string]any) js.Value { opts["timeZone"] = "UTC"; return f(opts) }
	return &formats{
		zone:         zone,
		clock:        f(map[string]any{"timeZone": zone, "hour": "numeric", "minute": "2-digit"}),
		dayLong:      f(map[string]any{"timeZone": zone, "weekday": "long", "year": "numeric", "month": "long", "day": "numeric"}),
		civilLong:    utc(map[string]any{"weekday": "long", "year": "numeric", "month": "long", "day": "numeric"}),
		month:        utc(map[string]any{"year": "numeric", "month": "long"}),
		weekdayShort: utc(map[string]any{"weekday": "short"}),
		weekdayLong:  utc(map[string]any{"weekday": "long"}),
	}
}

// time is the clock time of an RFC 3339 instant.
func (f *formats) time(rfc string) string { return f.clock.Call("format", jsDate(rfc)).String() }

// when is a meeting's date and time span with its zone.
func (f *formats) when(rfc string, minutes int) string {
	start := jsDate(rfc)
	end := dom.Window.Get("Date").New(start.Call("getTime").Float() + float64(minutes)*60000)
	return i18n.Fill(text.When, f.dayLong.Call("format", start).String(),
		f.clock.Call("formatRange", start, end).String(), zoneName(f.zone))
}

// day names a civil date in full ("Tuesday, 1 December 2026").
func (f *formats) day(date string) string { return f.civilLong.Call("format", jsDate(date)).String() }

// monthName titles a page of the date picker ("December 2026").
func (f *formats) monthName(m calendar.Month) string {
	return f.month.Call("format", jsDate(m.First())).String()
}

// weekday names the day of the week of a civil date, short and long.
func (f *formats) weekday(date string) (short, long string) {
	d := jsDate(date)
	return f.weekdayShort.Call("format", d).String(), f.weekdayLong.Call("format", d).String()
}
