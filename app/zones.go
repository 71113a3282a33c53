package app

import (
	"strconv"
	"sync"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Times in named zones. Go's runtime in the browser knows no zone but the
// browser's offset (time/tzdata would add 450 KB to the wasm), while the
// browser's Intl knows them all: in the browser, Intl finds the wall clock
// of an instant in a zone, and Go formats it. Elsewhere (pre-rendering,
// tests) the host's zone database does.

// wallClock returns the wall clock of t in zone, as a time whose fields
// (date, hour, minute) are those shown on a clock there; its location
// means nothing. ok is false for a zone nobody knows.
func wallClock(t time.Time, zone string) (wall time.Time, ok bool) {
	if zone == "" {
		return time.Time{}, false
	}
	if goapp.IsClient {
		return intlWallClock(t, zone)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, false
	}
	return t.In(loc), true
}

var (
	intlMu      sync.Mutex
	intlFormats = map[string]goapp.Value{}
)

// intlWallClock asks the browser's Intl for the wall clock of t in zone.
func intlWallClock(t time.Time, zone string) (wall time.Time, ok bool) {
	defer func() {
		// Intl throws a RangeError for a zone it does not know; the
		// js package turns it into a panic.
		if recover() != nil {
			wall, ok = time.Time{}, false
		}
	}()
	intlMu.Lock()
	f, cached := intlFormats[zone]
	if !cached {
		f = goapp.Window().Get("Intl").Get("DateTimeFormat").New("en-US", map[string]any{
			"timeZone": zone, "hourCycle": "h23",
			"year": "numeric", "month": "numeric", "day": "numeric",
			"hour": "numeric", "minute": "numeric", "second": "numeric",
		})
		intlFormats[zone] = f
	}
	intlMu.Unlock()

	parts := f.Call("formatToParts", goapp.Window().Get("Date").New(float64(t.UnixMilli())))
	fields := map[string]int{}
	for i := range parts.Length() {
		p := parts.Index(i)
		if n, err := strconv.Atoi(p.Get("value").String()); err == nil {
			fields[p.Get("type").String()] = n
		}
	}
	if fields["year"] == 0 || fields["month"] == 0 || fields["day"] == 0 {
		return time.Time{}, false
	}
	return time.Date(fields["year"], time.Month(fields["month"]), fields["day"],
		fields["hour"]%24, fields["minute"], fields["second"], 0, time.UTC), true
}

// localInput converts the value of an <input type="datetime-local">
// ("2025-06-03T14:30") to an instant in the browser's time zone, which the
// browser's Date knows with its daylight saving rules.
func localInput(v string) (time.Time, bool) {
	if _, err := time.Parse("2006-01-02T15:04", v); err != nil {
		return time.Time{}, false
	}
	if !goapp.IsClient {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, time.Local)
		return t, err == nil
	}
	ms := goapp.Window().Get("Date").New(v).Call("getTime")
	if ms.IsNaN() {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(ms.Float())), true
}
