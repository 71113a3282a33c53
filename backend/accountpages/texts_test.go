package accountpages

import (
	"reflect"
	"testing"

	"github.com/frontdesk/frontdesk/widget/i18n"
)

// TestCatalogsComplete: every sentence of the pages exists in every
// language the visitor side speaks.
func TestCatalogsComplete(t *testing.T) {
	for _, lang := range i18n.Languages {
		c, ok := catalogs[lang]
		if !ok {
			t.Errorf("no texts in %s", lang)
			continue
		}
		v := reflect.ValueOf(c)
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s lacks %s", lang, v.Type().Field(i).Name)
			}
		}
	}
}
