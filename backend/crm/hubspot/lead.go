package hubspot

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/internal/crmhttp"
)

// noteToContactType is HubSpot's association type from a note to a contact.
const noteToContactType = 202

// CreateLead files the guest as a HubSpot contact with lifecycle stage
// "lead" and adds a note with the conversation link.
//
// An existing contact with the same email is updated, not duplicated, and
// only in the blanks: the client fills properties HubSpot has no value for
// and leaves curated ones (and a lifecycle stage further along than lead)
// alone. Retrying with the same key creates no second note; see the
// package documentation.
func (c *Client) CreateLead(ctx context.Context, l crm.Lead, idempotencyKey string) (crm.Record, error) {
	if err := l.Validate(); err != nil {
		return crm.Record{}, withProvider(err)
	}
	if err := crm.ValidateKey(idempotencyKey); err != nil {
		return crm.Record{}, withProvider(err)
	}
	l.Email = strings.ToLower(strings.TrimSpace(l.Email))

	id, created, err := c.upsertContact(ctx, l)
	if err != nil {
		return crm.Record{}, err
	}
	if err := c.ensureNote(ctx, id, l, idempotencyKey); err != nil {
		return crm.Record{}, err
	}
	return crm.Record{ID: id, URL: c.recordURL(ctx, "contact", id), Created: created}, nil
}

func withProvider(err error) error {
	if e, ok := crm.AsError(err); ok {
		e.Provider = name
	}
	return err
}

// existingIDPattern finds the id in HubSpot's 409 answer to creating a
// contact whose email is taken: "Contact already exists. Existing ID: 123".
var existingIDPattern = regexp.MustCompile(`Existing ID: ?(\d+)`)

// upsertContact creates the contact or fills the blanks of the existing one
// and returns its id and whether it was created.
func (c *Client) upsertContact(ctx context.Context, l crm.Lead) (id string, created bool, err error) {
	existing, err := c.findContact(ctx, l.Email)
	if err != nil {
		return "", false, err
	}
	if existing == nil {
		// Search lags behind writes, so "not found" may be wrong about a
		// contact made moments ago (by an earlier attempt, say); HubSpot's
		// 409 then names the contact and we update it instead.
		id, conflict, err := c.createContact(ctx, contactProperties(l, nil))
		if err != nil || conflict == "" {
			return id, err == nil, err
		}
		if existing, err = c.getObject(ctx, "contacts", conflict, contactProps); err != nil {
			return "", false, err
		}
		if existing == nil {
			return "", false, crm.Errorf(name, crm.Unavailable, "HubSpot reported the contact as existing but could not find it. Try again in a moment.")
		}
	}
	if patch := contactProperties(l, existing.Properties); len(patch) > 0 {
		in := map[string]any{"properties": patch}
		if err := c.call(ctx, http.MethodPatch, "/crm/v3/objects/contacts/"+existing.ID, nil, in, nil); err != nil {
			return "", false, err
		}
	}
	return existing.ID, false, nil
}

// createContact creates a contact. When the email is taken it returns the
// existing contact's id as conflict instead of an error.
func (c *Client) createContact(ctx context.Context, props map[string]string) (id, conflict string, err error) {
	resp, err := c.send(ctx, http.MethodPost, "/crm/v3/objects/contacts", nil, map[string]any{"properties": props})
	if err != nil {
		return "", "", err
	}
	if resp.Status == http.StatusConflict {
		var b errorBody
		_ = json.Unmarshal(resp.Body, &b)
		if m := existingIDPattern.FindStringSubmatch(b.Message); m != nil && validID(m[1]) {
			return "", m[1], nil
		}
	}
	if resp.Status < 200 || resp.Status > 299 {
		return "", "", c.apiError(resp)
	}
	var o object
	if err := json.Unmarshal(resp.Body, &o); err != nil || !validID(o.ID) {
		return "", "", crmhttp.Unreadable(name, display, err)
	}
	return o.ID, "", nil
}

