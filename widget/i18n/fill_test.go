package i18n

import (
	"reflect"
	"testing"
)

func TestFill(t *testing.T) {
	tests := []struct {
		format string
		args   []string
		want   string
	}{
		{"No verbs", nil, "No verbs"},
		{"%s is typing", []string{"Anna"}, "Anna is typing"},
		{"%s, %s (%s)", []string{"Tuesday", "10:00–10:30", "Europe/Rome"}, "Tuesday, 10:00–10:30 (Europe/Rome)"},
		{"%d free times", []string{"12"}, "12 free times"},
		{"100%% sure, %s", []string{"Ben"}, "100% sure, Ben"},
		{"%s and %s", []string{"one"}, "one and %s"}, // missing argument: the verb stays
		{"ends with %", nil, "ends with %"},
		{"%x stays", []string{"a"}, "%x stays"},
		{"%s: %s", []string{"Anna", "50% off"}, "Anna: 50% off"}, // arguments are not formats
	}
	for _, tt := range tests {
		if got := Fill(tt.format, tt.args...); got != tt.want {
			t.Errorf("Fill(%q, %q) = %q, want %q", tt.format, tt.args, got, tt.want)
		}
	}
}

// TestFieldsListsEveryField: Fields names every sentence of Widget once,
// by its own name, pointing at it.
func TestFieldsListsEveryField(t *testing.T) {
	var w Widget
	fields := w.Fields()
	v := reflect.ValueOf(&w).Elem()
	if len(fields) != v.NumField() {
		t.Errorf("Fields lists %d sentences, Widget has %d", len(fields), v.NumField())
	}
	seen := map[string]bool{}
	for _, f := range fields {
		sf, ok := v.Type().FieldByName(f.Key)
		if !ok || seen[f.Key] {
			t.Errorf("Fields: %q is not a field of Widget, or is listed twice", f.Key)
			continue
		}
		seen[f.Key] = true
		if v.FieldByIndex(sf.Index).Addr().Interface() != f.Text {
			t.Errorf("Fields: %s points at another field", f.Key)
		}
	}
}
