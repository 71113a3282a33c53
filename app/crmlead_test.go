package app

import (
	"errors"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

// The request's answer stands for the lead until the conversation's
// events say more; an answer that comes after an event is older than it.
func TestCRMLeadFollowsEvents(t *testing.T) {
	failed := &model.CRMLead{Provider: "hubspot", Status: leadFailed, Error: "HubSpot refused the token."}
	c := &crmLead{Conv: model.Conversation{ID: 1, CRMLead: failed}}
	c.sync()
	if got := c.lead(); got != failed {
		t.Fatalf("lead = %+v, want the conversation's", got)
	}

	// Retry: the answer (pending) shows until an event comes.
	c.posted, c.sentWith = &model.CRMLead{Provider: "hubspot", Status: leadPending}, failed
	c.sync()
	if got := c.lead(); got.Status != leadPending {
		t.Fatalf("lead = %+v, want the pending answer", got)
	}
	// The event saying it is done replaces it.
	c.Conv.CRMLead = &model.CRMLead{Provider: "hubspot", Status: leadDone, URL: "https://app.hubspot.com/x"}
	c.sync()
	if got := c.lead(); got.Status != leadDone || c.posted != nil {
		t.Fatalf("lead = %+v (posted %+v), want the event's", got, c.posted)
	}

	// Another conversation forgets everything.
	c.posted, c.sentWith, c.err = &model.CRMLead{Status: leadPending}, nil, "boom"
	c.Conv = model.Conversation{ID: 2}
	c.sync()
	if c.lead() != nil || c.err != "" {
		t.Errorf("conversation 2 shows lead %+v, error %q", c.lead(), c.err)
	}
}

func TestLeadError(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&model.Error{Status: 422, Code: model.CodeCRMNotConfigured, Message: "No CRM."},
			"No CRM connected — an admin can connect one in Settings."},
		{&model.Error{Status: 422, Code: model.CodeGuestWithoutEmail, Message: "This guest has no email address yet."},
			"This guest has no email address yet."},
		{errors.New("dial tcp: refused"), "Could not reach Frontdesk. Check your connection and try again."},
	}
	for _, tt := range tests {
		if got := leadError(tt.err); got != tt.want {
			t.Errorf("leadError(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	for p, want := range map[string]string{"hubspot": "HubSpot", "salesforce": "Salesforce", "": "the CRM", "Pipedrive": "Pipedrive"} {
		if got := providerName(p); got != want {
			t.Errorf("providerName(%q) = %q, want %q", p, got, want)
		}
	}
}
