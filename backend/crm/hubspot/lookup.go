package hubspot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/backend/crm"
)

// primaryCompanyType is HubSpot's association type for a contact's primary
// company (HUBSPOT_DEFINED 1); 279 is the unlabeled contact-to-company one.
const primaryCompanyType = 1

// contactProps are the contact properties the client reads.
var contactProps = []string{"email", "firstname", "lastname", "phone", "company", "lifecyclestage"}

// LookupCompany finds the guest's company: the company associated with the
// contact that has this email (the primary one first), else a company whose
// domain is the email's domain (free-mail domains are skipped), else the
// free-text company property of the contact, linked to the contact.
func (c *Client) LookupCompany(ctx context.Context, email string) (*crm.Company, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, nil
	}
	if !crm.ValidEmail(email) {
		return nil, &crm.Error{Provider: name, Kind: crm.Validation, Field: crm.FieldEmail, Message: "The guest's email is not a valid address."}
	}
	contact, err := c.findContact(ctx, email)
	if err != nil {
		return nil, err
	}
	if contact != nil {
		company, err := c.associatedCompany(ctx, contact.ID)
		if err != nil || company != nil {
			return company, err
		}
	}
	if domain := crm.CompanyDomain(email); domain != "" {
		company, err := c.companyByDomain(ctx, domain)
		if err != nil || company != nil {
			return company, err
		}
	}
	if contact != nil && strings.TrimSpace(contact.Properties["company"]) != "" {
		return &crm.Company{
			Name:      strings.TrimSpace(contact.Properties["company"]),
			Domain:    crm.CompanyDomain(email),
			RecordURL: c.recordURL(ctx, "contact", contact.ID),
		}, nil
	}
	return nil, nil
}

// search runs a CRM search with one filter and returns the first match.
func (c *Client) search(ctx context.Context, objectType, prop, operator, value string, props []string) (*object, error) {
	req := map[string]any{
		"filterGroups": []map[string]any{{
			"filters": []map[string]string{{"propertyName": prop, "operator": operator, "value": value}},
		}},
		"properties": props,
		"limit":      1,
	}
	var res struct {
		Results []object `json:"results"`
	}
	if err := c.call(ctx, http.MethodPost, "/crm/v3/objects/"+objectType+"/search", nil, req, &res); err != nil {
		return nil, err
	}
	if len(res.Results) == 0 || !validID(res.Results[0].ID) {
		return nil, nil
	}
	return &res.Results[0], nil
}

// findContact returns the contact with this email, or nil.
func (c *Client) findContact(ctx context.Context, email string) (*object, error) {
	return c.search(ctx, "contacts", "email", "EQ", email, contactProps)
}

// getObject reads one record, or returns nil when it does not exist.
func (c *Client) getObject(ctx context.Context, objectType, id string, props []string) (*object, error) {
	var o object
	q := url.Values{"properties": {strings.Join(props, ",")}}
	err := c.call(ctx, http.MethodGet, "/crm/v3/objects/"+objectType+"/"+id, q, nil, &o)
	if e, ok := crm.AsError(err); ok && e.Status == http.StatusNotFound {
		return nil, nil // deleted since it was found
	}
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// association is one entry of a v4 associations list.
type association struct {
	ToObjectID json.Number `json:"toObjectId"`
	Types      []struct {
		Category string `json:"category"`
		TypeID   int    `json:"typeId"`
	} `json:"associationTypes"`
}

// associations lists every record of toType associated with a record,
// following the paging cursor. maxPages bounds a runaway cursor.
func (c *Client) associations(ctx context.Context, fromType, id, toType string) ([]association, error) {
	const maxPages = 50
	var all []association
	after := ""
	for range maxPages {
		q := url.Values{"limit": {"500"}}
		if after != "" {
			q.Set("after", after)
		}
		var page struct {
			Results []association `json:"results"`
			Paging  *struct {
				Next *struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		path := "/crm/v4/objects/" + fromType + "/" + id + "/associations/" + toType
		if err := c.call(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Results...)
		if page.Paging == nil || page.Paging.Next == nil || page.Paging.Next.After == "" {
			return all, nil
		}
		after = page.Paging.Next.After
	}
	return all, nil
}

// associatedCompany returns the contact's primary company, else its first
// associated company, or nil.
func (c *Client) associatedCompany(ctx context.Context, contactID string) (*crm.Company, error) {
	assocs, err := c.associations(ctx, "contacts", contactID, "companies")
	if err != nil || len(assocs) == 0 {
		return nil, err
	}
	pick := assocs[0]
	for _, a := range assocs {
		for _, t := range a.Types {
			if t.Category == "HUBSPOT_DEFINED" && t.TypeID == primaryCompanyType {
				pick = a
			}
		}
	}
	id := pick.ToObjectID.String()
	if !validID(id) {
		return nil, nil
	}
	o, err := c.getObject(ctx, "companies", id, []string{"name", "domain"})
	if err != nil || o == nil {
		return nil, err
	}
	return c.company(ctx, o), nil
}

// companyByDomain returns the company whose domain is domain, or nil.
func (c *Client) companyByDomain(ctx context.Context, domain string) (*crm.Company, error) {
	o, err := c.search(ctx, "companies", "domain", "EQ", domain, []string{"name", "domain"})
	if err != nil || o == nil {
		return nil, err
	}
	return c.company(ctx, o), nil
}

func (c *Client) company(ctx context.Context, o *object) *crm.Company {
	n := strings.TrimSpace(o.Properties["name"])
	if n == "" {
		n = o.Properties["domain"] // HubSpot allows nameless companies
	}
	return &crm.Company{
		Name:      n,
		Domain:    o.Properties["domain"],
		RecordID:  o.ID,
		RecordURL: c.recordURL(ctx, "company", o.ID),
	}
}

// validID accepts HubSpot record ids (positive integers) only, so nothing
// an API returns can reshape the paths and links built from it.
func validID(id string) bool {
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == id
}
