package postgres

import (
	"context"
	"fmt"
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
// meetings hold between from and to.
func (db *DB) MeetingBlocks(ctx context.Context, agentID int64, from, to time.Time) ([][2]time.Time, error) {
	var rows []struct {
		Lo time.Time
		Hi time.Time
	}
	err := db.Bun.NewSelect().Table("meetings").ColumnExpr("lower(blocked) AS lo, upper(blocked) AS hi").
		Where("agent_id = ? AND status = 'scheduled' AND blocked && ?::tstzrange", agentID, tstzrange(from, to)).
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
	// Summary is the system message posted in the new conversation.
	Summary string
}

// Booked is a stored meeting with its conversation.
type Booked struct {
	Meeting model.Meeting
	Access  GuestAccess
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
		access, _, err := startConversation(ctx, tx, NewConversation{
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
			Status: string(model.MeetingScheduled), UID: in.UID, Notes: in.Notes,
		}
		if _, err := tx.NewInsert().Model(&row).Returning("id, created_at, updated_at, sequence").Exec(ctx); err != nil {
			return fmt.Errorf("insert meeting: %w", translate(err))
		}
		if _, err := AppendMessageTx(ctx, tx, in.OrganizationID, access.Conversation.ID, Author{Kind: model.AuthorSystem, Name: "Frontdesk"}, "", in.Summary); err != nil {
			return err
		}
		if access.Conversation, err = conversation(ctx, tx, in.OrganizationID, access.Conversation.ID, 0); err != nil {
			return err
		}
		out = Booked{Meeting: row.model(access.Conversation.Guest), Access: access}
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
