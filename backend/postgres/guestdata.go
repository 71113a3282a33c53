package postgres

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

// Person is every record of one person in an organization: the guest
// records (one per browser, one per booking) and phonebook entries that
// share an email address or a phone number with the one asked about.
type Person struct {
	GuestIDs   []int64
	ContactIDs []int64
	// Emails and PhoneKeys are what the records were matched on.
	Emails    []string
	PhoneKeys []string
	// Erased is true when the guest asked about was erased already.
	Erased bool
}

// PersonOfGuest finds the person behind guest guestID; with lock, in a
// transaction, their guest records stay locked until it ends.
func (db *DB) PersonOfGuest(ctx context.Context, idb bun.IDB, orgID, guestID int64, lock bool) (Person, error) {
	var g struct {
		Email, Phone string
		Erased       bool
	}
	err := idb.NewSelect().TableExpr("guests AS g").
		ColumnExpr("g.email, g.phone, EXISTS (SELECT 1 FROM erased_guests eg WHERE eg.guest_id = g.id) AS erased").
		Where("g.organization_id = ? AND g.id = ?", orgID, guestID).Scan(ctx, &g)
	if noRows(err) {
		return Person{}, notFound("Guest")
	}
	if err != nil {
		return Person{}, fmt.Errorf("select guest: %w", err)
	}
	p, err := db.person(ctx, idb, orgID, []int64{guestID}, nil, g.Email, g.Phone, lock)
	p.Erased = g.Erased
	return p, err
}

// PersonOfContact finds the person behind phonebook entry contactID.
func (db *DB) PersonOfContact(ctx context.Context, idb bun.IDB, orgID, contactID int64, lock bool) (Person, error) {
	var c contactRow
	err := idb.NewSelect().Model(&c).Where("organization_id = ? AND id = ?", orgID, contactID).Scan(ctx)
	if noRows(err) {
		return Person{}, notFound("Contact")
	}
	if err != nil {
		return Person{}, fmt.Errorf("select contact: %w", err)
	}
	return db.person(ctx, idb, orgID, nil, []int64{contactID}, c.Email, c.Phone, lock)
}

// person gathers the records of whoever the seed (guest or contact ids,
// with their email and phone) is: the guest records that share the seed's
// address or number, then, with what those add (a booking's phone, a
// chat's address), the guest records and phonebook entries sharing any of
// them. Two steps and no further, so a chain of shared numbers does not
// sweep in strangers.
func (db *DB) person(ctx context.Context, idb bun.IDB, orgID int64, guestIDs, contactIDs []int64, email, phone string, lock bool) (Person, error) {
	p := Person{Emails: []string{}, PhoneKeys: []string{}}
	p.add(email, phone)
	first, err := db.guestsMatching(ctx, idb, orgID, guestIDs, p, false)
	if err != nil {
		return Person{}, err
	}
	for _, g := range first {
		p.add(g.Email, g.Phone)
	}
	all, err := db.guestsMatching(ctx, idb, orgID, guestIDs, p, lock)
	if err != nil {
		return Person{}, err
	}
	for _, g := range all {
		p.GuestIDs = append(p.GuestIDs, g.ID)
	}
	if err := idb.NewSelect().Table("contacts").Column("id").
		Where("organization_id = ?", orgID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("id IN (?)", bun.In(append(contactIDs, 0))).
				WhereOr("email <> '' AND lower(email) IN (?)", bun.In(append(p.Emails, ""))).
				WhereOr("phone_key <> '' AND phone_key IN (?)", bun.In(append(p.PhoneKeys, "-")))
		}).Order("id").Scan(ctx, &p.ContactIDs); err != nil {
		return Person{}, fmt.Errorf("select contacts of person: %w", err)
	}
	return p, nil
}

// add records an email and a phone number the person is known by.
func (p *Person) add(email, phone string) {
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" && !slices.Contains(p.Emails, e) {
		p.Emails = append(p.Emails, e)
	}
	if k := PhoneKey(phone); k != "" && !slices.Contains(p.PhoneKeys, k) {
		p.PhoneKeys = append(p.PhoneKeys, k)
	}
}

