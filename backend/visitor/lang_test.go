package visitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/frontdesk/frontdesk/widget/i18n"
)

// TestCatalogsComplete: each language's catalog says every sentence that
// the structs name (no English stand-ins), knows no other key, and keeps
// English's fmt verbs in the same order.
func TestCatalogsComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[sd]`)
	raw := map[string]catalog{}
	for _, lang := range i18n.Languages {
		b, err := files.ReadFile("files/lang/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var c catalog
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		raw[lang] = c
	}
	var walk func(lang, path string, v, en reflect.Value)
	walk = func(lang, path string, v, en reflect.Value) {
		for i := range v.NumField() {
			name := path + "." + v.Type().Field(i).Name
			switch f := v.Field(i); f.Kind() {
			case reflect.Struct:
				walk(lang, name, f, en.Field(i))
			case reflect.String:
				if v.Type().Field(i).Tag.Get("json") == "-" {
					continue // set in code, not in the files
				}
				if f.String() == "" {
					t.Errorf("%s: %s is missing", lang, name)
				}
				if got, want := verbs.FindAllString(f.String(), -1), verbs.FindAllString(en.Field(i).String(), -1); !slices.Equal(got, want) {
					t.Errorf("%s: %s has verbs %v, English %v", lang, name, got, want)
				}
			}
		}
	}
	en := reflect.ValueOf(raw[i18n.Fallback])
	for lang, c := range raw {
		walk(lang, "", reflect.ValueOf(c), en)
	}
	// And the languages differ: a catalog copied from English is no
	// translation.
	for _, lang := range i18n.Languages[1:] {
		if raw[lang].Page.Schedule == raw[i18n.Fallback].Page.Schedule || raw[lang].Widget.StartChat == raw[i18n.Fallback].Widget.StartChat {
			t.Errorf("%s reads like English", lang)
		}
	}
}

func TestLoadCatalogsFillsGapsWithEnglish(t *testing.T) {
	cs, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(i18n.Languages) {
		t.Fatalf("%d catalogs, want %d", len(cs), len(i18n.Languages))
	}
	c := *cs["de"]
	c.Page.Footer = ""
	fillEmpty(reflect.ValueOf(&c).Elem(), reflect.ValueOf(cs["en"]).Elem())
	if c.Page.Footer != cs["en"].Page.Footer || c.Page.Schedule != "Termin vereinbaren" {
		t.Errorf("filled: footer %q, schedule %q", c.Page.Footer, c.Page.Schedule)
	}
}

// TestWidgetSentencesFillLikeFmt: the WebAssembly fills its sentences with
// i18n.Fill, not fmt; in every catalog it must write what fmt.Sprintf
// would.
func TestWidgetSentencesFillLikeFmt(t *testing.T) {
	cs, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%[sd]`)
	for lang, c := range cs {
		for _, f := range c.Widget.Fields() {
			var fmtArgs []any
			var args []string
			for i, v := range verbs.FindAllString(*f.Text, -1) {
				if v == "%d" {
					fmtArgs = append(fmtArgs, 40+i)
					args = append(args, strconv.Itoa(40+i))
				} else {
					fmtArgs = append(fmtArgs, "arg"+strconv.Itoa(i))
					args = append(args, "arg"+strconv.Itoa(i))
				}
			}
			if got, want := i18n.Fill(*f.Text, args...), fmt.Sprintf(*f.Text, fmtArgs...); got != want {
				t.Errorf("%s %s: Fill writes %q, fmt %q", lang, f.Key, got, want)
			}
		}
	}
}
