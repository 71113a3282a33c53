package postgres

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type meetingRow struct {
	bun.BaseModel   `bun:"table:meetings,alias:mt"`
	ID              int64 `bun:",pk,autoincrement"`
	OrganizationID  int64
	AgentID         int64
	ConversationID  int64
	GuestID         int64
	StartsAt        time.Time
	DurationMinutes int
	Blocked         string `bun:",type:tstzrange"`
	TimeZone        string
	Language        string
	Status          string
	UID             string `bun:"uid"`
	Sequence        int
	Notes           string
	ManageToken     string
	ReminderMinutes int
	CreatedAt       time.Time `bun:",nullzero,default:now()"`
	UpdatedAt       time.Time `bun:",nullzero,default:now()"`
}

func (r meetingRow) model(g model.Guest) model.Meeting {
	return model.Meeting{
		ID: r.ID, OrganizationID: r.OrganizationID, AgentID: r.AgentID, ConversationID: r.ConversationID,
		Guest: g, Start: r.StartsAt, Duration: r.DurationMinutes, TimeZone: r.TimeZone,
		Status: model.MeetingStatus(r.Status), UID: r.UID, Sequence: r.Sequence, Notes: r.Notes,
	}
}

// tstzrange renders a half-open range literal.
func tstzrange(from, to time.Time) string {
	return fmt.Sprintf("[%s,%s)", from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
}

// MeetingBlocks returns the spans (buffers included) the agent's scheduled
// meetings, except meeting except, hold between from and to.
func (db *DB) MeetingBlocks(ctx context.Context, agentID int64, from, to time.Time, except int64) ([][2]time.Time, error) {
	var rows []struct {
		Lo time.Time
		Hi time.Time
	}
	err := db.Bun.NewSelect().Table("meetings").ColumnExpr("lower(blocked) AS lo, upper(blocked) AS hi").
		Where("agent_id = ? AND status = 'scheduled' AND blocked && ?::tstzrange AND id <> ?", agentID, tstzrange(from, to), except).
		OrderExpr("lower(blocked)").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("select meeting blocks: %w", err)
	}
	out := make([][2]time.Time, len(rows))
	for i, r := range rows {
		out[i] = [2]time.Time{r.Lo, r.Hi}
	}
	return out, nil
}

// NewMeeting is a checked booking.
type NewMeeting struct {
	OrganizationID int64
	Agent          model.Agent
	Start          time.Time
	Duration       int // minutes
	Blocked        [2]time.Time
	TimeZone       string
	Language       string
	UID            string
	Notes          string
	Guest          model.Guest
	AccessToken    string
	ManageToken    string
	// Summary is the system message posted in the new conversation.
	Summary string
}

// Booked is a stored meeting with its conversation.
type Booked struct {
	Meeting     model.Meeting
	Access      GuestAccess
	ManageToken string
	Language    string
}

// BookMeeting stores a meeting, its dedicated conversation (assigned to the
// agent) and a system message describing it, then runs also — the
// notifications — in the same transaction. A meeting that would overlap
// another of the agent's is refused by the database with slot_taken, and
// nothing of the booking remains.
func (db *DB) BookMeeting(ctx context.Context, in NewMeeting, also func(ctx context.Context, tx bun.Tx, b Booked) error) (Booked, error) {
	var out Booked
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		agentID := in.Agent.ID
		access, _, err := db.startConversation(ctx, tx, NewConversation{
			OrganizationID: in.OrganizationID, Channel: model.ChannelMeeting, AssigneeID: &agentID,
			Guest: in.Guest, Language: in.Language, AccessToken: in.AccessToken,
		})
		if err != nil {
			return err
		}
		row := meetingRow{
			OrganizationID: in.OrganizationID, AgentID: agentID, ConversationID: access.Conversation.ID,
			GuestID: access.Conversation.Guest.ID, StartsAt: in.Start, DurationMinutes: in.Duration,
			Blocked: tstzrange(in.Blocked[0], in.Blocked[1]), TimeZone: in.TimeZone, Language: in.Language,
			Status: string(model.MeetingScheduled), UID: in.UID, Notes: in.Notes, ManageToken: in.ManageToken,
			ReminderMinutes: 15,
		}
		if _, err := tx.NewInsert().Model(&row).Returning("id, created_at, updated_at, sequence").Exec(ctx); err != nil {
			return fmt.Errorf("insert meeting: %w", translate(err))
		}
		if _, err := db.AppendMessageTx(ctx, tx, in.OrganizationID, access.Conversation.ID, Author{Kind: model.AuthorSystem, Name: "Frontdesk"}, "", in.Summary); err != nil {
			return err
		}
		if access.Conversation, err = conversation(ctx, tx, in.OrganizationID, access.Conversation.ID, 0); err != nil {
			return err
		}
		out = Booked{Meeting: row.model(access.Conversation.Guest), Access: access, ManageToken: row.ManageToken, Language: row.Language}
		if also != nil {
			return also(ctx, tx, out)
		}
		return nil
	})
	if err != nil {
		return Booked{}, err
	}
	return out, nil
}

