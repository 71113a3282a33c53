package booking

import (
	"regexp"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

var phonePattern = regexp.MustCompile(`^\+?[0-9 ()./-]{3,30}$`)

// validateBooking checks a request's fields and normalises them; the times
// are checked against availability afterwards.
func validateBooking(req *model.BookingRequest) (time.Time, *time.Location, error) {
	var f model.Fields
	start, err := time.Parse(time.RFC3339, req.Start)
	if err != nil {
		f.Add("start", "must be a time like 2026-12-01T10:00:00+01:00")
	}
	if req.Duration <= 0 || req.Duration > 24*60 {
		f.Add("duration", "must be a number of minutes")
	}
	validate.TimeZone(&f, "time_zone", req.TimeZone)
	loc, tzErr := time.LoadLocation(req.TimeZone)
	if tzErr != nil {
		loc = time.UTC
	}
	req.Name = strings.TrimSpace(req.Name)
	req.Email = strings.ToLower(strings.TrimSpace(req.Email))
	req.Phone = strings.TrimSpace(req.Phone)
	validate.Text(&f, "name", req.Name, 1, 200)
	if req.Email == "" {
		f.Add("email", "is required")
	} else {
		validate.Email(&f, "email", req.Email)
	}
	if req.Phone != "" && !phonePattern.MatchString(req.Phone) {
		f.Add("phone", "must be a phone number like +49 30 1234567")
	}
	validate.Text(&f, "notes", req.Notes, 0, 2000)
	// Only the primary tag ("de" of "de-CH") chooses the emails' language.
	req.Language = strings.ToLower(strings.TrimSpace(req.Language))
	if i := strings.IndexAny(req.Language, "-_"); i >= 0 {
		req.Language = req.Language[:i]
	}
	if req.Language == "" {
		req.Language = "en"
	}
	if len(req.Language) > 16 {
		f.Add("language", "is too long")
	}
	return start, loc, f.Err()
}
