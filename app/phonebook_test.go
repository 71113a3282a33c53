package app

import (
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func TestMergeContact(t *testing.T) {
	old := model.Contact{ID: 4, Name: "Lena Vogel", Email: "lena@example.com", Phone: "+49 30 1234567", Company: "Vogel"}
	tests := []struct {
		name string
		in   model.ContactInput
		want model.ContactInput
	}{
		{"empty fields keep the contact's", model.ContactInput{Name: "Lena Vogel", Email: "LENA@example.com", Company: "Vogel & Co"},
			model.ContactInput{Name: "Lena Vogel", Email: "LENA@example.com", Phone: "+49 30 1234567", Company: "Vogel & Co"}},
		{"blank is empty", model.ContactInput{Name: "  ", Phone: "+49 30 7654321"},
			model.ContactInput{Name: "Lena Vogel", Email: "lena@example.com", Phone: "+49 30 7654321", Company: "Vogel"}},
		{"all new", model.ContactInput{Name: "L. Vogel", Email: "l@example.com", Phone: "1234", Company: "V"},
			model.ContactInput{Name: "L. Vogel", Email: "l@example.com", Phone: "1234", Company: "V"}},
	}
	for _, tt := range tests {
		if got := mergeContact(old, tt.in); got != tt.want {
			t.Errorf("%s: mergeContact = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