// MeetingRecord is a meeting with what changing it needs.
type MeetingRecord struct {
	Meeting           model.Meeting
	Agent             model.Agent
	ManageToken       string
	ConversationToken string
	Language          string
	ReminderMinutes   int
}

func (db *DB) meetingRecord(ctx context.Context, idb bun.IDB, where string, args ...any) (MeetingRecord, error) {
	var row meetingRow
	if err := idb.NewSelect().Model(&row).Where(where, args...).Scan(ctx); err != nil {
		if noRows(err) {
			return MeetingRecord{}, notFound("Meeting")
		}
		return MeetingRecord{}, fmt.Errorf("select meeting: %w", err)
	}
	return db.recordOf(ctx, idb, row)
}

func (db *DB) recordOf(ctx context.Context, idb bun.IDB, row meetingRow) (MeetingRecord, error) {
	var g guestRow
	if err := idb.NewSelect().Model(&g).Where("id = ?", row.GuestID).Scan(ctx); err != nil {
		return MeetingRecord{}, fmt.Errorf("select meeting guest: %w", err)
	}
	agent, err := agentBy(ctx, idb, "id = ?", row.AgentID)
	if err != nil {
		return MeetingRecord{}, err
	}
	var token string
	if err := idb.NewSelect().Table("conversations").Column("access_token").Where("id = ?", row.ConversationID).Scan(ctx, &token); err != nil {
		return MeetingRecord{}, fmt.Errorf("select meeting conversation: %w", err)
	}
	return MeetingRecord{
		Meeting: row.model(model.Guest{ID: g.ID, Name: g.Name, Email: g.Email, Phone: g.Phone, Company: g.Company}),
		Agent:   agent, ManageToken: row.ManageToken, ConversationToken: token, Language: row.Language,
		ReminderMinutes: row.ReminderMinutes,
	}, nil
}

// Meeting loads one meeting of an organization.
func (db *DB) Meeting(ctx context.Context, orgID, id int64) (MeetingRecord, error) {
	return db.meetingRecord(ctx, db.Bun, "organization_id = ? AND id = ?", orgID, id)
}

// MeetingByManageToken opens a meeting by the guest's manage token.
func (db *DB) MeetingByManageToken(ctx context.Context, token string) (MeetingRecord, error) {
	if len(token) < 22 || len(token) > 64 {
		return MeetingRecord{}, notFound("Meeting")
	}
	return db.meetingRecord(ctx, db.Bun, "manage_token = ?", token)
}

// MeetingOfConversation is the latest meeting held in a conversation.
func (db *DB) MeetingOfConversation(ctx context.Context, orgID, convID int64) (MeetingRecord, error) {
	var row meetingRow
	err := db.Bun.NewSelect().Model(&row).Where("organization_id = ? AND conversation_id = ?", orgID, convID).
		Order("id DESC").Limit(1).Scan(ctx)
	if noRows(err) {
		return MeetingRecord{}, notFound("Meeting")
	}
	if err != nil {
		return MeetingRecord{}, fmt.Errorf("select meeting: %w", err)
	}
	return db.recordOf(ctx, db.Bun, row)
}

