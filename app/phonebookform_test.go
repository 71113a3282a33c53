package app

import (
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func TestPhonebookFormFollowsTheGuest(t *testing.T) {
	maria := model.Guest{Name: " Maria Rossi ", Email: "maria@example.com", Company: "Acme"}
	c := &phonebookForm{ConversationID: 1, Guest: maria}
	c.sync()
	want := model.ContactInput{Name: "Maria Rossi", Email: "maria@example.com", Company: "Acme"}
	if c.in != want {
		t.Fatalf("prefilled %+v, want %+v", c.in, want)
	}

	// The guest gives a phone number: the untouched form takes it.
	maria.Phone = "+39 06 1234"
	c.Guest = maria
	c.sync()
	if c.in.Phone != "+39 06 1234" {
		t.Errorf("phone = %q after the guest gave it", c.in.Phone)
	}

	// The agent's edits are kept over later changes of the guest.
	c.in.Name, c.dirty = "Maria R.", true
	maria.Company = "Acme Italia"
	c.Guest = maria
	c.sync()
	if c.in.Name != "Maria R." || c.in.Company != "Acme" {
		t.Errorf("edited form became %+v", c.in)
	}

	// Another conversation starts again from its guest.
	c.status, c.existing = "Already in the phonebook as Maria", &model.Contact{ID: 9}
	c.ConversationID, c.Guest = 2, model.Guest{Name: "Tom", Phone: "+49 30 1"}
	c.sync()
	if c.in != (model.ContactInput{Name: "Tom", Phone: "+49 30 1"}) || c.dirty || c.status != "" || c.existing != nil {
		t.Errorf("conversation 2: form %+v, dirty %v, status %q, existing %v", c.in, c.dirty, c.status, c.existing)
	}
}

func TestContactLabel(t *testing.T) {
	tests := []struct {
		c    model.Contact
		want string
	}{
		{model.Contact{Name: "Maria Rossi", Email: "maria@example.com"}, "Maria Rossi (maria@example.com)"},
		{model.Contact{Name: "Maria Rossi", Email: "maria@example.com", Phone: "+39 06 1"}, "Maria Rossi (maria@example.com, +39 06 1)"},
		{model.Contact{Name: "Tom"}, "Tom"},
	}
	for _, tt := range tests {
		if got := existingContactLabel(tt.c); got != tt.want {
			t.Errorf("existingContactLabel(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}
