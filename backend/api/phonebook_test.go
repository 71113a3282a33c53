package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/emersion/go-vcard"

	"github.com/frontdesk/frontdesk/model"
)

func TestPhonebook(t *testing.T) {
	e := newEnv(t)
	c := e.login("agent@acme.test")
	var gina model.Contact
	if st := c.do("POST", "/api/v1/phonebook", model.ContactInput{Name: "Gina <script>alert(1)</script>", Email: "Gina@Example.com", Phone: "+49 30 1234-567", Company: "Gina GmbH"}, &gina); st != 201 {
		t.Fatalf("add: %d", st)
	}
	if gina.Email != "gina@example.com" || gina.Name != "Gina <script>alert(1)</script>" {
		t.Fatalf("stored %+v", gina)
	}
	// The same person again, by email or by the phone written differently.
	for _, in := range []model.ContactInput{
		{Name: "G.", Email: "gina@example.COM"},
		{Name: "G.", Phone: "+49301234567"},
	} {
		var dup struct {
			Error    model.Error   `json:"error"`
			Existing model.Contact `json:"existing"`
		}
		if st := c.do("POST", "/api/v1/phonebook", in, &dup); st != 409 || dup.Error.Code != model.CodeContactExists || dup.Existing.ID != gina.ID {
			t.Fatalf("duplicate %+v: %d %+v", in, st, dup)
		}
	}
	// Updating the known contact instead.
	var upd model.Contact
	if st := c.do("PATCH", "/api/v1/phonebook/"+itoa(gina.ID), model.ContactInput{Name: "Gina Guest", Email: "gina@example.com", Phone: "+49 30 1234567", Company: "Gina GmbH"}, &upd); st != 200 || upd.Name != "Gina Guest" {
		t.Fatalf("update: %d %+v", st, upd)
	}
	c.do("POST", "/api/v1/phonebook", model.ContactInput{Name: "Hans", Phone: "030 999 888"}, nil)

	bad := []model.ContactInput{
		{Name: "", Email: "x@example.com"},
		{Name: "No way to reach"},
		{Name: "Bad", Email: "nope"},
		{Name: strings.Repeat("n", 201), Email: "y@example.com"},
		{Name: "Letters", Phone: "call me"},
	}
	for _, in := range bad {
		c.wantError("POST", "/api/v1/phonebook", in, 422, model.CodeValidation)
	}

	for q, want := range map[string]int{"": 2, "gina": 1, "GMBH": 1, "999": 1, "+4930": 1, "nobody": 0, "%": 0} {
		var list []model.Contact
		c.do("GET", "/api/v1/phonebook?q="+url.QueryEscape(q), nil, &list)
		if len(list) != want {
			t.Errorf("search %q: %d results, want %d", q, len(list), want)
		}
	}
	// Another organization sees none of it.
	var theirs []model.Contact
	e.login("alien@other.test").do("GET", "/api/v1/phonebook", nil, &theirs)
	if len(theirs) != 0 {
		t.Fatalf("other organization sees %d contacts", len(theirs))
	}
	e.login("alien@other.test").wantError("PATCH", "/api/v1/phonebook/"+itoa(gina.ID), model.ContactInput{Name: "Mine", Email: "m@example.com"}, 404, model.CodeNotFound)

	// vCard export, parsed back with the same library.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/phonebook.vcf", nil)
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/vcard") {
		t.Fatalf("content type %q", ct)
	}
	dec := vcard.NewDecoder(res.Body)
	var cards []vcard.Card
	for {
		card, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, card)
	}
	if len(cards) != 2 || cards[0].PreferredValue(vcard.FieldFormattedName) != "Gina Guest" || cards[0].PreferredValue(vcard.FieldEmail) != "gina@example.com" || cards[0].Value(vcard.FieldVersion) != "4.0" {
		t.Fatalf("cards %+v", cards)
	}
}