type guestContact struct {
	ID           int64
	Email, Phone string
}

func (db *DB) guestsMatching(ctx context.Context, idb bun.IDB, orgID int64, ids []int64, p Person, lock bool) ([]guestContact, error) {
	var out []guestContact
	q := idb.NewSelect().Table("guests").Column("id", "email", "phone").
		Where("organization_id = ?", orgID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("id IN (?)", bun.In(append(append([]int64{}, ids...), 0))).
				WhereOr("email <> '' AND lower(email) IN (?)", bun.In(append(append([]string{}, p.Emails...), ""))).
				WhereOr("phone <> '' AND "+phoneKeySQL("phone")+" IN (?)", bun.In(append(append([]string{}, p.PhoneKeys...), "-")))
		}).Order("id")
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("select guests of person: %w", err)
	}
	return out, nil
}

// phoneKeySQL is PhoneKey in SQL, for guests' phone numbers (stored as
// typed).
func phoneKeySQL(col string) string {
	return "regexp_replace(regexp_replace(" + col + ", '[^0-9+]', '', 'g'), '(.)\\+', '\\1', 'g')"
}

// ExportPerson gathers everything stored about a person (GDPR art. 15).
func (db *DB) ExportPerson(ctx context.Context, orgID int64, p Person) (model.GuestExport, error) {
	out := model.GuestExport{
		ExportedAt: db.Now().UTC(), Guests: []model.ExportedGuest{}, Phonebook: []model.Contact{},
		Conversations: []model.ExportedConversation{}, Meetings: []model.ExportedMeeting{},
		Consent: []model.ExportedConsent{}, Files: []model.ExportedFile{},
	}
	org, err := db.Organization(ctx, orgID)
	if err != nil {
		return out, err
	}
	out.Organization = org.Name
	ids := bun.In(append(append([]int64{}, p.GuestIDs...), 0))

	var guests []struct {
		guestRow `bun:",extend"`
		ErasedAt *time.Time
	}
	if err := db.Bun.NewSelect().Model(&guests).ColumnExpr("g.*, eg.erased_at").
		Join("LEFT JOIN erased_guests AS eg ON eg.guest_id = g.id").
		Where("g.organization_id = ? AND g.id IN (?)", orgID, ids).Order("g.id").Scan(ctx); err != nil {
		return out, fmt.Errorf("export guests: %w", err)
	}
	for _, g := range guests {
		out.Guests = append(out.Guests, model.ExportedGuest{ID: g.ID, Name: g.Name, Email: g.Email, Phone: g.Phone,
			Company: g.Company, Language: g.Language, CreatedAt: g.CreatedAt, ErasedAt: g.ErasedAt})
		if g.Email != "" {
			out.Consent = append(out.Consent, model.ExportedConsent{Purpose: "email_replies", GuestID: g.ID, Given: true, Since: g.CreatedAt})
		}
	}

	var contacts []contactRow
	if err := db.Bun.NewSelect().Model(&contacts).
		Where("organization_id = ? AND id IN (?)", orgID, bun.In(append(append([]int64{}, p.ContactIDs...), 0))).
		Order("id").Scan(ctx); err != nil {
		return out, fmt.Errorf("export contacts: %w", err)
	}
	for _, c := range contacts {
		out.Phonebook = append(out.Phonebook, c.model())
	}

	var convs []conversationRow
	if err := db.Bun.NewSelect().Model(&convs).Where("organization_id = ? AND guest_id IN (?)", orgID, ids).
		Order("id").Scan(ctx); err != nil {
		return out, fmt.Errorf("export conversations: %w", err)
	}
	for _, c := range convs {
		var msgs []messageRow
		if err := db.Bun.NewSelect().Model(&msgs).Where("organization_id = ? AND conversation_id = ?", orgID, c.ID).
			Order("seq").Scan(ctx); err != nil {
			return out, fmt.Errorf("export messages: %w", err)
		}
		ec := model.ExportedConversation{ID: c.ID, GuestID: c.GuestID, Channel: model.Channel(c.Channel), Status: model.Status(c.Status),
			Language: c.Language, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Messages: make([]model.ExportedMessage, len(msgs))}
		for i, m := range msgs {
			mm := m.model()
			ec.Messages[i] = model.ExportedMessage{Seq: mm.Seq, AuthorKind: mm.AuthorKind, AuthorName: mm.AuthorName,
				Body: mm.Body, Erased: mm.Erased, CreatedAt: mm.CreatedAt}
		}
		out.Conversations = append(out.Conversations, ec)
	}

	var meetings []struct {
		meetingRow `bun:",extend"`
		AgentName  string
	}
	if err := db.Bun.NewSelect().Model(&meetings).ColumnExpr("mt.*, a.name AS agent_name").
		Join("JOIN agents AS a ON a.id = mt.agent_id").
		Where("mt.organization_id = ? AND mt.guest_id IN (?)", orgID, ids).Order("mt.starts_at").Scan(ctx); err != nil {
		return out, fmt.Errorf("export meetings: %w", err)
	}
	for _, m := range meetings {
		out.Meetings = append(out.Meetings, model.ExportedMeeting{ID: m.ID, ConversationID: m.ConversationID, Agent: m.AgentName,
			Start: m.StartsAt, Duration: m.DurationMinutes, TimeZone: m.TimeZone, Status: model.MeetingStatus(m.Status),
			Notes: m.Notes, CreatedAt: m.CreatedAt})
	}
	return out, nil
}

