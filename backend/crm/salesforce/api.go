package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/internal/crmhttp"
)

// accessToken returns a token that has not reached its TTL, signing in when
// there is none. The lock is held during the sign-in so that concurrent
// calls wait for one token instead of each fetching their own.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	tok, err := c.signIn(ctx)
	if err != nil {
		return "", err
	}
	c.token, c.expires = tok, c.now().Add(c.tokenTTL)
	return tok, nil
}

// forget drops tok if it is still the cached token, after the API refused
// it; a token another call already replaced is left alone.
func (c *Client) forget(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == tok {
		c.token = ""
	}
}

// signIn runs the client credentials flow.
func (c *Client) signIn(ctx context.Context) (string, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.clientID},
		"client_secret": {c.clientSecret},
	}
	req, err := http.NewRequest(http.MethodPost, c.instance+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("salesforce: build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := crmhttp.Do(ctx, c.http, c.timeout, req)
	if err != nil {
		return "", crmhttp.TransportError(name, display, err)
	}
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	decodeErr := json.Unmarshal(resp.Body, &body)
	switch s := resp.Status; {
	case s == http.StatusOK && decodeErr == nil && body.AccessToken != "":
		return body.AccessToken, nil
	case s == http.StatusOK:
		return "", crmhttp.Unreadable(name, display, decodeErr)
	case s >= 300 && s < 400:
		return "", crmhttp.Redirected(name, display, s)
	case s >= 500:
		return "", &crm.Error{Provider: name, Kind: crm.Unavailable, Status: s,
			Message: fmt.Sprintf("Salesforce's sign-in is having problems (HTTP %d). Try again in a moment.", s)}
	case s == http.StatusTooManyRequests:
		return "", &crm.Error{Provider: name, Kind: crm.RateLimited, Status: s, RetryAfter: crmhttp.RetryAfter(resp.Header, c.now()),
			Message: "Salesforce is limiting sign-ins. Frontdesk will try again shortly."}
	case s == http.StatusNotFound:
		return "", &crm.Error{Provider: name, Kind: crm.NotConfigured, Status: s,
			Message: "Salesforce has no sign-in at this address. Check the My Domain URL in the CRM settings."}
	}
	desc := crmhttp.Truncate(crmhttp.Redact(body.Description, c.clientSecret, c.clientID), 200)
	e := &crm.Error{Provider: name, Status: resp.Status}
	switch body.Error {
	case "invalid_client_id", "invalid_client":
		e.Kind = crm.Unauthorized
		e.Message = "Salesforce refused the connected app's consumer key or secret. Check them in the CRM settings."
	case "invalid_grant":
		e.Kind = crm.Unauthorized
		e.Message = "Salesforce refused the sign-in (" + desc + "). Check that the connected app enables the client credentials flow with a Run As user."
	default: // unsupported_grant_type, invalid_request ("request not supported on this domain")
		e.Kind = crm.NotConfigured
		e.Message = "Salesforce refused the sign-in request"
		if desc != "" {
			e.Message += " (" + desc + ")"
		}
		e.Message += ". Use the org's My Domain URL and enable the client credentials flow in the connected app."
	}
	return "", e
}

// call makes one API request with a token and decodes a 2xx answer into
// out. When the API refuses the token (401, INVALID_SESSION_ID: the session
// timed out or was revoked) it signs in again and repeats the request once.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var payload []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("salesforce: encode %s %s: %w", method, path, err)
		}
		payload = b
	}
	u := c.instance + "/services/data/" + c.version + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequest(method, u, body)
		if err != nil {
			return fmt.Errorf("salesforce: build %s %s: %w", method, path, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := crmhttp.Do(ctx, c.http, c.timeout, req)
		if err != nil {
			return crmhttp.TransportError(name, display, err)
		}
		if resp.Status == http.StatusUnauthorized && attempt == 0 {
			c.forget(tok)
			continue
		}
		if resp.Status < 200 || resp.Status > 299 {
			return c.apiError(resp)
		}
		if out != nil && len(resp.Body) > 0 {
			if err := json.Unmarshal(resp.Body, out); err != nil {
				return crmhttp.Unreadable(name, display, err)
			}
		}
		return nil
	}
}

// apiError maps a non-2xx answer of the REST API, whose body is a list:
//
//	[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]
func (c *Client) apiError(resp *crmhttp.Response) *crm.Error {
	var list []struct {
		Message   string   `json:"message"`
		ErrorCode string   `json:"errorCode"`
		Fields    []string `json:"fields"`
	}
	_ = json.Unmarshal(resp.Body, &list) // edge errors come as HTML; the status still speaks
	var msg, code string
	var fields []string
	if len(list) > 0 {
		msg = crmhttp.Truncate(crmhttp.Redact(strings.TrimSpace(list[0].Message), c.clientSecret), 300)
		code, fields = list[0].ErrorCode, list[0].Fields
	}
	e := &crm.Error{Provider: name, Status: resp.Status}
	switch s := resp.Status; {
	case s >= 300 && s < 400:
		return crmhttp.Redirected(name, display, s)
	case s == http.StatusUnauthorized:
		e.Kind = crm.Unauthorized
		e.Message = "Salesforce refused the session even after signing in again. Check the connected app's Run As user and its API access."
	case s == http.StatusTooManyRequests || (s == http.StatusForbidden && code == "REQUEST_LIMIT_EXCEEDED"):
		// Salesforce sends no Retry-After for its 24-hour request limit;
		// RetryAfter stays 0 then and the caller's backoff decides.
		e.Kind = crm.RateLimited
		e.RetryAfter = crmhttp.RetryAfter(resp.Header, c.now())
		e.Message = "Salesforce's API request limit is reached. Frontdesk will try again later."
	case s == http.StatusForbidden:
		e.Kind = crm.Unauthorized
		e.Message = "Salesforce denied the request"
		if msg != "" {
			e.Message += ": " + msg
		}
		e.Message += ". Check the permissions of the connected app's Run As user."
	case s == http.StatusNotFound:
		e.Kind = crm.NotConfigured
		e.Message = "Salesforce did not recognise the request. Check the My Domain URL and the API version (" + c.version + ")."
	case s >= 500:
		e.Kind = crm.Unavailable
		e.Message = fmt.Sprintf("Salesforce is having problems (HTTP %d). Try again in a moment.", s)
	default:
		e.Kind = crm.Validation
		if len(fields) > 0 {
			e.Field = fieldFor(fields[0])
		}
		if msg == "" {
			msg = "no reason given"
		}
		e.Message = "Salesforce refused the data: " + msg
	}
	return e
}

// fieldFor names the lead field behind a Salesforce field.
func fieldFor(f string) string {
	switch f {
	case "Email":
		return crm.FieldEmail
	case "FirstName", "LastName":
		return crm.FieldName
	case "Phone":
		return crm.FieldPhone
	case "Company":
		return crm.FieldCompany
	case "Description":
		return crm.FieldNote
	}
	return f
}

// query runs a SOQL query and decodes the first page of results; the
// client's queries all carry a LIMIT that fits one page.
func (c *Client) query(ctx context.Context, soql string, out any) error {
	return c.call(ctx, http.MethodGet, "/query", url.Values{"q": {soql}}, nil, out)
}
