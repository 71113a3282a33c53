package postgres

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/eventbus"
	"github.com/frontdesk/frontdesk/model"
)

// Notification is one realtime event raised by a change: see notify.
type Notification = eventbus.Envelope

// notify raises an event in the transaction that causes it. The event is
// kept until the transaction commits and then announced (DB.Announce);
// a rolled back transaction announces nothing. Every transaction runs
// through DB.InTx, which collects them.
func notify(ctx context.Context, _ bun.IDB, n Notification) error {
	p, _ := ctx.Value(eventsKey{}).(*raised)
	if p == nil {
		return errors.New("postgres: event raised outside DB.InTx")
	}
	p.events = append(p.events, n)
	return nil
}

type guestRow struct {
	bun.BaseModel  `bun:"table:guests,alias:g"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	VisitorHash    []byte
	Name           string
	Email          string
	Phone          string
	Company        string
	Language       string
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
}

type conversationRow struct {
	bun.BaseModel  `bun:"table:conversations,alias:c"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	Channel        string
	Status         string
	GuestID        int64
	WidgetID       *int64
	ServiceID      *int64
	AssigneeID     *int64
	AccessToken    string
	Language       string
	LastSeq        int64
	LastMessage    string
	GuestReadSeq   int64
	// GuestEmailedSeq is how far replies went out by email.
	GuestEmailedSeq int64
	CreatedAt       time.Time `bun:",nullzero,default:now()"`
	UpdatedAt       time.Time `bun:",nullzero,default:now()"`
}

