package postgres

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

// UnemailedReplies returns, for a guest who has not read them, the agents'
// messages after both what the guest read and what was already emailed, and
// marks them emailed — in tx, so a failed send job leaves them unmarked.
func (db *DB) UnemailedReplies(ctx context.Context, tx bun.Tx, convID int64) (GuestAccess, []model.Message, error) {
	var conv conversationRow
	if err := tx.NewSelect().Model(&conv).Where("id = ?", convID).For("UPDATE").Scan(ctx); err != nil {
		if noRows(err) {
			return GuestAccess{}, nil, notFound("Conversation")
		}
		return GuestAccess{}, nil, fmt.Errorf("lock conversation: %w", err)
	}
	after := max(conv.GuestReadSeq, conv.GuestEmailedSeq)
	var rows []messageRow
	if err := tx.NewSelect().Model(&rows).Where("conversation_id = ? AND seq > ? AND author_kind = 'agent' AND NOT private", convID, after).
		Order("seq").Scan(ctx); err != nil {
		return GuestAccess{}, nil, fmt.Errorf("select replies: %w", err)
	}
	msgs := make([]model.Message, len(rows))
	for i, r := range rows {
		msgs[i] = r.model()
	}
	if len(msgs) > 0 {
		if _, err := tx.NewUpdate().Table("conversations").Set("guest_emailed_seq = ?", msgs[len(msgs)-1].Seq).Where("id = ?", convID).Exec(ctx); err != nil {
			return GuestAccess{}, nil, fmt.Errorf("mark emailed: %w", err)
		}
	}
	c, err := conversation(ctx, tx, conv.OrganizationID, convID, 0)
	if err != nil {
		return GuestAccess{}, nil, err
	}
	return GuestAccess{Conversation: c, Token: conv.AccessToken, WidgetID: conv.WidgetID, Language: conv.Language}, msgs, nil
}

// GuestEmailOf returns the email replies to a conversation's guest go to.
func GuestEmailOf(ctx context.Context, tx bun.IDB, convID int64) (string, error) {
	var email string
	err := tx.NewSelect().TableExpr("conversations AS c").ColumnExpr("g.email").
		Join("JOIN guests AS g ON g.id = c.guest_id").Where("c.id = ?", convID).Scan(ctx, &email)
	if err != nil {
		return "", fmt.Errorf("select guest email: %w", err)
	}
	return email, nil
}

// ClaimReminder records that a reminder is being sent, in tx; it reports
// false when it was sent before, or when the meeting was cancelled or moved
// since the reminder was scheduled (sequence differs).
func (db *DB) ClaimReminder(ctx context.Context, tx bun.Tx, meetingID int64, audience string, sequence, leadMinutes int) (MeetingRecord, bool, error) {
	var row meetingRow
	if err := tx.NewSelect().Model(&row).Where("id = ?", meetingID).For("UPDATE").Scan(ctx); err != nil {
		if noRows(err) {
			return MeetingRecord{}, false, nil
		}
		return MeetingRecord{}, false, fmt.Errorf("lock meeting: %w", err)
	}
	if row.Status != string(model.MeetingScheduled) || row.Sequence != sequence {
		return MeetingRecord{}, false, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO meeting_reminders_sent (meeting_id, audience, sequence, lead_minutes)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, meetingID, audience, sequence, leadMinutes)
	if err != nil {
		return MeetingRecord{}, false, fmt.Errorf("claim reminder: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return MeetingRecord{}, false, nil
	}
	rec, err := db.recordOf(ctx, tx, row)
	return rec, err == nil, err
}

// PostSystemMessage adds a system message in tx.
func (db *DB) PostSystemMessage(ctx context.Context, tx bun.Tx, orgID, convID int64, body string) error {
	_, err := db.AppendMessageTx(ctx, tx, orgID, convID, Author{Kind: model.AuthorSystem, Name: "Frontdesk"}, "", body)
	return err
}

// Recipients are the agents a conversation's news goes to: its assignee
// and the agents taking part who have not left it; when nobody holds it,
// the active Standard members of its service. Agents with the app open
// anywhere are left out: they see it live.
func (db *DB) Recipients(ctx context.Context, tx bun.IDB, convID int64) ([]int64, error) {
	var ids []int64
	err := tx.NewRaw(`
		WITH c AS (SELECT id, organization_id, assignee_id, service_id FROM conversations WHERE id = ?),
		holders AS (
			SELECT assignee_id AS agent_id FROM c WHERE assignee_id IS NOT NULL
			UNION SELECT ca.agent_id FROM conversation_agents ca, c WHERE ca.conversation_id = c.id AND ca.left_at IS NULL
		),
		queue AS (
			SELECT m.agent_id FROM service_members m, c
			WHERE m.service_id = c.service_id AND NOT EXISTS (SELECT 1 FROM holders)
		)
		SELECT a.id FROM agents a
		WHERE a.id IN (SELECT agent_id FROM holders UNION SELECT agent_id FROM queue)
		  AND a.active AND a.license = 'standard'
		  AND NOT EXISTS (SELECT 1 FROM presence p WHERE p.agent_id = a.id AND p.seen_at > now() - ?::interval)
		ORDER BY a.id`, convID, PresenceTTL.String()).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("select recipients: %w", err)
	}
	return ids, nil
}

