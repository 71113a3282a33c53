package salesforce

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/backend/crm"
)

// Unknown fills Lead.LastName and Lead.Company, which Salesforce requires,
// when the guest gave nothing to derive them from.
const Unknown = "Unknown"

// Lengths of the standard Lead fields.
const (
	maxFirstName   = 40
	maxLastName    = 80
	maxCompany     = 255
	maxDescription = 32000
)

// LeadNames returns the FirstName and LastName a lead gets. The last word of
// the guest's name is the last name and the words before it the first name
// ("Anna Maria Rossi" → "Anna Maria", "Rossi"); a single word is the last
// name. LastName is required, so a guest without a name becomes Unknown.
// Both are cut to Salesforce's lengths (40 and 80 characters).
func LeadNames(l crm.Lead) (first, last string) {
	first, last = crm.SplitName(l.Name)
	if last == "" {
		last = Unknown
	}
	return truncate(first, maxFirstName), truncate(last, maxLastName)
}

// LeadCompany returns the Company a lead gets. Company is required: it is
// the guest's company when known, else the domain of their email (unless it
// is a free-mail domain, which names no employer), else Unknown. The app
// shows it on the lead form so the agent sees what Salesforce will get.
func LeadCompany(l crm.Lead) string {
	if co := strings.TrimSpace(l.Company); co != "" {
		return truncate(co, maxCompany)
	}
	if d := crm.CompanyDomain(l.Email); d != "" {
		return d
	}
	return Unknown
}

// isPlaceholderCompany reports company values that stand for "not known":
// ours, and the one Salesforce's own web-to-lead uses.
func isPlaceholderCompany(co string) bool {
	return strings.EqualFold(co, Unknown) || strings.EqualFold(co, "[not provided]")
}

// existingLead is a Lead with the guest's email.
type existingLead struct {
	ID          string `json:"Id"`
	FirstName   string `json:"FirstName"`
	Phone       string `json:"Phone"`
	Company     string `json:"Company"`
	Description string `json:"Description"`
	IsConverted bool   `json:"IsConverted"`
}

// CreateLead files the guest as a Lead.
//
// If a Lead with the guest's email already carries the key's marker, that
// Lead is returned (an earlier attempt succeeded). Otherwise the newest
// open (unconverted) Lead with the email is updated: the conversation is
// appended to its Description and blanks are filled, curated values are
// left alone. Only when there is none is a Lead created. Converted Leads are
// never updated; Salesforce refuses that.
func (c *Client) CreateLead(ctx context.Context, l crm.Lead, idempotencyKey string) (crm.Record, error) {
	if err := l.Validate(); err != nil {
		return crm.Record{}, withProvider(err)
	}
	if err := crm.ValidateKey(idempotencyKey); err != nil {
		return crm.Record{}, withProvider(err)
	}
	l.Email = strings.TrimSpace(l.Email)
	marker := crm.KeyMarker(idempotencyKey)

	var res struct {
		Records []existingLead `json:"records"`
	}
	q := "SELECT Id, FirstName, Phone, Company, Description, IsConverted FROM Lead WHERE Email = '" +
		soqlString(l.Email) + "' ORDER BY CreatedDate DESC LIMIT 50"
	if err := c.query(ctx, q, &res); err != nil {
		return crm.Record{}, err
	}
	for _, ld := range res.Records {
		if validID(ld.ID) && strings.Contains(ld.Description, marker) {
			return crm.Record{ID: ld.ID, URL: c.recordURL("Lead", ld.ID)}, nil
		}
	}
	block := description(l, marker)
	for _, ld := range res.Records {
		if validID(ld.ID) && !ld.IsConverted {
			if err := c.call(ctx, http.MethodPatch, "/sobjects/Lead/"+ld.ID, nil, updateFields(l, ld, block), nil); err != nil {
				return crm.Record{}, err
			}
			return crm.Record{ID: ld.ID, URL: c.recordURL("Lead", ld.ID)}, nil
		}
	}

	first, last := LeadNames(l)
	fields := map[string]string{
		"LastName":    last,
		"Company":     LeadCompany(l),
		"Email":       l.Email,
		"LeadSource":  c.leadSource,
		"Description": block,
	}
	if first != "" {
		fields["FirstName"] = first
	}
	if p := strings.TrimSpace(l.Phone); p != "" {
		fields["Phone"] = p
	}
	var created struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
	}
	if err := c.call(ctx, http.MethodPost, "/sobjects/Lead", nil, fields, &created); err != nil {
		return crm.Record{}, err
	}
	if !created.Success || !validID(created.ID) {
		return crm.Record{}, crm.Errorf(name, crm.Unavailable, "Salesforce did not confirm the new lead. Try again in a moment.")
	}
	return crm.Record{ID: created.ID, URL: c.recordURL("Lead", created.ID), Created: true}, nil
}

func withProvider(err error) error {
	if e, ok := crm.AsError(err); ok {
		e.Provider = name
	}
	return err
}

// updateFields fills the blanks of an existing Lead and appends the new
// conversation to its Description, dropping the oldest text when the field
// would overflow.
func updateFields(l crm.Lead, ld existingLead, block string) map[string]string {
	f := map[string]string{}
	if first, _ := LeadNames(l); first != "" && strings.TrimSpace(ld.FirstName) == "" {
		f["FirstName"] = first
	}
	if p := strings.TrimSpace(l.Phone); p != "" && strings.TrimSpace(ld.Phone) == "" {
		f["Phone"] = p
	}
	if co := LeadCompany(l); isPlaceholderCompany(ld.Company) && !isPlaceholderCompany(co) {
		f["Company"] = co
	}
	desc := block
	if old := strings.TrimSpace(ld.Description); old != "" {
		desc = old + "\n\n" + block
	}
	for utf8.RuneCountInString(desc) > maxDescription {
		_, rest, ok := strings.Cut(desc, "\n")
		if !ok {
			desc = truncate(block, maxDescription)
			break
		}
		desc = rest
	}
	f["Description"] = desc
	return f
}

// description is the plain-text block a lead's Description gets for one
// conversation; the marker at the end makes retries find it.
func description(l crm.Lead, marker string) string {
	var b strings.Builder
	b.WriteString("Lead from Frontdesk")
	if l.ConversationURL != "" {
		b.WriteString("\nConversation: " + l.ConversationURL)
	}
	if note := strings.TrimSpace(l.Note); note != "" {
		b.WriteString("\n" + note)
	}
	b.WriteString("\nReference: " + marker)
	return b.String()
}

// truncate cuts s to n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n]))
}