// conversationView is a conversation with what lists and panels show.
type conversationView struct {
	conversationRow `bun:",extend"`
	GuestName       string
	GuestEmail      string
	GuestPhone      string
	GuestCompany    string
	GuestErased     bool
	ServiceName     *string
	Unread          int64 `bun:",scanonly"`
	CompanyName     *string
	CompanyURL      *string
	LeadProvider    *string
	LeadStatus      *string
	LeadRecordID    *string
	LeadURL         *string
	LeadError       *string
	LeadCode        *string
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (v conversationView) model() model.Conversation {
	c := model.Conversation{
		ID: v.ID, OrganizationID: v.OrganizationID, Channel: model.Channel(v.Channel), Status: model.Status(v.Status),
		ServiceID: v.ServiceID, AssigneeID: v.AssigneeID, LastSeq: v.LastSeq, GuestReadSeq: v.GuestReadSeq, LastMessage: v.LastMessage,
		Unread: v.Unread, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Tags: []model.Tag{},
		Guest: model.Guest{ID: v.GuestID, Name: v.GuestName, Email: v.GuestEmail, Phone: v.GuestPhone, Company: v.GuestCompany, Erased: v.GuestErased},
	}
	if v.ServiceName != nil {
		c.Tags = append(c.Tags, model.Tag{Kind: "service", Label: *v.ServiceName})
	}
	if name := deref(v.CompanyName); name != "" {
		c.Tags = append(c.Tags, model.Tag{Kind: "company", Label: name, URL: deref(v.CompanyURL)})
	}
	if st := deref(v.LeadStatus); st != "" {
		c.CRMLead = &model.CRMLead{Provider: deref(v.LeadProvider), Status: st, RecordID: deref(v.LeadRecordID),
			URL: deref(v.LeadURL), Error: deref(v.LeadError), Code: deref(v.LeadCode)}
	}
	return c
}

// selectConversations joins what a conversation view shows; agentID (0 for
// none) decides the unread count.
func selectConversations(idb bun.IDB, rows *[]conversationView, agentID int64) *bun.SelectQuery {
	return idb.NewSelect().Model(rows).
		ColumnExpr("c.*").
		ColumnExpr("g.name AS guest_name, g.email AS guest_email, g.phone AS guest_phone, g.company AS guest_company").
		ColumnExpr("EXISTS (SELECT 1 FROM erased_guests eg WHERE eg.guest_id = g.id) AS guest_erased").
		ColumnExpr("s.name AS service_name").
		ColumnExpr("cc.company_name, cc.company_url, cc.lead_provider, cc.lead_status, cc.lead_record_id, cc.lead_url, cc.lead_error, cc.lead_code").
		ColumnExpr(`c.last_seq - coalesce((SELECT ca.last_read_seq FROM conversation_agents ca
			WHERE ca.conversation_id = c.id AND ca.agent_id = ?), 0) AS unread`, agentID).
		Join("JOIN guests AS g ON g.id = c.guest_id").
		Join("LEFT JOIN services AS s ON s.id = c.service_id").
		Join("LEFT JOIN conversation_crm AS cc ON cc.conversation_id = c.id")
}

// View names the inbox lists.
type View string

const (
	ViewMine       View = "mine"
	ViewUnassigned View = "unassigned"
	ViewOpen       View = "open"
	ViewResolved   View = "resolved"
)

// Conversations lists one inbox view for an agent, most recent first.
func (db *DB) Conversations(ctx context.Context, agent model.Agent, view View, serviceID int64, limit int) ([]model.Conversation, error) {
	var rows []conversationView
	q := selectConversations(db.Bun, &rows, agent.ID).Where("c.organization_id = ?", agent.OrganizationID)
	switch view {
	case ViewMine:
		q = q.Where("c.status <> 'resolved'").WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("c.assignee_id = ?", agent.ID).
				WhereOr("EXISTS (SELECT 1 FROM conversation_agents ca WHERE ca.conversation_id = c.id AND ca.agent_id = ? AND ca.left_at IS NULL)", agent.ID)
		})
	case ViewUnassigned:
		q = q.Where("c.status <> 'resolved' AND c.assignee_id IS NULL").
			Where("(c.service_id IS NULL OR c.service_id IN (SELECT service_id FROM service_members WHERE agent_id = ?))", agent.ID)
	case ViewOpen:
		q = q.Where("c.status <> 'resolved'")
	case ViewResolved:
		q = q.Where("c.status = 'resolved'")
	default:
		return nil, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "Unknown view.", Fields: map[string]string{"view": "must be mine, unassigned, open or resolved"}}
	}
	if serviceID > 0 {
		q = q.Where("c.service_id = ?", serviceID)
	}
	if err := q.Order("c.updated_at DESC", "c.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("select conversations: %w", err)
	}
	out := make([]model.Conversation, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// Conversation loads one conversation of an organization as agentID sees it.
func (db *DB) Conversation(ctx context.Context, orgID, id, agentID int64) (model.Conversation, error) {
	return conversation(ctx, db.Bun, orgID, id, agentID)
}

func conversation(ctx context.Context, idb bun.IDB, orgID, id, agentID int64) (model.Conversation, error) {
	var rows []conversationView
	if err := selectConversations(idb, &rows, agentID).Where("c.organization_id = ? AND c.id = ?", orgID, id).Scan(ctx); err != nil {
		return model.Conversation{}, fmt.Errorf("select conversation: %w", err)
	}
	if len(rows) == 0 {
		return model.Conversation{}, notFound("Conversation")
	}
	return rows[0].model(), nil
}

// GuestAccess is a conversation as its guest may see it, found by access
// token.
type GuestAccess struct {
	Conversation model.Conversation
	Token        string
	WidgetID     *int64
	Language     string
}

// ConversationByToken opens a conversation by its guest access token.
func (db *DB) ConversationByToken(ctx context.Context, token string) (GuestAccess, error) {
	if len(token) < 22 || len(token) > 64 {
		return GuestAccess{}, notFound("Conversation")
	}
	var rows []conversationView
	if err := selectConversations(db.Bun, &rows, 0).Where("c.access_token = ?", token).Scan(ctx); err != nil {
		return GuestAccess{}, fmt.Errorf("select conversation: %w", err)
	}
	if len(rows) == 0 {
		return GuestAccess{}, notFound("Conversation")
	}
	return GuestAccess{Conversation: rows[0].model(), Token: token, WidgetID: rows[0].WidgetID, Language: rows[0].Language}, nil
}

// NewConversation opens a conversation for a guest.
type NewConversation struct {
	OrganizationID int64
	Channel        model.Channel
	WidgetID       *int64
	ServiceID      *int64
	AssigneeID     *int64
	// VisitorToken finds the guest again; empty for a one-off guest.
	VisitorToken string
	Guest        model.Guest
	Language     string
	AccessToken  string
	// ReuseOpen returns the visitor's open conversation of the same widget
	// instead of creating another.
	ReuseOpen bool
	// Route picks the assignee by the service's strategy when AssigneeID is
	// nil.
	Route bool
}

// StartConversation finds or creates the guest and opens a conversation,
// or returns the one the visitor already has open when ReuseOpen. created
// tells which.
func (db *DB) StartConversation(ctx context.Context, in NewConversation) (out GuestAccess, created bool, err error) {
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var e error
		out, created, e = db.startConversation(ctx, tx, in)
		return e
	})
	return out, created, err
}

func visitorHash(token string) []byte {
	h := sha256.Sum256([]byte("visitor:" + token))
	return h[:]
}

