package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm"
	"github.com/frontdesk/frontdesk/backend/crm/internal/crmhttp"
)

// object is a CRM v3 record as HubSpot returns it.
type object struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
}

// send makes one request and returns HubSpot's answer whatever its status;
// only a missing answer is an error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, in any) (*crmhttp.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("hubspot: encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, fmt.Errorf("hubspot: build %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := crmhttp.Do(ctx, c.http, c.timeout, req)
	if err != nil {
		return nil, crmhttp.TransportError(name, display, err)
	}
	return resp, nil
}

// call makes one request and decodes a 2xx answer into out; any other
// answer becomes a *crm.Error.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in, out any) error {
	resp, err := c.send(ctx, method, path, query, in)
	if err != nil {
		return err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return c.apiError(resp)
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return crmhttp.Unreadable(name, display, err)
		}
	}
	return nil
}

// errorBody is HubSpot's error shape:
//
//	{"status":"error","message":"…","correlationId":"…","category":"VALIDATION_ERROR",
//	 "errors":[{"message":"…","code":"…","context":{"propertyName":["email"]}}]}
//
// 429s add "policyName" (SECONDLY, TEN_SECONDLY_ROLLING, DAILY).
type errorBody struct {
	Message    string `json:"message"`
	Category   string `json:"category"`
	PolicyName string `json:"policyName"`
	Errors     []struct {
		Message string              `json:"message"`
		Code    string              `json:"code"`
		Context map[string][]string `json:"context"`
	} `json:"errors"`
}

// propertyError is one entry of the list HubSpot embeds, as JSON text, in
// the message of a property validation failure:
//
//	"Property values were not valid: [{\"isValid\":false,\"message\":\"…\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]"
type propertyError struct {
	Message string `json:"message"`
	Error   string `json:"error"`
	Name    string `json:"name"`
}

const propertyErrorPrefix = "Property values were not valid: "

// apiError maps a non-2xx answer to the error the app shows.
func (c *Client) apiError(resp *crmhttp.Response) *crm.Error {
	var b errorBody
	_ = json.Unmarshal(resp.Body, &b) // a body we cannot read still has a status
	msg := crmhttp.Truncate(crmhttp.Redact(b.Message, c.token), 500)
	e := &crm.Error{Provider: name, Status: resp.Status}
	switch s := resp.Status; {
	case s >= 300 && s < 400:
		return crmhttp.Redirected(name, display, s)
	case s == http.StatusUnauthorized:
		e.Kind = crm.Unauthorized
		e.Message = "HubSpot refused the access token. Check the private app token in the CRM settings."
	case s == http.StatusForbidden:
		e.Kind = crm.Unauthorized
		e.Message = "HubSpot denied the request. Check that the private app has the contacts and companies scopes."
		if len(b.Errors) > 0 {
			if scopes := b.Errors[0].Context["requiredGranularScopes"]; len(scopes) > 0 {
				e.Message = "HubSpot denied the request: the private app needs the scope " + strings.Join(scopes, " or ") + "."
			}
		}
	case s == http.StatusTooManyRequests:
		e.Kind = crm.RateLimited
		e.RetryAfter = c.retryAfter(resp, b.PolicyName)
		e.Message = "HubSpot's API limit is reached. Frontdesk will try again shortly."
		if b.PolicyName == "DAILY" {
			e.Message = "HubSpot's daily API limit is used up. Frontdesk will try again later."
		}
	case s == http.StatusNotFound:
		e.Kind = crm.NotConfigured
		e.Message = "HubSpot did not recognise the request. Check the API URL in the CRM settings."
	case s >= 500:
		e.Kind = crm.Unavailable
		e.Message = fmt.Sprintf("HubSpot is having problems (HTTP %d). Try again in a moment.", s)
	default: // 400, 409, 422 and other refusals of the data
		e.Kind = crm.Validation
		detail, prop := validationDetail(b, msg)
		e.Field = fieldFor(prop)
		e.Message = "HubSpot refused the data: " + crmhttp.Truncate(crmhttp.Redact(detail, c.token), 300)
	}
	return e
}

// validationDetail picks the most specific message and property name out of
// a HubSpot validation error.
func validationDetail(b errorBody, msg string) (detail, prop string) {
	if rest, ok := strings.CutPrefix(msg, propertyErrorPrefix); ok {
		var list []propertyError
		if json.Unmarshal([]byte(rest), &list) == nil && len(list) > 0 {
			return list[0].Message, list[0].Name
		}
	}
	if len(b.Errors) > 0 && b.Errors[0].Message != "" {
		if names := b.Errors[0].Context["propertyName"]; len(names) > 0 {
			prop = names[0]
		}
		return b.Errors[0].Message, prop
	}
	if msg == "" {
		msg = "no reason given"
	}
	return msg, ""
}

// fieldFor names the lead field behind a HubSpot property.
func fieldFor(prop string) string {
	switch prop {
	case "email":
		return crm.FieldEmail
	case "firstname", "lastname":
		return crm.FieldName
	case "phone":
		return crm.FieldPhone
	case "company":
		return crm.FieldCompany
	case "hs_note_body":
		return crm.FieldNote
	}
	return prop
}

// retryAfter reads how long to wait after a 429: Retry-After when HubSpot
// sends it, else the length of the window the policy names.
func (c *Client) retryAfter(resp *crmhttp.Response, policy string) time.Duration {
	if d := crmhttp.RetryAfter(resp.Header, c.now()); d > 0 {
		return d
	}
	switch policy {
	case "SECONDLY":
		return time.Second
	case "DAILY":
		return time.Hour // the day ends at midnight in the account's time zone, which we do not know
	}
	if ms, err := strconv.Atoi(resp.Header.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return 10 * time.Second // HubSpot's burst window
}
