package app

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"Anna Schmidt":          "anna-schmidt",
		"Zoë O'Neill":           "zoe-oneill",
		"  Jean-Luc   Picard  ": "jean-luc-picard",
		"Łukasz Żółć":           "lukasz-zolc",
		"Straße 42":             "strasse-42",
		"李雷":                    "",
		strings.Repeat("a", 70): strings.Repeat("a", 64),
		"a--b":                  "a-b",
	}
	for name, want := range tests {
		if got := slugify(name); got != want {
			t.Errorf("slugify(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSettingsSection(t *testing.T) {
	tests := map[string]string{
		"/settings":              "",
		"/settings/":             "",
		"/settings/services":     "services",
		"/settings/crm":          "crm",
		"/settings/integrations": "integrations",
		"/settings/organization": "organization",
		"/settings/profile":      "profile",
		"/settings/security":     "security",
		"/settings/nope":         "",
	}
	for path, want := range tests {
		if got := settingsSection(path); got != want {
			t.Errorf("settingsSection(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestAssignable(t *testing.T) {
	agents := map[int64]model.Agent{
		1: {ID: 1, Active: true, License: model.LicenseStandard},
		2: {ID: 2, Active: true, License: model.LicenseBasic},
		3: {ID: 3, Active: false, License: model.LicenseStandard},
	}
	tests := []struct {
		members []int64
		want    bool
	}{
		{nil, false},
		{[]int64{2}, false},
		{[]int64{3}, false},
		{[]int64{2, 3, 99}, false},
		{[]int64{2, 1}, true},
	}
	for _, tt := range tests {
		if got := assignable(tt.members, agents); got != tt.want {
			t.Errorf("assignable(%v) = %v, want %v", tt.members, got, tt.want)
		}
	}
}

func TestOriginLines(t *testing.T) {
	got := originLines("https://a.example\n\n  https://b.example  \r\n")
	if want := []string{"https://a.example", "https://b.example"}; !reflect.DeepEqual(got, want) {
		t.Errorf("originLines = %q, want %q", got, want)
	}
	if got := originLines(" \n"); got == nil || len(got) != 0 {
		t.Errorf("originLines of nothing = %#v, want an empty list (which clears the origins)", got)
	}
}

func TestExportHref(t *testing.T) {
	if got := exportHref("  "); got != "/api/v1/phonebook.vcf" {
		t.Errorf("exportHref of no search = %q", got)
	}
	if got := exportHref(" Vogel & Co "); got != "/api/v1/phonebook.vcf?q=Vogel+%26+Co" {
		t.Errorf("exportHref of a search = %q", got)
	}
}

func TestMeetingDays(t *testing.T) {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	list := []model.Meeting{
		{ID: 1, Start: at("2026-03-28T08:00:00Z"), Duration: 30}, // Sat 09:00 in Berlin
		{ID: 2, Start: at("2026-03-29T00:30:00Z"), Duration: 60}, // Sun 01:30 CET; clocks go forward at 02:00
		{ID: 3, Start: at("2026-03-29T08:00:00Z"), Duration: 30}, // Sun 10:00 (CEST)
		{ID: 4, Start: at("2026-04-02T08:00:00Z"), Duration: 45}, // Thu
		{ID: 5, Start: at("2027-01-04T08:00:00Z"), Duration: 15}, // next year
	}
	now := at("2026-03-28T07:00:00Z")
	days := meetingDays(list, "Europe/Berlin", now)
	var labels []string
	for _, d := range days {
		labels = append(labels, d.Label)
	}
	want := []string{"Today · Sat 28 Mar", "Tomorrow · Sun 29 Mar", "Thu 2 Apr", "Mon 4 Jan 2027"}
	if !reflect.DeepEqual(labels, want) {
		t.Fatalf("days = %q, want %q", labels, want)
	}
	sun := days[1].Meetings
	if len(sun) != 2 || sun[0].Start.Format("15:04") != "01:30" || sun[0].End.Format("15:04") != "03:30" || sun[1].Start.Format("15:04") != "10:00" {
		t.Errorf("Sunday = %v–%v, %v", sun[0].Start, sun[0].End, sun[1].Start)
	}
}

func TestMinutesLabel(t *testing.T) {
	for m, want := range map[int]string{15: "15 min", 60: "1 h", 90: "1 h 30 min", 120: "2 h"} {
		if got := minutesLabel(m); got != want {
			t.Errorf("minutesLabel(%d) = %q, want %q", m, got, want)
		}
	}
}