// AgentMeetings lists an agent's meetings ending after from, soonest
// first; cancelled ones only when withCancelled.
func (db *DB) AgentMeetings(ctx context.Context, orgID, agentID int64, from time.Time, withCancelled bool) ([]model.Meeting, error) {
	var rows []struct {
		meetingRow `bun:",extend"`
		GuestName  string
		GuestEmail string
	}
	q := db.Bun.NewSelect().Model(&rows).ColumnExpr("mt.*, g.name AS guest_name, g.email AS guest_email").
		Join("JOIN guests AS g ON g.id = mt.guest_id").
		Where("mt.organization_id = ? AND mt.agent_id = ?", orgID, agentID).
		Where("mt.starts_at + mt.duration_minutes * interval '1 minute' > ?", from)
	if !withCancelled {
		q = q.Where("mt.status = 'scheduled'")
	}
	if err := q.Order("mt.starts_at").Limit(500).Scan(ctx); err != nil {
		return nil, fmt.Errorf("select agent meetings: %w", err)
	}
	out := make([]model.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.model(model.Guest{ID: r.GuestID, Name: r.GuestName, Email: r.GuestEmail})
	}
	return out, nil
}

// MeetingUpdate changes a meeting: a new time and length, or cancellation.
type MeetingUpdate struct {
	Start    time.Time
	Duration int
	Blocked  [2]time.Time
	Cancel   bool
	// Note is the system message posted in the conversation.
	Note string
}

// UpdateMeeting applies a change in one transaction: the meeting with a
// higher SEQUENCE (the calendar's way to say "this replaces what you
// have"), a notice in the conversation, and also — emails, calendar,
// reminders. A new time that overlaps another meeting is refused by the
// database with slot_taken.
func (db *DB) UpdateMeeting(ctx context.Context, orgID, id int64, upd MeetingUpdate, also func(ctx context.Context, tx bun.Tx, before, after MeetingRecord) error) (MeetingRecord, error) {
	var out MeetingRecord
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = db.UpdateMeetingTx(ctx, tx, orgID, id, upd, also)
		return err
	})
	return out, err
}

// UpdateMeetingTx is UpdateMeeting in the caller's transaction.
func (db *DB) UpdateMeetingTx(ctx context.Context, tx bun.Tx, orgID, id int64, upd MeetingUpdate, also func(ctx context.Context, tx bun.Tx, before, after MeetingRecord) error) (MeetingRecord, error) {
	var row meetingRow
	if err := tx.NewSelect().Model(&row).Where("organization_id = ? AND id = ?", orgID, id).For("UPDATE").Scan(ctx); err != nil {
		if noRows(err) {
			return MeetingRecord{}, notFound("Meeting")
		}
		return MeetingRecord{}, fmt.Errorf("lock meeting: %w", err)
	}
	if row.Status != string(model.MeetingScheduled) {
		return MeetingRecord{}, &model.Error{Status: http.StatusConflict, Code: CodeMeetingCancelled, Message: "This meeting was cancelled and can no longer be changed."}
	}
	before, err := db.recordOf(ctx, tx, row)
	if err != nil {
		return MeetingRecord{}, err
	}
	q := tx.NewUpdate().Table("meetings").Set("sequence = sequence + 1").Set("updated_at = now()").Where("id = ?", id)
	if upd.Cancel {
		q = q.Set("status = 'cancelled'")
	} else {
		q = q.Set("starts_at = ?", upd.Start).Set("duration_minutes = ?", upd.Duration).
			Set("blocked = ?::tstzrange", tstzrange(upd.Blocked[0], upd.Blocked[1]))
	}
	if _, err := q.Exec(ctx); err != nil {
		return MeetingRecord{}, fmt.Errorf("update meeting: %w", translate(err))
	}
	if _, err := db.AppendMessageTx(ctx, tx, orgID, row.ConversationID, Author{Kind: model.AuthorSystem, Name: "Frontdesk"}, "", upd.Note); err != nil {
		return MeetingRecord{}, err
	}
	out, err := db.meetingRecord(ctx, tx, "id = ?", id)
	if err != nil {
		return MeetingRecord{}, err
	}
	if also != nil {
		if err := also(ctx, tx, before, out); err != nil {
			return MeetingRecord{}, err
		}
	}
	return out, nil
}

// CodeMeetingCancelled refuses changes to a cancelled meeting.
const CodeMeetingCancelled = "meeting_cancelled"
