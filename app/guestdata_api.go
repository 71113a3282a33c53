package app

import (
	"context"
	"strconv"

	"github.com/frontdesk/frontdesk/model"
)

// Guests' data rights (GDPR): export links and erasure, for admins.

// guestExportPath downloads everything stored about a guest as JSON.
func guestExportPath(guestID int64) string {
	return "/api/v1/guests/" + strconv.FormatInt(guestID, 10) + "/export"
}

// contactExportPath does the same from a phonebook entry.
func contactExportPath(contactID int64) string {
	return "/api/v1/phonebook/" + strconv.FormatInt(contactID, 10) + "/export"
}

// EraseGuest erases a conversation's guest and every record of the same
// person.
func (c *Client) EraseGuest(ctx context.Context, guestID int64) (model.ErasureReport, error) {
	var out model.ErasureReport
	err := c.do(ctx, "POST", "/api/v1/guests/"+strconv.FormatInt(guestID, 10)+"/erase", nil, &out)
	return out, err
}

// EraseContact erases the person behind a phonebook entry.
func (c *Client) EraseContact(ctx context.Context, contactID int64) (model.ErasureReport, error) {
	var out model.ErasureReport
	err := c.do(ctx, "POST", "/api/v1/phonebook/"+strconv.FormatInt(contactID, 10)+"/erase", nil, &out)
	return out, err
}

// Retention is how long resolved conversations are kept.
func (c *Client) Retention(ctx context.Context) (model.Retention, error) {
	var out model.Retention
	err := c.do(ctx, "GET", "/api/v1/organization/retention", nil, &out)
	return out, err
}

// SetRetention changes it.
func (c *Client) SetRetention(ctx context.Context, r model.Retention) (model.Retention, error) {
	var out model.Retention
	err := c.do(ctx, "PUT", "/api/v1/organization/retention", r, &out)
	return out, err
}