func (db *DB) startConversation(ctx context.Context, tx bun.Tx, in NewConversation) (GuestAccess, bool, error) {
	guest := guestRow{OrganizationID: in.OrganizationID, Name: in.Guest.Name, Email: strings.ToLower(in.Guest.Email), Phone: in.Guest.Phone, Company: in.Guest.Company, Language: in.Language}
	if in.VisitorToken != "" {
		guest.VisitorHash = visitorHash(in.VisitorToken)
		// One guest per visitor and organization; a returning visitor's new
		// details fill in what was missing without erasing what we knew.
		if _, err := tx.NewInsert().Model(&guest).
			On("CONFLICT (organization_id, visitor_hash) WHERE visitor_hash IS NOT NULL DO UPDATE").
			Set("name = CASE WHEN EXCLUDED.name <> '' THEN EXCLUDED.name ELSE g.name END").
			Set("email = CASE WHEN EXCLUDED.email <> '' THEN EXCLUDED.email ELSE g.email END").
			Set("language = EXCLUDED.language").
			Returning("*").Exec(ctx); err != nil {
			return GuestAccess{}, false, fmt.Errorf("upsert guest: %w", translate(err))
		}
	} else if _, err := tx.NewInsert().Model(&guest).Returning("*").Exec(ctx); err != nil {
		return GuestAccess{}, false, fmt.Errorf("insert guest: %w", translate(err))
	}

	if in.ReuseOpen {
		var existing conversationRow
		q := tx.NewSelect().Model(&existing).
			Where("organization_id = ? AND guest_id = ? AND channel = ? AND status <> 'resolved'", in.OrganizationID, guest.ID, in.Channel)
		if in.WidgetID != nil {
			q = q.Where("widget_id = ?", *in.WidgetID)
		}
		if in.AssigneeID != nil {
			q = q.Where("assignee_id = ?", *in.AssigneeID)
		}
		err := q.Order("updated_at DESC").Limit(1).Scan(ctx)
		if err == nil {
			c, err := conversation(ctx, tx, in.OrganizationID, existing.ID, 0)
			return GuestAccess{Conversation: c, Token: existing.AccessToken, WidgetID: existing.WidgetID, Language: existing.Language}, false, err
		}
		if !noRows(err) {
			return GuestAccess{}, false, fmt.Errorf("find open conversation: %w", err)
		}
	}

	if in.AssigneeID == nil && in.Route {
		routed, err := RouteTx(ctx, tx, in.OrganizationID, in.ServiceID)
		if err != nil {
			return GuestAccess{}, false, err
		}
		in.AssigneeID = routed
	}
	row := conversationRow{
		OrganizationID: in.OrganizationID, Channel: string(in.Channel), Status: string(model.StatusOpen),
		GuestID: guest.ID, WidgetID: in.WidgetID, ServiceID: in.ServiceID, AssigneeID: in.AssigneeID,
		AccessToken: in.AccessToken, Language: in.Language,
	}
	if row.Language == "" {
		row.Language = "en"
	}
	if _, err := tx.NewInsert().Model(&row).Returning("*").Exec(ctx); err != nil {
		return GuestAccess{}, false, fmt.Errorf("insert conversation: %w", translate(err))
	}
	if in.AssigneeID != nil {
		if err := joinConversation(ctx, tx, in.OrganizationID, row.ID, *in.AssigneeID, 0); err != nil {
			return GuestAccess{}, false, err
		}
	}
	c, err := conversation(ctx, tx, in.OrganizationID, row.ID, 0)
	if err != nil {
		return GuestAccess{}, false, err
	}
	if c.Guest.Email != "" && db.GuestEmailHook != nil {
		if err := db.GuestEmailHook(ctx, tx, in.OrganizationID, c.ID); err != nil {
			return GuestAccess{}, false, fmt.Errorf("guest email hook: %w", err)
		}
	}
	if err := notify(ctx, tx, Notification{OrganizationID: in.OrganizationID, ConversationID: c.ID, Event: model.Event{Type: model.EventConversation, ConversationID: c.ID, Conversation: &c}}); err != nil {
		return GuestAccess{}, false, err
	}
	return GuestAccess{Conversation: c, Token: row.AccessToken, WidgetID: row.WidgetID, Language: row.Language}, true, nil
}