// ScheduledMeetingsOf returns the person's meetings that are still to come
// (or under way) and not cancelled.
func (db *DB) ScheduledMeetingsOf(ctx context.Context, tx bun.Tx, orgID int64, p Person) ([]MeetingRecord, error) {
	var rows []meetingRow
	if err := tx.NewSelect().Model(&rows).
		Where("organization_id = ? AND guest_id IN (?) AND status = 'scheduled'", orgID, bun.In(append(append([]int64{}, p.GuestIDs...), 0))).
		Where("starts_at + duration_minutes * interval '1 minute' > ?::timestamptz", db.Now()).
		Order("starts_at").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select scheduled meetings: %w", err)
	}
	out := make([]MeetingRecord, len(rows))
	for i, r := range rows {
		rec, err := db.recordOf(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		out[i] = rec
	}
	return out, nil
}

// ErasePerson removes what identifies a person, in tx (GDPR art. 17): the
// names, addresses and phone numbers of their guest records, the text of
// their messages (which keep their place, empty), their name where system
// messages quoted it, the notes of their meetings, every token that led
// back in (conversation links, meeting links, the widget's visitor
// token), their phonebook entries and the CRM's cached lookups of their
// address. Conversations, agents' replies and meetings stay, without them.
// Meetings still to come must be cancelled first (their notices need the
// address). The apps learn of it through conversation events.
func (db *DB) ErasePerson(ctx context.Context, tx bun.Tx, orgID int64, p Person) (model.ErasureReport, error) {
	var rep model.ErasureReport
	if len(p.GuestIDs) == 0 && len(p.ContactIDs) == 0 {
		return rep, nil
	}
	ids := bun.In(append(append([]int64{}, p.GuestIDs...), 0))

	var names []string
	if err := tx.NewSelect().Table("guests").ColumnExpr("DISTINCT name").
		Where("organization_id = ? AND id IN (?) AND length(name) >= 2", orgID, ids).Scan(ctx, &names); err != nil {
		return rep, fmt.Errorf("select guest names: %w", err)
	}
	var convIDs []int64
	if err := tx.NewSelect().Table("conversations").Column("id").
		Where("organization_id = ? AND guest_id IN (?)", orgID, ids).Order("id").Scan(ctx, &convIDs); err != nil {
		return rep, fmt.Errorf("select conversations: %w", err)
	}
	convs := bun.In(append(append([]int64{}, convIDs...), 0))
	rep.Conversations = len(convIDs)

	res, err := tx.NewUpdate().Table("messages").Set("body = ''").Set("author_name = ''").
		Where("organization_id = ? AND conversation_id IN (?) AND author_kind = 'guest' AND body <> ''", orgID, convs).Exec(ctx)
	if err != nil {
		return rep, fmt.Errorf("erase messages: %w", err)
	}
	n, _ := res.RowsAffected()
	rep.Messages = int(n)
	for _, name := range names {
		if _, err := tx.NewUpdate().Table("messages").Set("body = replace(body, ?, 'the guest')", name).
			Where("organization_id = ? AND conversation_id IN (?) AND author_kind = 'system' AND strpos(body, ?) > 0", orgID, convs, name).
			Exec(ctx); err != nil {
			return rep, fmt.Errorf("erase name from notices: %w", err)
		}
	}

	// New random tokens nobody has: the old links stop working.
	if _, err := tx.NewUpdate().Table("conversations").
		Set("access_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')").
		Set("last_message = ''").Set("updated_at = now()").
		Where("organization_id = ? AND id IN (?)", orgID, convs).Exec(ctx); err != nil {
		return rep, fmt.Errorf("revoke conversation links: %w", err)
	}
	if _, err := tx.NewDelete().Table("invite_versions_sent").
		Where("uid IN (SELECT uid FROM meetings WHERE organization_id = ? AND guest_id IN (?))", orgID, ids).Exec(ctx); err != nil {
		return rep, fmt.Errorf("forget invites sent: %w", err)
	}
	if _, err := tx.NewUpdate().Table("meetings").
		Set("manage_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')").Set("notes = ''").
		Where("organization_id = ? AND guest_id IN (?)", orgID, ids).Exec(ctx); err != nil {
		return rep, fmt.Errorf("revoke meeting links: %w", err)
	}
	if _, err := tx.NewDelete().Table("crm_companies").
		Where("organization_id = ? AND email IN (?)", orgID, bun.In(append(append([]string{}, p.Emails...), ""))).Exec(ctx); err != nil {
		return rep, fmt.Errorf("forget crm lookups: %w", err)
	}
	res, err = tx.NewUpdate().Table("guests").
		Set("name = ''").Set("email = ''").Set("phone = ''").Set("company = ''").Set("visitor_hash = NULL").
		Where("organization_id = ? AND id IN (?)", orgID, ids).Exec(ctx)
	if err != nil {
		return rep, fmt.Errorf("erase guests: %w", err)
	}
	n, _ = res.RowsAffected()
	rep.Guests = int(n)
	if _, err := tx.ExecContext(ctx, `INSERT INTO erased_guests (guest_id, organization_id)
		SELECT id, organization_id FROM guests WHERE organization_id = ? AND id IN (?)
		ON CONFLICT (guest_id) DO NOTHING`, orgID, ids); err != nil {
		return rep, fmt.Errorf("record erasure: %w", err)
	}
	res, err = tx.NewDelete().Table("contacts").
		Where("organization_id = ? AND id IN (?)", orgID, bun.In(append(append([]int64{}, p.ContactIDs...), 0))).Exec(ctx)
	if err != nil {
		return rep, fmt.Errorf("delete contacts: %w", err)
	}
	n, _ = res.RowsAffected()
	rep.PhonebookEntries = int(n)

	for _, id := range convIDs {
		if err := db.TouchConversation(ctx, tx, orgID, id); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// ErrGuestErased refuses to erase a guest twice.
var ErrGuestErased = &model.Error{Status: http.StatusConflict, Code: model.CodeGuestErased, Message: "This guest's data has already been erased."}

// Retention returns how long an organization keeps resolved conversations.
func (db *DB) Retention(ctx context.Context, orgID int64) (model.Retention, error) {
	var days []int
	if err := db.Bun.NewSelect().Table("organization_retention").Column("delete_resolved_after_days").
		Where("organization_id = ?", orgID).Scan(ctx, &days); err != nil {
		return model.Retention{}, fmt.Errorf("select retention: %w", err)
	}
	if len(days) == 0 {
		return model.Retention{}, nil
	}
	return model.Retention{DeleteResolvedAfterDays: &days[0]}, nil
}

// SetRetention changes it; nil keeps resolved conversations.
func (db *DB) SetRetention(ctx context.Context, orgID int64, r model.Retention) error {
	var err error
	if r.DeleteResolvedAfterDays == nil {
		_, err = db.Bun.ExecContext(ctx, `DELETE FROM organization_retention WHERE organization_id = ?`, orgID)
	} else {
		_, err = db.Bun.ExecContext(ctx, `INSERT INTO organization_retention (organization_id, delete_resolved_after_days) VALUES (?, ?)
			ON CONFLICT (organization_id) DO UPDATE SET delete_resolved_after_days = EXCLUDED.delete_resolved_after_days, updated_at = now()`,
			orgID, *r.DeleteResolvedAfterDays)
	}
	if err != nil {
		return fmt.Errorf("set retention: %w", translate(err))
	}
	return nil
}

// ExpiredConversations returns up to limit conversations of organizations
// with a retention period that have been resolved for longer than it,
// oldest first. A conversation with a meeting still to come is kept.
func (db *DB) ExpiredConversations(ctx context.Context, limit int) (map[int64][]int64, error) {
	var rows []struct {
		OrganizationID int64
		ID             int64
	}
	if err := db.Bun.NewSelect().TableExpr("conversations AS c").Column("c.organization_id", "c.id").
		Join("JOIN organization_retention AS r ON r.organization_id = c.organization_id").
		Where("c.status = 'resolved'").
		Where("c.updated_at < ?::timestamptz - r.delete_resolved_after_days * interval '1 day'", db.Now()).
		Where("NOT EXISTS (SELECT 1 FROM meetings mt WHERE mt.conversation_id = c.id AND mt.status = 'scheduled' AND mt.starts_at + mt.duration_minutes * interval '1 minute' > ?::timestamptz)", db.Now()).
		OrderExpr("c.updated_at").Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("select expired conversations: %w", err)
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.OrganizationID] = append(out[r.OrganizationID], r.ID)
	}
	return out, nil
}

