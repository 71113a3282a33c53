package salesforce

import (
	"context"
	"net/url"
	"strings"

	"github.com/frontdesk/frontdesk/backend/crm"
)

// account is an Account as queries return it.
type account struct {
	ID      string `json:"Id"`
	Name    string `json:"Name"`
	Website string `json:"Website"`
}

// LookupCompany finds the guest's company: the Account of the Contact with
// this email, else the Company of an open Lead with it (linked to the
// Lead), else an Account whose Website is on the email's domain (free-mail
// domains are skipped).
func (c *Client) LookupCompany(ctx context.Context, email string) (*crm.Company, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, nil
	}
	if !crm.ValidEmail(email) {
		return nil, &crm.Error{Provider: name, Kind: crm.Validation, Field: crm.FieldEmail, Message: "The guest's email is not a valid address."}
	}
	if co, err := c.companyOfContact(ctx, email); err != nil || co != nil {
		return co, err
	}
	if co, err := c.companyOfLead(ctx, email); err != nil || co != nil {
		return co, err
	}
	domain := crm.CompanyDomain(email)
	if domain == "" {
		return nil, nil
	}
	return c.accountByDomain(ctx, domain)
}

func (c *Client) companyOfContact(ctx context.Context, email string) (*crm.Company, error) {
	var res struct {
		Records []struct {
			Account *account `json:"Account"`
		} `json:"records"`
	}
	q := "SELECT Id, Account.Id, Account.Name, Account.Website FROM Contact WHERE Email = '" + soqlString(email) +
		"' ORDER BY LastModifiedDate DESC LIMIT 10"
	if err := c.query(ctx, q, &res); err != nil {
		return nil, err
	}
	for _, r := range res.Records {
		if a := r.Account; a != nil && validID(a.ID) && strings.TrimSpace(a.Name) != "" {
			return c.accountCompany(*a), nil
		}
	}
	return nil, nil
}

func (c *Client) companyOfLead(ctx context.Context, email string) (*crm.Company, error) {
	var res struct {
		Records []struct {
			ID      string `json:"Id"`
			Company string `json:"Company"`
		} `json:"records"`
	}
	q := "SELECT Id, Company FROM Lead WHERE Email = '" + soqlString(email) +
		"' AND IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 10"
	if err := c.query(ctx, q, &res); err != nil {
		return nil, err
	}
	for _, r := range res.Records {
		co := strings.TrimSpace(r.Company)
		if !validID(r.ID) || co == "" || isPlaceholderCompany(co) {
			continue
		}
		return &crm.Company{Name: co, Domain: crm.CompanyDomain(email), RecordID: r.ID, RecordURL: c.recordURL("Lead", r.ID)}, nil
	}
	return nil, nil
}

// accountByDomain finds an Account whose Website's host is domain or one of
// its subdomains. LIKE narrows the candidates; the host check in Go decides,
// so that "acme.com" does not match "notacme.com".
func (c *Client) accountByDomain(ctx context.Context, domain string) (*crm.Company, error) {
	var res struct {
		Records []account `json:"records"`
	}
	q := "SELECT Id, Name, Website FROM Account WHERE Website LIKE '%" + soqlLike(domain) +
		"%' ORDER BY CreatedDate ASC LIMIT 50"
	if err := c.query(ctx, q, &res); err != nil {
		return nil, err
	}
	for _, a := range res.Records {
		h := websiteHost(a.Website)
		if validID(a.ID) && (h == domain || strings.HasSuffix(h, "."+domain)) {
			return c.accountCompany(a), nil
		}
	}
	return nil, nil
}

func (c *Client) accountCompany(a account) *crm.Company {
	return &crm.Company{
		Name:      strings.TrimSpace(a.Name),
		Domain:    websiteHost(a.Website),
		RecordID:  a.ID,
		RecordURL: c.recordURL("Account", a.ID),
	}
}

// websiteHost returns the host of a Website value without "www.": people
// type "acme.com", "www.acme.com/" and "https://acme.com/en" alike.
func websiteHost(site string) string {
	site = strings.TrimSpace(site)
	if site == "" {
		return ""
	}
	if !strings.Contains(site, "://") {
		site = "http://" + site
	}
	u, err := url.Parse(site)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