// joinConversation makes an agent a participant (again), marking read up to
// seq.
func joinConversation(ctx context.Context, tx bun.IDB, orgID, convID, agentID, seq int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO conversation_agents (organization_id, conversation_id, agent_id, last_read_seq)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_id, agent_id) DO UPDATE SET left_at = NULL,
			last_read_seq = greatest(conversation_agents.last_read_seq, EXCLUDED.last_read_seq)`, orgID, convID, agentID, seq)
	if err != nil {
		return fmt.Errorf("join conversation: %w", translate(err))
	}
	return nil
}

// SetGuestEmail records where replies go while no agent is online.
func (db *DB) SetGuestEmail(ctx context.Context, orgID, convID, guestID int64, email string) error {
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Table("guests").Set("email = ?", strings.ToLower(email)).
			Where("organization_id = ? AND id = ?", orgID, guestID).Exec(ctx); err != nil {
			return fmt.Errorf("set guest email: %w", err)
		}
		if db.GuestEmailHook != nil {
			if err := db.GuestEmailHook(ctx, tx, orgID, convID); err != nil {
				return fmt.Errorf("guest email hook: %w", err)
			}
		}
		return nil
	})
}

// TouchConversation notifies a conversation's current state, in tx.
func (db *DB) TouchConversation(ctx context.Context, tx bun.Tx, orgID, convID int64) error {
	c, err := conversation(ctx, tx, orgID, convID, 0)
	if err != nil {
		return err
	}
	return notify(ctx, tx, Notification{OrganizationID: orgID, ConversationID: convID, Event: model.Event{Type: model.EventConversation, ConversationID: convID, Conversation: &c}})
}

// LatestConversation returns the visitor's most recent conversation of a
// widget that is not resolved.
func (db *DB) LatestConversation(ctx context.Context, orgID, widgetID int64, visitorToken string) (GuestAccess, error) {
	var row conversationRow
	err := db.Bun.NewSelect().Model(&row).
		Join("JOIN guests AS g ON g.id = c.guest_id").
		Where("c.organization_id = ? AND c.widget_id = ? AND g.visitor_hash = ?", orgID, widgetID, visitorHash(visitorToken)).
		Order("c.updated_at DESC").Limit(1).Scan(ctx)
	if noRows(err) {
		return GuestAccess{}, notFound("Conversation")
	}
	if err != nil {
		return GuestAccess{}, fmt.Errorf("select latest conversation: %w", err)
	}
	return db.ConversationByToken(ctx, row.AccessToken)
}

// Author says who writes a message.
type Author struct {
	Kind model.AuthorKind
	ID   *int64 // agent id for agents
	Name string
}

// AppendResult is a stored message and whether it was stored before (a
// retry with the same client id).
type AppendResult struct {
	Message   model.Message
	Duplicate bool
	// Reopened is true when a guest message reopened a resolved
	// conversation.
	Reopened bool
}

// DefaultPushWindow is how long a guest's burst of messages is collected
// into one push notification to offline agents (see pending_pushes), unless
// DB.PushWindow says otherwise.
const DefaultPushWindow = 2 * time.Second

// appendSQL stores a message in one statement, one round trip: skip it when
// the client id was stored before (dup), lock the conversation and keep its
// old status (old), advance its seq (conv), insert the message with that seq
// (m), make an agent author a participant again (j), and mark the
// conversation for the push sweeper on a guest's message, unless a burst
// already marked it (p). $1 organization, $2 conversation, $3
// client id or NULL, $4 author kind, $5 author's agent id or NULL, $6 author
// name, $7 body, $8 preview, $9 push window in seconds.
const appendSQL = `WITH dup AS (
	SELECT 1 FROM messages WHERE organization_id = $1 AND conversation_id = $2 AND client_id = $3),
old AS (
	SELECT id, status FROM conversations WHERE organization_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM dup) FOR UPDATE),
conv AS (
	UPDATE conversations AS c SET last_seq = c.last_seq + 1, last_message = $8, updated_at = now(),
		guest_read_seq = CASE WHEN $4 = 'guest' THEN c.last_seq + 1 ELSE c.guest_read_seq END,
		status = CASE WHEN $4 = 'guest' AND c.status = 'resolved' THEN 'open' ELSE c.status END
	FROM old WHERE c.id = old.id
	RETURNING c.id, c.last_seq, old.status AS old_status),
m AS (
	INSERT INTO messages (organization_id, conversation_id, seq, client_id, author_kind, author_id, author_name, body)
	SELECT $1, conv.id, conv.last_seq, $3, $4, $5, $6, $7 FROM conv
	RETURNING id, seq, created_at),
j AS (
	INSERT INTO conversation_agents (organization_id, conversation_id, agent_id, last_read_seq)
	SELECT $1, $2, $5, m.seq FROM m WHERE $4 = 'agent' AND $5::bigint IS NOT NULL
	ON CONFLICT (conversation_id, agent_id) DO UPDATE SET left_at = NULL,
		last_read_seq = greatest(conversation_agents.last_read_seq, EXCLUDED.last_read_seq)),
p AS (
	INSERT INTO pending_pushes (organization_id, conversation_id, first_seq, due_at)
	SELECT $1, $2, m.seq, now() + make_interval(secs => $9) FROM m WHERE $4 = 'guest'
	ON CONFLICT (conversation_id) DO NOTHING)
