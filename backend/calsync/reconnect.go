package calsync

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/mail"
)

// markReconnect flags a connection whose grant or password stopped
// working, and emails the agent, once: only the transaction that sets the
// flag queues the email. Busy time already stored stays and the booking
// page goes on using it; nothing is written to the calendar until the
// agent connects again.
func (s *Sync) markReconnect(ctx context.Context, c *connection, reason string) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		first, err := s.DB.MarkNeedsReconnect(ctx, tx, c.acct.AgentID, reason)
		if err != nil || !first {
			return err
		}
		s.log().Warn("calsync: connection needs reconnecting; the agent is emailed",
			"agent", c.acct.AgentID, "provider", c.acct.Provider, "reason", reason)
		if s.Queue == nil || c.agent.Email == "" {
			return nil
		}
		return mail.Enqueue(ctx, s.Queue, tx, reconnectEmail(c, reason, s.link("/availability#calendar")))
	})
}

func reconnectEmail(c *connection, reason, link string) mail.Message {
	name := c.provider().Title()
	title := "Reconnect your " + name
	paras := []string{
		"Hello " + c.agent.Name + ",",
		"Frontdesk can no longer reach your " + name + " (" + c.acct.Username + "): " + reason + ".",
		"Until you connect it again, new meetings are not added to it, and changes you make there do not reach your booking page, which goes on using the busy times Frontdesk already knows.",
		"Open My availability → Calendar in Frontdesk and connect it again; it takes a minute.",
	}
	action := &mail.Link{Text: "Reconnect " + name, URL: link}
	return mail.Message{
		To:      []mail.Address{{Name: c.agent.Name, Email: c.agent.Email}},
		Subject: title,
		Text:    mail.TextBody(title, paras, action),
		HTML:    mail.HTMLBody(title, paras, action),
	}
}