// contactProperties returns the properties to write for a lead: all of them
// for a new contact (current == nil), else only those the contact lacks.
// A single-word name becomes the first name, which is how people are
// addressed in the HubSpot UI.
func contactProperties(l crm.Lead, current map[string]string) map[string]string {
	first, last := crm.SplitName(l.Name)
	if first == "" {
		first, last = last, ""
	}
	want := map[string]string{
		"email":          l.Email,
		"firstname":      first,
		"lastname":       last,
		"phone":          strings.TrimSpace(l.Phone),
		"company":        strings.TrimSpace(l.Company),
		"lifecyclestage": "lead",
	}
	for k, v := range want {
		if v == "" || (current != nil && strings.TrimSpace(current[k]) != "") {
			delete(want, k)
		}
	}
	return want
}

// ensureNote adds the lead note to the contact unless a note carrying the
// key's marker is already associated with it.
func (c *Client) ensureNote(ctx context.Context, contactID string, l crm.Lead, key string) error {
	marker := crm.KeyMarker(key)
	found, err := c.hasNote(ctx, contactID, marker)
	if err != nil || found {
		return err
	}
	in := map[string]any{
		"properties": map[string]string{
			"hs_note_body": noteBody(l, marker),
			"hs_timestamp": c.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		},
		"associations": []map[string]any{{
			"to": map[string]string{"id": contactID},
			"types": []map[string]any{{
				"associationCategory": "HUBSPOT_DEFINED",
				"associationTypeId":   noteToContactType,
			}},
		}},
	}
	var o object
	return c.call(ctx, http.MethodPost, "/crm/v3/objects/notes", nil, in, &o)
}

// hasNote reports whether a note associated with the contact contains
// marker. It reads the notes in batches of 100, HubSpot's batch limit.
func (c *Client) hasNote(ctx context.Context, contactID, marker string) (bool, error) {
	assocs, err := c.associations(ctx, "contacts", contactID, "notes")
	if err != nil {
		return false, err
	}
	for start := 0; start < len(assocs); start += 100 {
		batch := assocs[start:min(start+100, len(assocs))]
		inputs := make([]map[string]string, 0, len(batch))
		for _, a := range batch {
			if id := a.ToObjectID.String(); validID(id) {
				inputs = append(inputs, map[string]string{"id": id})
			}
		}
		if len(inputs) == 0 {
			continue
		}
		var res struct {
			Results []object `json:"results"`
		}
		in := map[string]any{"properties": []string{"hs_note_body"}, "inputs": inputs}
		if err := c.call(ctx, http.MethodPost, "/crm/v3/objects/notes/batch/read", nil, in, &res); err != nil {
			return false, err
		}
		for _, n := range res.Results {
			if strings.Contains(n.Properties["hs_note_body"], marker) {
				return true, nil
			}
		}
	}
	return false, nil
}

// noteBody is the note's HTML: the link first because that is what the
// sales rep came for, then the agent's note and the guest's details. Every
// value is escaped; the marker is plain text by construction.
func noteBody(l crm.Lead, marker string) string {
	var b strings.Builder
	b.WriteString("<p><strong>Lead from Frontdesk</strong>")
	if l.ConversationURL != "" {
		u := html.EscapeString(l.ConversationURL)
		b.WriteString(`: <a href="` + u + `">` + u + `</a>`)
	}
	b.WriteString("</p>")
	if note := strings.TrimSpace(l.Note); note != "" {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(note), "\n", "<br>") + "</p>")
	}
	var who []string
	for _, v := range []string{l.Name, l.Email, l.Phone, l.Company} {
		if v = strings.TrimSpace(v); v != "" {
			who = append(who, html.EscapeString(v))
		}
	}
	b.WriteString("<p>" + strings.Join(who, " · ") + "</p>")
	b.WriteString("<p>Reference " + marker + "</p>")
	return b.String()
}