SELECT m.id, m.seq, m.created_at, conv.old_status FROM m, conv`

// AppendMessage stores a message with the conversation's next sequence
// number and announces it once committed. The conversation row is locked
// first, so concurrent senders get consecutive numbers, and a client id
// seen before returns the stored message instead of a second copy (and
// announces it again: the sender may be retrying because the first
// announcement was lost with its instance).
//
// It is one statement in its own transaction, one round trip, except for
// agents' messages while a MessageHook is set: the hook's jobs must be
// queued in the message's transaction.
func (db *DB) AppendMessage(ctx context.Context, orgID, convID int64, author Author, clientID, body string) (AppendResult, error) {
	if author.Kind == model.AuthorAgent && db.MessageHook != nil {
		var res AppendResult
		err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			var e error
			res, e = db.AppendMessageTx(ctx, tx, orgID, convID, author, clientID, body)
			return e
		})
		if err == nil && res.Duplicate {
			db.announce(ctx, []Notification{messageEvent(orgID, res.Message)})
		}
		return res, err
	}
	if err := CheckMessage(clientID, body); err != nil {
		return AppendResult{}, err
	}
	row := db.Pool.QueryRow(ctx, appendSQL, db.appendArgs(pgx.QueryExecModeCacheStatement, orgID, convID, author, clientID, body)...)
	res, err := db.appended(ctx, db.Bun, row.Scan, orgID, convID, author, clientID, body)
	if err != nil {
		return res, err
	}
	events := []Notification{messageEvent(orgID, res.Message)}
	if res.Reopened {
		if c, err := conversation(ctx, db.Bun, orgID, convID, 0); err == nil {
			events = append(events, conversationEvent(orgID, c))
		}
	}
	db.announce(ctx, events)
	return res, nil
}

func (db *DB) appendArgs(mode pgx.QueryExecMode, orgID, convID int64, author Author, clientID, body string) []any {
	var cid *string
	if clientID != "" {
		cid = &clientID
	}
	return []any{mode, orgID, convID, cid, string(author.Kind), author.ID, author.Name, body, preview(body), cmp.Or(db.PushWindow, DefaultPushWindow).Seconds()}
}

// appended reads appendSQL's answer. No row means the client id was stored
// before, or the conversation does not exist; a unique violation on the
// client id means a concurrent retry stored it first.
func (db *DB) appended(ctx context.Context, idb bun.IDB, scan func(...any) error, orgID, convID int64, author Author, clientID, body string) (AppendResult, error) {
	m := model.Message{ConversationID: convID, ClientID: clientID, AuthorKind: author.Kind, AuthorID: author.ID, AuthorName: author.Name, Body: body}
	var oldStatus string
	err := scan(&m.ID, &m.Seq, &m.CreatedAt, &oldStatus)
	if err == nil {
		return AppendResult{Message: m, Reopened: author.Kind == model.AuthorGuest && oldStatus == string(model.StatusResolved)}, nil
	}
	var pgErr *pgconn.PgError
	if !noRows(err) && !(errors.As(err, &pgErr) && pgErr.ConstraintName == "messages_conversation_id_client_id_key") {
		return AppendResult{}, fmt.Errorf("append message: %w", translate(err))
	}
	if clientID != "" {
		var prev messageRow
		err := idb.NewSelect().Model(&prev).Where("organization_id = ? AND conversation_id = ? AND client_id = ?", orgID, convID, clientID).Scan(ctx)
		if err == nil {
			return AppendResult{Message: prev.model(), Duplicate: true}, nil
		}
		if !noRows(err) {
			return AppendResult{}, fmt.Errorf("find message by client id: %w", err)
		}
	}
	return AppendResult{}, notFound("Conversation")
}

func messageEvent(orgID int64, m model.Message) Notification {
	return Notification{OrganizationID: orgID, ConversationID: m.ConversationID,
		Event: model.Event{Type: model.EventMessage, ConversationID: m.ConversationID, Message: &m, Seq: m.Seq}}
}

func conversationEvent(orgID int64, c model.Conversation) Notification {
	return Notification{OrganizationID: orgID, ConversationID: c.ID,
		Event: model.Event{Type: model.EventConversation, ConversationID: c.ID, Conversation: &c}}
}

// AppendMessageTx is AppendMessage inside a caller's transaction (which
// must come from DB.InTx): the same statement, then the MessageHook, and
// the events are announced when the caller's transaction commits.
func (db *DB) AppendMessageTx(ctx context.Context, tx bun.Tx, orgID, convID int64, author Author, clientID, body string) (AppendResult, error) {
	if err := CheckMessage(clientID, body); err != nil {
		return AppendResult{}, err
	}
	if clientID != "" {
		// Take the conversation's lock before the statement: its snapshot
		// then sees a concurrent retry that committed while we waited, and
		// skips the message, instead of failing on the client id's unique
		// key — which would abort the caller's whole transaction (seen in
		// the rolling-restart test: an agent's resend on another instance).
		if _, err := tx.Tx.ExecContext(ctx, "SELECT 1 FROM conversations WHERE organization_id = $1 AND id = $2 FOR UPDATE", orgID, convID); err != nil {
			return AppendResult{}, fmt.Errorf("lock conversation: %w", err)
		}
	}
	// Through database/sql with real parameters: bun would write the
	// values into the text, making every message a new statement to parse
	// and plan.
	row := tx.Tx.QueryRowContext(ctx, appendSQL, db.appendArgs(pgx.QueryExecModeCacheStatement, orgID, convID, author, clientID, body)...)
	res, err := db.appended(ctx, tx, row.Scan, orgID, convID, author, clientID, body)
	if err != nil || res.Duplicate {
		return res, err
	}
	msg := res.Message
	if err := notify(ctx, tx, messageEvent(orgID, msg)); err != nil {
		return AppendResult{}, err
	}
	if db.MessageHook != nil {
		if err := db.MessageHook(ctx, tx, orgID, msg); err != nil {
			return AppendResult{}, fmt.Errorf("message hook: %w", err)
		}
	}
	if res.Reopened {
		c, err := conversation(ctx, tx, orgID, convID, 0)
		if err != nil {
			return AppendResult{}, err
		}
		if err := notify(ctx, tx, conversationEvent(orgID, c)); err != nil {
			return AppendResult{}, err
		}
	}
	return res, nil
}

// NewMessage is a message to store: text, files uploaded beforehand, or
// both; Private makes it a note only agents see.
type NewMessage struct {
	Author        Author
	ClientID      string
	Body          string
	AttachmentIDs []int64
	Private       bool
}

// Post is AppendMessage for any NewMessage: plain text takes
// AppendMessage's one round trip; files and notes a transaction of their
// own (PostTx).
func (db *DB) Post(ctx context.Context, orgID, convID int64, in NewMessage) (AppendResult, error) {
	if len(in.AttachmentIDs) == 0 && !in.Private {
		return db.AppendMessage(ctx, orgID, convID, in.Author, in.ClientID, in.Body)
	}
	var res AppendResult
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var e error
		res, e = db.PostTx(ctx, tx, orgID, convID, in)
		return e
	})
	return res, err
}

// PostTx is Post inside a caller's transaction. Files are claimed in the
// same transaction, so a message exists exactly when its files are part of
// it; a note never reaches the guest's sockets (see Notification).
func (db *DB) PostTx(ctx context.Context, tx bun.Tx, orgID, convID int64, in NewMessage) (AppendResult, error) {
	if err := checkNewMessage(in); err != nil {
		return AppendResult{}, err
	}
	author, clientID, body := in.Author, in.ClientID, in.Body
	var conv conversationRow
	if err := tx.NewSelect().Model(&conv).Column("id", "status", "last_seq").
		Where("organization_id = ? AND id = ?", orgID, convID).For("UPDATE").Scan(ctx); err != nil {
		if noRows(err) {
			return AppendResult{}, notFound("Conversation")
		}
		return AppendResult{}, fmt.Errorf("lock conversation: %w", err)
	}
	if clientID != "" {
		var m messageRow
		err := tx.NewSelect().Model(&m).Where("conversation_id = ? AND client_id = ?", convID, clientID).Scan(ctx)
		if err == nil {
			return AppendResult{Message: m.model(), Duplicate: true}, nil
		}
		if !noRows(err) {
			return AppendResult{}, fmt.Errorf("find message by client id: %w", err)
		}
	}
	files, err := claimAttachments(ctx, tx, orgID, convID, author, in.AttachmentIDs)
	if err != nil {
		return AppendResult{}, err
	}

	reopen := author.Kind == model.AuthorGuest && conv.Status == string(model.StatusResolved)
	m := messageRow{
		OrganizationID: orgID, ConversationID: convID, Seq: conv.LastSeq + 1, AuthorKind: string(author.Kind),
		AuthorID: author.ID, AuthorName: author.Name, Body: body, Private: in.Private,
	}
	if clientID != "" {
		m.ClientID = &clientID
	}
	for _, f := range files {
		m.Attachments = append(m.Attachments, f.model())
	}
	if in.Private {
		if m.Mentions, err = mentionedAgents(ctx, tx, orgID, body); err != nil {
			return AppendResult{}, err
		}
	}
	if _, err := tx.NewInsert().Model(&m).Returning("*").Exec(ctx); err != nil {
		return AppendResult{}, fmt.Errorf("insert message: %w", translate(err))
	}
	if err := attachToMessage(ctx, tx, files, m.ID); err != nil {
		return AppendResult{}, err
	}
	upd := tx.NewUpdate().Table("conversations").
		Set("last_seq = ?", m.Seq).Set("last_message = ?", preview(messagePreview(m))).Set("updated_at = ?", m.CreatedAt).
		Where("id = ?", convID)
	if reopen {
		upd = upd.Set("status = 'open'")
	}
	if author.Kind == model.AuthorGuest {
		upd = upd.Set("guest_read_seq = ?", m.Seq)
	}
	if _, err := upd.Exec(ctx); err != nil {
		return AppendResult{}, fmt.Errorf("advance conversation: %w", err)
	}
	if author.Kind == model.AuthorAgent && author.ID != nil {
		// A note marks the conversation read for its author without making
		// them one of its participants: helping a colleague is not taking
		// the conversation over.
		join := joinConversation
		if in.Private {
			join = markReadTx
		}
		if err := join(ctx, tx, orgID, convID, *author.ID, m.Seq); err != nil {
			return AppendResult{}, err
		}
	}
	msg := m.model()
	ev := messageEvent(orgID, msg)
	ev.AgentsOnly = in.Private
	if err := notify(ctx, tx, ev); err != nil {
		return AppendResult{}, err
	}
	if author.Kind == model.AuthorGuest {
		// Offline agents hear of it as of any guest message (the push
		// sweeper; see appendSQL).
		if _, err := tx.ExecContext(ctx, `INSERT INTO pending_pushes (organization_id, conversation_id, first_seq, due_at)
			VALUES (?, ?, ?, now() + make_interval(secs => ?)) ON CONFLICT (conversation_id) DO NOTHING`,
			orgID, convID, m.Seq, cmp.Or(db.PushWindow, DefaultPushWindow).Seconds()); err != nil {
			return AppendResult{}, fmt.Errorf("queue push: %w", err)
		}
	}
	if db.MessageHook != nil {
		if err := db.MessageHook(ctx, tx, orgID, msg); err != nil {
			return AppendResult{}, fmt.Errorf("message hook: %w", err)
		}
	}
	if reopen {
		c, err := conversation(ctx, tx, orgID, convID, 0)
		if err != nil {
			return AppendResult{}, err
		}
		if err := notify(ctx, tx, conversationEvent(orgID, c)); err != nil {
			return AppendResult{}, err
		}
	}
	return AppendResult{Message: msg, Reopened: reopen}, nil
}

// checkNewMessage validates a message before anything is written.
func checkNewMessage(in NewMessage) error {
	if len(in.AttachmentIDs) > 0 && strings.TrimSpace(in.Body) == "" {
		// Files alone make a message: check the rest with a stand-in body.
		if err := CheckMessage(in.ClientID, "files"); err != nil {
			return err
		}
	} else if err := CheckMessage(in.ClientID, in.Body); err != nil {
		return err
	}
	if in.Private && in.Author.Kind != model.AuthorAgent {
		return &model.Error{Status: http.StatusForbidden, Code: model.CodeForbidden, Message: "Only agents write private notes."}
	}
	if in.Private && len(in.AttachmentIDs) > 0 {
		return (model.Fields{"attachment_ids": "notes carry no files"}).Err()
	}
	return nil
}

// messagePreview is what the inbox list shows of a message.
func messagePreview(m messageRow) string {
	text := m.Body
	if strings.TrimSpace(text) == "" && len(m.Attachments) > 0 {
		names := make([]string, len(m.Attachments))
		for i, a := range m.Attachments {
			names[i] = a.Name
		}
		text = "📎 " + strings.Join(names, ", ")
	}
	if m.Private {
		text = "Note: " + text
	}
	return text
}

// mentionedAgents resolves a note's @slugs to the organization's active
// agents; words that name nobody are just words.
func mentionedAgents(ctx context.Context, tx bun.IDB, orgID int64, body string) ([]int64, error) {
	slugs := model.MentionedSlugs(body)
	if len(slugs) == 0 {
		return nil, nil
	}
	var ids []int64
	if err := tx.NewSelect().Table("agents").Column("id").
		Where("organization_id = ? AND active AND lower(slug) IN (?)", orgID, bun.In(slugs)).Order("id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("select mentioned agents: %w", err)
	}
	return ids, nil
}

// CheckMessage validates a message before anything is written.
func CheckMessage(clientID, body string) error {
	var f model.Fields
	switch {
	case strings.TrimSpace(body) == "":
		f.Add("body", "is required")
	case len(body) > model.MaxMessageBytes:
		f.Add("body", fmt.Sprintf("must be at most %d bytes", model.MaxMessageBytes))
	case !utf8.ValidString(body) || strings.ContainsRune(body, 0):
		f.Add("body", "must be valid UTF-8 text")
	}
	if len(clientID) > 64 || strings.ContainsFunc(clientID, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		f.Add("client_id", "must be at most 64 printable ASCII characters")
	}
	return f.Err()
}

func preview(body string) string {
	body = strings.Join(strings.Fields(body), " ")
	if utf8.RuneCountInString(body) <= 140 {
		return body
	}
	r := []rune(body)
	return string(r[:140]) + "…"
}

type messageRow struct {
	bun.BaseModel  `bun:"table:messages,alias:m"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	ConversationID int64
	Seq            int64
	ClientID       *string
	AuthorKind     string
	AuthorID       *int64
	AuthorName     string
	Body           string
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
	Private        bool
	Mentions       []int64            `bun:",array"`
	Attachments    []model.Attachment `bun:",type:jsonb,nullzero"`
}