// DeleteConversations deletes conversations with their messages and
// meetings, in tx, and guests left without any conversation. It returns
// how many conversations went.
func (db *DB) DeleteConversations(ctx context.Context, tx bun.Tx, orgID int64, ids []int64) (int, error) {
	in := bun.In(append(append([]int64{}, ids...), 0))
	var guests []int64
	if err := tx.NewSelect().Table("conversations").ColumnExpr("DISTINCT guest_id").
		Where("organization_id = ? AND id IN (?)", orgID, in).Scan(ctx, &guests); err != nil {
		return 0, fmt.Errorf("select guests: %w", err)
	}
	if _, err := tx.NewDelete().Table("invite_versions_sent").
		Where("uid IN (SELECT uid FROM meetings WHERE organization_id = ? AND conversation_id IN (?))", orgID, in).Exec(ctx); err != nil {
		return 0, fmt.Errorf("forget invites sent: %w", err)
	}
	res, err := tx.NewDelete().Table("conversations").Where("organization_id = ? AND id IN (?)", orgID, in).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete conversations: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.NewDelete().Table("guests").
		Where("organization_id = ? AND id IN (?)", orgID, bun.In(append(guests, 0))).
		Where("NOT EXISTS (SELECT 1 FROM conversations c WHERE c.guest_id = guests.id)").
		Where("NOT EXISTS (SELECT 1 FROM meetings mt WHERE mt.guest_id = guests.id)").Exec(ctx); err != nil {
		return 0, fmt.Errorf("delete guests left alone: %w", err)
	}
	return int(n), nil
}
