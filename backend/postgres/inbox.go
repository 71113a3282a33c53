package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

// ConversationAccess is ConversationByToken by id, for jobs that act for
// the guest (transcripts).
func (db *DB) ConversationAccess(ctx context.Context, convID int64) (GuestAccess, error) {
	var token string
	err := db.Bun.NewSelect().Table("conversations").Column("access_token").Where("id = ?", convID).Scan(ctx, &token)
	if noRows(err) {
		return GuestAccess{}, notFound("Conversation")
	}
	if err != nil {
		return GuestAccess{}, fmt.Errorf("select conversation: %w", err)
	}
	return db.ConversationByToken(ctx, token)
}

// Guest context.

type contextRow struct {
	bun.BaseModel  `bun:"table:conversation_context,alias:cx"`
	ConversationID int64 `bun:",pk"`
	OrganizationID int64
	PageURL        string
	PageTitle      string
	StartURL       string
	Referrer       string
	UserAgent      string
	TimeZone       string
	Language       string
	UpdatedAt      time.Time
}

// PageVisit is what the widget reports, with the browser's User-Agent.
type PageVisit struct {
	model.PageContext
	UserAgent string
}

// SetPageContext records where a guest is. The start page and referrer
// are kept from the first report; the current page follows every report.
// It notifies agents (only) of the change.
func (db *DB) SetPageContext(ctx context.Context, orgID, convID int64, v PageVisit) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		row := contextRow{ConversationID: convID, OrganizationID: orgID, PageURL: v.PageURL, PageTitle: v.PageTitle,
			StartURL: v.StartURL, Referrer: v.Referrer, UserAgent: v.UserAgent, TimeZone: v.TimeZone, Language: v.Language, UpdatedAt: db.Now()}
		if row.StartURL == "" {
			row.StartURL = v.PageURL
		}
		if _, err := tx.NewInsert().Model(&row).
			On("CONFLICT (conversation_id) DO UPDATE").
			Set("page_url = EXCLUDED.page_url, page_title = EXCLUDED.page_title").
			Set("start_url = CASE WHEN cx.start_url = '' THEN EXCLUDED.start_url ELSE cx.start_url END").
			Set("referrer = CASE WHEN cx.referrer = '' THEN EXCLUDED.referrer ELSE cx.referrer END").
			Set("user_agent = EXCLUDED.user_agent").
			Set("time_zone = CASE WHEN EXCLUDED.time_zone <> '' THEN EXCLUDED.time_zone ELSE cx.time_zone END").
			Set("language = CASE WHEN EXCLUDED.language <> '' THEN EXCLUDED.language ELSE cx.language END").
			Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return fmt.Errorf("upsert guest context: %w", translate(err))
		}
		return notify(ctx, tx, Notification{OrganizationID: orgID, ConversationID: convID, AgentsOnly: true,
			Event: model.Event{Type: model.EventContext, ConversationID: convID}})
	})
}

// GuestContext returns where a conversation's guest is and was, their
// earlier conversations and the conversation's rating. Browser and OS are
// left for the caller to derive from UserAgent.
func (db *DB) GuestContext(ctx context.Context, orgID, convID int64) (GuestContextRecord, error) {
	var out GuestContextRecord
	c, err := conversation(ctx, db.Bun, orgID, convID, 0)
	if err != nil {
		return out, err
	}
	var row contextRow
	err = db.Bun.NewSelect().Model(&row).Where("conversation_id = ?", convID).Scan(ctx)
	if err != nil && !noRows(err) {
		return out, fmt.Errorf("select guest context: %w", err)
	}
	out.GuestContext = model.GuestContext{PageURL: row.PageURL, PageTitle: row.PageTitle, StartURL: row.StartURL,
		Referrer: row.Referrer, TimeZone: row.TimeZone, Language: row.Language, UpdatedAt: row.UpdatedAt,
		Earlier: []model.EarlierConversation{}}
	out.UserAgent = row.UserAgent

	var earlier []conversationRow
	q := db.Bun.NewSelect().Model(&earlier).Column("c.id", "c.channel", "c.status", "c.last_message", "c.updated_at").
		Where("c.organization_id = ? AND c.id <> ?", orgID, convID)
	if email := c.Guest.Email; email != "" {
		q = q.Where("(c.guest_id = ? OR c.guest_id IN (SELECT id FROM guests WHERE organization_id = ? AND email = ?))", c.Guest.ID, orgID, email)
	} else {
		q = q.Where("c.guest_id = ?", c.Guest.ID)
	}
	if err := q.Order("c.updated_at DESC").Limit(20).Scan(ctx); err != nil {
		return out, fmt.Errorf("select earlier conversations: %w", err)
	}
	for _, e := range earlier {
		out.Earlier = append(out.Earlier, model.EarlierConversation{ID: e.ID, Channel: model.Channel(e.Channel),
			Status: model.Status(e.Status), LastMessage: e.LastMessage, UpdatedAt: e.UpdatedAt})
	}
	if out.Rating, err = db.rating(ctx, convID); err != nil {
		return out, err
	}
	return out, nil
}