func (r messageRow) model() model.Message {
	m := model.Message{
		ID: r.ID, ConversationID: r.ConversationID, Seq: r.Seq, AuthorKind: model.AuthorKind(r.AuthorKind),
		AuthorID: r.AuthorID, AuthorName: r.AuthorName, Body: r.Body, CreatedAt: r.CreatedAt,
		Private: r.Private, Mentions: r.Mentions, Attachments: r.Attachments,
		// Only erasure leaves a guest's message without text or files.
		Erased: r.AuthorKind == string(model.AuthorGuest) && r.Body == "" && len(r.Attachments) == 0,
	}
	if r.ClientID != nil {
		m.ClientID = *r.ClientID
	}
	for _, a := range r.Attachments {
		m.AttachmentIDs = append(m.AttachmentIDs, a.ID)
	}
	return m
}

// Messages returns up to limit messages of a conversation with seq > after,
// in order. Callers have checked the conversation belongs to the caller.
func (db *DB) Messages(ctx context.Context, orgID, convID, after int64, limit int) ([]model.Message, error) {
	return db.messages(ctx, orgID, convID, after, limit, false)
}

// GuestMessages is Messages as the guest may see them: without the agents'
// private notes.
func (db *DB) GuestMessages(ctx context.Context, orgID, convID, after int64, limit int) ([]model.Message, error) {
	return db.messages(ctx, orgID, convID, after, limit, true)
}

