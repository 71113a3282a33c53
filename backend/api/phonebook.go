package api

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/emersion/go-vcard"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/validate"
	"github.com/frontdesk/frontdesk/model"
)

func validateContact(in *model.ContactInput) error {
	var f model.Fields
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Company = strings.TrimSpace(in.Company)
	validate.Text(&f, "name", in.Name, 1, 200)
	if in.Email != "" {
		validate.Email(&f, "email", in.Email)
	}
	if in.Phone != "" {
		validate.Text(&f, "phone", in.Phone, 3, 50)
		if postgres.PhoneKey(in.Phone) == "" {
			f.Add("phone", "must contain a phone number")
		}
	}
	validate.Text(&f, "company", in.Company, 0, 200)
	if in.Email == "" && in.Phone == "" {
		f.Add("email", "give an email or a phone number")
	}
	return f.Err()
}

// contactExists answers 409 with the contact already in the phonebook, so
// the app can offer to update it.
type contactExists struct {
	Error    *model.Error  `json:"error"`
	Existing model.Contact `json:"existing"`
}

func (s *Server) writeContactError(w http.ResponseWriter, r *http.Request, err error) {
	var dup *postgres.ContactExistsError
	if errors.As(err, &dup) {
		writeJSON(w, dup.Err.Status, contactExists{Error: dup.Err, Existing: dup.Existing})
		return
	}
	s.writeError(w, r, err)
}

func (s *Server) addContact(w http.ResponseWriter, r *http.Request) error {
	var in model.ContactInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validateContact(&in); err != nil {
		return err
	}
	c, err := s.db.AddContact(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, in)
	if err != nil {
		s.writeContactError(w, r, err)
		return nil
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in model.ContactInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := validateContact(&in); err != nil {
		return err
	}
	c, err := s.db.UpdateContact(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, id, in)
	if err != nil {
		s.writeContactError(w, r, err)
		return nil
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		return (model.Fields{"q": "is too long"}).Err()
	}
	list, err := s.db.Contacts(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, q, 500)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// exportContacts writes the whole phonebook (or a search) as vCard 4.0.
func (s *Server) exportContacts(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.Contacts(r.Context(), sessionFrom(r.Context()).Agent.OrganizationID, r.URL.Query().Get("q"), 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := vcard.NewEncoder(&buf)
	for _, c := range list {
		card := vcard.Card{}
		card.SetValue(vcard.FieldFormattedName, c.Name)
		card.SetName(&vcard.Name{FamilyName: c.Name})
		if c.Email != "" {
			card.SetValue(vcard.FieldEmail, c.Email)
		}
		if c.Phone != "" {
			card.SetValue(vcard.FieldTelephone, c.Phone)
		}
		if c.Company != "" {
			card.SetValue(vcard.FieldOrganization, c.Company)
		}
		vcard.ToV4(card)
		if err := enc.Encode(card); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="phonebook.vcf"`)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
	return nil
}