// AbsentAgents keeps the active agents of ids who do not have the app open
// anywhere.
func (db *DB) AbsentAgents(ctx context.Context, tx bun.IDB, ids []int64) ([]int64, error) {
	var out []int64
	err := tx.NewRaw(`SELECT a.id FROM agents a WHERE a.id IN (?) AND a.active
		AND NOT EXISTS (SELECT 1 FROM presence p WHERE p.agent_id = a.id AND p.seen_at > now() - ?::interval)
		ORDER BY a.id`, bun.In(ids), PresenceTTL.String()).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("select absent agents: %w", err)
	}
	return out, nil
}

// PendingPush is a conversation whose guest wrote while its agents may be
// away: the latest message and how many it stands for.
type PendingPush struct {
	OrganizationID int64
	ConversationID int64
	GuestName      string
	LastMessage    string // the preview of the latest message
	Messages       int64  // since the burst began
	// AgentIDs are who gets the push: the conversation's Recipients who
	// have a browser subscribed.
	AgentIDs []int64
}

// TakeDuePushes removes up to limit pending pushes whose burst is over, in
// tx, and returns them with their recipients. Instances sweeping at once
// take different rows; a message that comes in meanwhile waits for tx and
// starts a new burst.
func (db *DB) TakeDuePushes(ctx context.Context, tx bun.Tx, limit int) ([]PendingPush, error) {
	var rows []struct {
		OrganizationID int64
		ConversationID int64
		GuestName      string
		LastMessage    string
		Messages       int64
	}
	if err := tx.NewRaw(`WITH due AS (
			DELETE FROM pending_pushes WHERE conversation_id IN (
				SELECT conversation_id FROM pending_pushes WHERE due_at <= now() ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
			RETURNING conversation_id, first_seq)
		SELECT c.organization_id, c.id AS conversation_id, g.name AS guest_name, c.last_message, c.last_seq - due.first_seq + 1 AS messages
		FROM due JOIN conversations c ON c.id = due.conversation_id JOIN guests g ON g.id = c.guest_id`, limit).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("take due pushes: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ConversationID
	}
	var pairs []struct {
		ConversationID int64
		AgentID        int64
	}
	// Recipients, for many conversations at once, less the agents without
	// a subscribed browser (nobody to push to).
	if err := tx.NewRaw(`
		WITH c AS (SELECT id, assignee_id, service_id FROM conversations WHERE id IN (?)),
		holders AS (
			SELECT c.id AS conversation_id, c.assignee_id AS agent_id FROM c WHERE c.assignee_id IS NOT NULL
			UNION SELECT ca.conversation_id, ca.agent_id FROM conversation_agents ca JOIN c ON ca.conversation_id = c.id WHERE ca.left_at IS NULL
		),
		queue AS (
			SELECT c.id AS conversation_id, m.agent_id FROM c JOIN service_members m ON m.service_id = c.service_id
			WHERE NOT EXISTS (SELECT 1 FROM holders h WHERE h.conversation_id = c.id)
		)
		SELECT x.conversation_id, a.id AS agent_id FROM (SELECT * FROM holders UNION SELECT * FROM queue) x
		JOIN agents a ON a.id = x.agent_id
		WHERE a.active AND a.license = 'standard'
		  AND NOT EXISTS (SELECT 1 FROM presence p WHERE p.agent_id = a.id AND p.seen_at > now() - ?::interval)
		  AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.agent_id = a.id)
		ORDER BY 1, 2`, bun.In(ids), PresenceTTL.String()).Scan(ctx, &pairs); err != nil {
		return nil, fmt.Errorf("select push recipients: %w", err)
	}
	agents := map[int64][]int64{}
	for _, p := range pairs {
		agents[p.ConversationID] = append(agents[p.ConversationID], p.AgentID)
	}
	out := make([]PendingPush, len(rows))
	for i, r := range rows {
		out[i] = PendingPush{OrganizationID: r.OrganizationID, ConversationID: r.ConversationID, GuestName: r.GuestName,
			LastMessage: r.LastMessage, Messages: r.Messages, AgentIDs: agents[r.ConversationID]}
	}
	return out, nil
}