func (db *DB) messages(ctx context.Context, orgID, convID, after int64, limit int, guest bool) ([]model.Message, error) {
	var rows []messageRow
	q := db.Bun.NewSelect().Model(&rows).
		Where("organization_id = ? AND conversation_id = ? AND seq > ?", orgID, convID, after)
	if guest {
		q = q.Where("NOT private")
	}
	if err := q.Order("seq").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("select messages: %w", err)
	}
	out := make([]model.Message, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// SetStatus changes a conversation's status and notifies it.
func (db *DB) SetStatus(ctx context.Context, orgID, convID int64, status model.Status) (model.Conversation, error) {
	var out model.Conversation
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Table("conversations").Set("status = ?", string(status)).Set("updated_at = ?", db.Now()).
			Where("organization_id = ? AND id = ?", orgID, convID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update status: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Conversation")
		}
		if out, err = conversation(ctx, tx, orgID, convID, 0); err != nil {
			return err
		}
		return notify(ctx, tx, Notification{OrganizationID: orgID, ConversationID: convID, Event: model.Event{Type: model.EventConversation, ConversationID: convID, Conversation: &out}})
	})
	return out, err
}

// MarkRead records how far an agent has read.
func (db *DB) MarkRead(ctx context.Context, orgID, convID, agentID, seq int64) error {
	return markReadTx(ctx, db.Bun, orgID, convID, agentID, seq)
}