// GuestContextRecord is a GuestContext with the raw User-Agent.
type GuestContextRecord struct {
	model.GuestContext
	UserAgent string
}

// Ratings.

type ratingRow struct {
	bun.BaseModel  `bun:"table:conversation_ratings,alias:r"`
	ConversationID int64 `bun:",pk"`
	OrganizationID int64
	Score          int
	Comment        string
	AgentID        *int64
	ServiceID      *int64
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
	UpdatedAt      time.Time `bun:",nullzero,default:now()"`
}

func (db *DB) rating(ctx context.Context, convID int64) (*model.Rating, error) {
	var row ratingRow
	err := db.Bun.NewSelect().Model(&row).Where("conversation_id = ?", convID).Scan(ctx)
	if noRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("select rating: %w", err)
	}
	return &model.Rating{Score: row.Score, Comment: row.Comment, UpdatedAt: row.UpdatedAt}, nil
}

// Rating returns a conversation's rating, nil when it has none.
func (db *DB) Rating(ctx context.Context, convID int64) (*model.Rating, error) {
	return db.rating(ctx, convID)
}

// Rate stores a guest's rating of a resolved conversation, replacing an
// earlier one. It counts for whoever holds the conversation now, and
// agents see it at once.
func (db *DB) Rate(ctx context.Context, orgID, convID int64, in model.RatingInput) (model.Rating, error) {
	var out model.Rating
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var conv conversationRow
		if err := tx.NewSelect().Model(&conv).Column("id", "status", "assignee_id", "service_id").
			Where("organization_id = ? AND id = ?", orgID, convID).For("UPDATE").Scan(ctx); err != nil {
			if noRows(err) {
				return notFound("Conversation")
			}
			return fmt.Errorf("lock conversation: %w", err)
		}
		if conv.Status != string(model.StatusResolved) {
			return &model.Error{Status: http.StatusConflict, Code: model.CodeRatingNotAvailable, Message: "A conversation can be rated once it is resolved."}
		}
		row := ratingRow{ConversationID: convID, OrganizationID: orgID, Score: in.Score, Comment: in.Comment,
			AgentID: conv.AssigneeID, ServiceID: conv.ServiceID, UpdatedAt: db.Now()}
		if _, err := tx.NewInsert().Model(&row).On("CONFLICT (conversation_id) DO UPDATE").
			Set("score = EXCLUDED.score, comment = EXCLUDED.comment, agent_id = EXCLUDED.agent_id").
			Set("service_id = EXCLUDED.service_id, updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return fmt.Errorf("upsert rating: %w", translate(err))
		}
		out = model.Rating{Score: row.Score, Comment: row.Comment, UpdatedAt: row.UpdatedAt}
		return notify(ctx, tx, Notification{OrganizationID: orgID, ConversationID: convID, AgentsOnly: true,
			Event: model.Event{Type: model.EventContext, ConversationID: convID}})
	})
	return out, err
}

// SatisfactionReport sums up the ratings of the last days days, per agent
// and per service.
func (db *DB) SatisfactionReport(ctx context.Context, orgID int64, days int) (model.SatisfactionReport, error) {
	since := db.Now().AddDate(0, 0, -days)
	rep := model.SatisfactionReport{Days: days, Since: since, Agents: []model.RatingRow{}, Services: []model.RatingRow{}}
	type group struct {
		ID    int64
		Name  string
		Score int
		N     int
	}
	read := func(by, join, name string) ([]model.RatingRow, error) {
		var rows []group
		err := db.Bun.NewRaw(`SELECT coalesce(r.`+by+`, 0) AS id, coalesce(`+name+`, '') AS name, r.score, count(*) AS n
			FROM conversation_ratings r `+join+`
			WHERE r.organization_id = ? AND r.updated_at >= ?
			GROUP BY 1, 2, 3 ORDER BY 2, 1, 3`, orgID, since).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("rating report: %w", err)
		}
		var out []model.RatingRow
		for _, g := range rows {
			if len(out) == 0 || out[len(out)-1].ID != g.ID {
				out = append(out, model.RatingRow{ID: g.ID, Name: g.Name})
			}
			addScore(&out[len(out)-1].RatingStats, g.Score, g.N)
		}
		for i := range out {
			finish(&out[i].RatingStats)
		}
		return out, nil
	}
	var err error
	if rep.Agents, err = read("agent_id", "LEFT JOIN agents a ON a.id = r.agent_id", "a.name"); err != nil {
		return rep, err
	}
	if rep.Services, err = read("service_id", "LEFT JOIN services s ON s.id = r.service_id", "s.name"); err != nil {
		return rep, err
	}
	for _, a := range rep.Agents {
		for i, n := range a.Scores {
			addScore(&rep.Total, i+1, n)
		}
	}
	finish(&rep.Total)
	if rep.Agents == nil {
		rep.Agents = []model.RatingRow{}
	}
	if rep.Services == nil {
		rep.Services = []model.RatingRow{}
	}
	return rep, nil
}

