package notify

import (
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestCatalogsComplete: every language says everything English says, with
// the same fmt verbs in the same order.
func TestCatalogsComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[sd]`)
	en := reflect.ValueOf(english)
	for lang, c := range catalogs {
		v := reflect.ValueOf(c)
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			switch f := v.Field(i); f.Kind() {
			case reflect.String:
				if f.String() == "" {
					t.Errorf("%s: %s is empty", lang, name)
				}
				if got, want := verbs.FindAllString(f.String(), -1), verbs.FindAllString(en.Field(i).String(), -1); !slices.Equal(got, want) {
					t.Errorf("%s: %s has verbs %v, English %v", lang, name, got, want)
				}
			case reflect.Array:
				for j := range f.Len() {
					if f.Index(j).String() == "" {
						t.Errorf("%s: %s[%d] is empty", lang, name, j)
					}
				}
			}
		}
	}
}

func TestWhenInEachLanguage(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // a Tuesday
	tests := []struct{ lang, want string }{
		{"en", "Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin), 30 minutes"},
		{"de", "Dienstag, 1. Dezember 2026, 10:00–10:30 (Europe/Berlin), 30 Minuten"},
		{"de-CH", "Dienstag, 1. Dezember 2026, 10:00–10:30 (Europe/Berlin), 30 Minuten"},
		{"fr", "mardi 1 décembre 2026, 10:00–10:30 (Europe/Berlin), 30 minutes"},
		{"it", "martedì 1 dicembre 2026, 10:00–10:30 (Europe/Berlin), 30 minuti"},
		{"es_ES", "martes, 1 de diciembre de 2026, 10:00–10:30 (Europe/Berlin), 30 minutos"},
		{"pt", "Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin), 30 minutes"},
		{"", "Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin), 30 minutes"},
	}
	for _, tt := range tests {
		if got := catalog(tt.lang).when(start, 30, "Europe/Berlin"); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.lang, got, tt.want)
		}
	}
}