func markReadTx(ctx context.Context, idb bun.IDB, orgID, convID, agentID, seq int64) error {
	_, err := idb.ExecContext(ctx, `INSERT INTO conversation_agents (organization_id, conversation_id, agent_id, last_read_seq, left_at)
		SELECT organization_id, id, ?, least(?, last_seq), now() FROM conversations WHERE organization_id = ? AND id = ?
		ON CONFLICT (conversation_id, agent_id) DO UPDATE SET last_read_seq = greatest(conversation_agents.last_read_seq, EXCLUDED.last_read_seq)`,
		agentID, seq, orgID, convID)
	if err != nil {
		return fmt.Errorf("mark read: %w", translate(err))
	}
	return nil
}

// MarkGuestRead records how far the guest has read.
func (db *DB) MarkGuestRead(ctx context.Context, orgID, convID, seq int64) error {
	_, err := db.Bun.NewUpdate().Table("conversations").Set("guest_read_seq = greatest(guest_read_seq, least(?, last_seq))", seq).
		Where("organization_id = ? AND id = ?", orgID, convID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark guest read: %w", err)
	}
	return nil
}

// LastSeq returns a conversation's last message seq.
func (db *DB) LastSeq(ctx context.Context, orgID, convID int64) (int64, error) {
	var seq int64
	err := db.Bun.NewSelect().Table("conversations").Column("last_seq").
		Where("organization_id = ? AND id = ?", orgID, convID).Scan(ctx, &seq)
	if noRows(err) {
		return 0, notFound("Conversation")
	}
	if err != nil {
		return 0, fmt.Errorf("select last seq: %w", err)
	}
	return seq, nil
}

// LatestLinkConversation returns the visitor's most recent chat started on
// agentID's personal link.
func (db *DB) LatestLinkConversation(ctx context.Context, orgID, agentID int64, visitorToken string) (GuestAccess, error) {
	var row conversationRow
	err := db.Bun.NewSelect().Model(&row).
		Join("JOIN guests AS g ON g.id = c.guest_id").
		Where("c.organization_id = ? AND c.channel = ? AND c.assignee_id = ? AND g.visitor_hash = ?",
			orgID, model.ChannelPersonalLink, agentID, visitorHash(visitorToken)).
		Order("c.updated_at DESC").Limit(1).Scan(ctx)
	if noRows(err) {
		return GuestAccess{}, notFound("Conversation")
	}
	if err != nil {
		return GuestAccess{}, fmt.Errorf("select latest link conversation: %w", err)
	}
	return db.ConversationByToken(ctx, row.AccessToken)
}