func addScore(s *model.RatingStats, score, n int) {
	if score >= 1 && score <= 5 {
		s.Scores[score-1] += n
		s.Count += n
	}
}

// finish computes the average, to two decimals.
func finish(s *model.RatingStats) {
	if s.Count == 0 {
		return
	}
	sum := 0
	for i, n := range s.Scores {
		sum += (i + 1) * n
	}
	s.Average = math.Round(float64(sum)/float64(s.Count)*100) / 100
}

// Saved replies.

type savedReplyRow struct {
	bun.BaseModel  `bun:"table:saved_replies,alias:sr"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	AgentID        *int64
	Title          string
	Body           string
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
	UpdatedAt      time.Time `bun:",nullzero,default:now()"`
}

func (r savedReplyRow) model() model.SavedReply {
	return model.SavedReply{ID: r.ID, Title: r.Title, Body: r.Body, Personal: r.AgentID != nil, UpdatedAt: r.UpdatedAt}
}

// SavedReplies lists what an agent may use: the organization's and their
// own, by title.
func (db *DB) SavedReplies(ctx context.Context, orgID, agentID int64) ([]model.SavedReply, error) {
	var rows []savedReplyRow
	if err := db.Bun.NewSelect().Model(&rows).Where("organization_id = ? AND (agent_id IS NULL OR agent_id = ?)", orgID, agentID).
		OrderExpr("lower(title), id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select saved replies: %w", err)
	}
	out := make([]model.SavedReply, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// SavedReply loads one saved reply the agent may use.
func (db *DB) SavedReply(ctx context.Context, orgID, agentID, id int64) (model.SavedReply, error) {
	var row savedReplyRow
	err := db.Bun.NewSelect().Model(&row).Where("organization_id = ? AND id = ? AND (agent_id IS NULL OR agent_id = ?)", orgID, id, agentID).Scan(ctx)
	if noRows(err) {
		return model.SavedReply{}, notFound("Saved reply")
	}
	if err != nil {
		return model.SavedReply{}, fmt.Errorf("select saved reply: %w", err)
	}
	return row.model(), nil
}

var savedReplyTaken = &model.Error{Status: http.StatusConflict, Code: model.CodeNameTaken,
	Message: "A saved reply with this title already exists.", Fields: map[string]string{"title": "already taken"}}

// SaveReply creates (id 0) or replaces a saved reply: personal ones of
// agentID, or the organization's. The caller checks who may write which.
func (db *DB) SaveReply(ctx context.Context, orgID, agentID, id int64, in model.SavedReplyInput) (model.SavedReply, error) {
	row := savedReplyRow{ID: id, OrganizationID: orgID, Title: strings.TrimSpace(in.Title), Body: in.Body, UpdatedAt: db.Now()}
	if in.Personal {
		row.AgentID = &agentID
	}
	var res sql.Result
	var err error
	if id == 0 {
		res, err = db.Bun.NewInsert().Model(&row).Returning("*").Exec(ctx)
	} else {
		res, err = db.Bun.NewUpdate().Model(&row).Column("title", "body", "agent_id", "updated_at").
			Where("organization_id = ? AND id = ?", orgID, id).Returning("*").Exec(ctx)
	}
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			return model.SavedReply{}, notFound("Saved reply")
		}
	}
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.ConstraintName == "saved_replies_title_key" {
		return model.SavedReply{}, savedReplyTaken
	}
	if err != nil {
		return model.SavedReply{}, fmt.Errorf("save reply: %w", translate(err))
	}
	return row.model(), nil
}

// DeleteSavedReply removes a saved reply.
func (db *DB) DeleteSavedReply(ctx context.Context, orgID, id int64) error {
	res, err := db.Bun.NewDelete().Table("saved_replies").Where("organization_id = ? AND id = ?", orgID, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete saved reply: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Saved reply")
	}
	return nil
}
