package accounts

import (
	"reflect"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

// TestCatalogsComplete: every email sentence exists in every language, with
// the same placeholders as the English one.
func TestCatalogsComplete(t *testing.T) {
	en := reflect.ValueOf(catalogs["en"])
	for _, lang := range model.Languages {
		c, ok := catalogs[lang]
		if !ok {
			t.Errorf("no texts in %s", lang)
			continue
		}
		v := reflect.ValueOf(c)
		for i := range v.NumField() {
			s, want := v.Field(i).String(), en.Field(i).String()
			if s == "" {
				t.Errorf("%s lacks %s", lang, v.Type().Field(i).Name)
			}
			for _, verb := range []string{"%s", "%[1]s", "%[2]s"} {
				if strings.Count(s, verb) != strings.Count(want, verb) {
					t.Errorf("%s %s: %q has other placeholders than %q", lang, v.Type().Field(i).Name, s, want)
				}
			}
		}
	}
}
