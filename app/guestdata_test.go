package app

import (
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func TestErasedGuestIsNamedSo(t *testing.T) {
	c := model.Conversation{Guest: model.Guest{Name: "", Erased: true}}
	if got := guestName(c); got != "Guest erased" {
		t.Errorf("guestName = %q", got)
	}
	c.Guest = model.Guest{Name: "Lea"}
	if got := guestName(c); got != "Lea" {
		t.Errorf("guestName = %q", got)
	}
}

func TestErasureSummary(t *testing.T) {
	for _, tt := range []struct {
		r    model.ErasureReport
		want string
	}{
		{model.ErasureReport{Guests: 1}, "Guest erased."},
		{model.ErasureReport{Guests: 2, MeetingsCancelled: 1, PhonebookEntries: 1},
			"Guest erased. 1 meeting cancelled; the guest and the agent were told. Removed from the phonebook."},
		{model.ErasureReport{MeetingsCancelled: 3}, "Guest erased. 3 meetings cancelled; the guest and the agent were told."},
	} {
		if got := erasureSummary(tt.r); got != tt.want {
			t.Errorf("erasureSummary(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestParseRetention(t *testing.T) {
	if r, ok := parseRetention(" "); !ok || r.DeleteResolvedAfterDays != nil {
		t.Errorf("empty: %+v %v", r, ok)
	}
	if r, ok := parseRetention("90"); !ok || *r.DeleteResolvedAfterDays != 90 || retentionText(r) != "90" {
		t.Errorf("90: %+v %v", r, ok)
	}
	if _, ok := parseRetention("ninety"); ok {
		t.Error("a word was taken for a number")
	}
}
