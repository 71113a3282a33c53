package postgres

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type contactRow struct {
	bun.BaseModel  `bun:"table:contacts,alias:ct"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	Name           string
	Email          string
	Phone          string
	PhoneKey       string
	Company        string
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
	UpdatedAt      time.Time `bun:",nullzero,default:now()"`
}

func (r contactRow) model() model.Contact {
	return model.Contact{ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// PhoneKey normalises a phone number for matching: digits only, with a
// leading + kept.
func PhoneKey(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		if r >= '0' && r <= '9' || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return b.String()
}

// ContactExistsError is returned when a contact with the same email or
// phone is already in the phonebook; it carries that contact so the app can
// offer to update it.
type ContactExistsError struct {
	Err      *model.Error
	Existing model.Contact
}

func (e *ContactExistsError) Error() string { return e.Err.Error() }

// Unwrap exposes the API error.
func (e *ContactExistsError) Unwrap() error { return e.Err }

func (db *DB) findDuplicate(ctx context.Context, idb bun.IDB, orgID int64, c model.ContactInput, except int64) (*contactRow, error) {
	key := PhoneKey(c.Phone)
	if c.Email == "" && key == "" {
		return nil, nil
	}
	var row contactRow
	q := idb.NewSelect().Model(&row).Where("organization_id = ? AND id <> ?", orgID, except).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if c.Email != "" {
				q = q.WhereOr("lower(email) = lower(?)", c.Email)
			}
			if key != "" {
				q = q.WhereOr("phone_key = ?", key)
			}
			return q
		})
	err := q.Limit(1).Scan(ctx)
	if noRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find duplicate contact: %w", err)
	}
	return &row, nil
}

func duplicateErr(row *contactRow) error {
	return &ContactExistsError{
		Err: &model.Error{Status: http.StatusConflict, Code: model.CodeContactExists,
			Message: fmt.Sprintf("%s is already in the phonebook with this email or phone.", row.Name)},
		Existing: row.model(),
	}
}

// AddContact adds a contact unless one with the same email or normalised
// phone exists (then a *ContactExistsError).
func (db *DB) AddContact(ctx context.Context, orgID int64, c model.ContactInput) (model.Contact, error) {
	var out model.Contact
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Serialise adds per organization so two agents adding the same
		// guest at once cannot both pass the duplicate check.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, ?)", 0x70686f6e, orgID); err != nil {
			return fmt.Errorf("lock phonebook: %w", err)
		}
		dup, err := db.findDuplicate(ctx, tx, orgID, c, 0)
		if err != nil {
			return err
		}
		if dup != nil {
			return duplicateErr(dup)
		}
		row := contactRow{OrganizationID: orgID, Name: c.Name, Email: strings.ToLower(c.Email), Phone: c.Phone, PhoneKey: PhoneKey(c.Phone), Company: c.Company}
		if _, err := tx.NewInsert().Model(&row).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("insert contact: %w", translate(err))
		}
		out = row.model()
		return nil
	})
	return out, err
}

// UpdateContact replaces a contact's details.
func (db *DB) UpdateContact(ctx context.Context, orgID, id int64, c model.ContactInput) (model.Contact, error) {
	var out model.Contact
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, ?)", 0x70686f6e, orgID); err != nil {
			return fmt.Errorf("lock phonebook: %w", err)
		}
		dup, err := db.findDuplicate(ctx, tx, orgID, c, id)
		if err != nil {
			return err
		}
		if dup != nil {
			return duplicateErr(dup)
		}
		row := contactRow{ID: id, OrganizationID: orgID, Name: c.Name, Email: strings.ToLower(c.Email), Phone: c.Phone, PhoneKey: PhoneKey(c.Phone), Company: c.Company, UpdatedAt: db.Now()}
		res, err := tx.NewUpdate().Model(&row).Column("name", "email", "phone", "phone_key", "company", "updated_at").
			Where("organization_id = ? AND id = ?", orgID, id).Returning("*").Exec(ctx)
		if err != nil {
			return fmt.Errorf("update contact: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Contact")
		}
		out = row.model()
		return nil
	})
	return out, err
}

// Contacts searches the phonebook by name, email, phone or company; an
// empty query lists everything, by name.
func (db *DB) Contacts(ctx context.Context, orgID int64, query string, limit int) ([]model.Contact, error) {
	var rows []contactRow
	q := db.Bun.NewSelect().Model(&rows).Where("organization_id = ?", orgID)
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(query)) + "%"
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("lower(name) LIKE ?", like).WhereOr("lower(email) LIKE ?", like).WhereOr("lower(company) LIKE ?", like)
			if key := PhoneKey(query); key != "" {
				q = q.WhereOr("phone_key LIKE ?", "%"+strings.TrimPrefix(key, "+")+"%")
			}
			return q
		})
	}
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.OrderExpr("lower(name), id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select contacts: %w", err)
	}
	out := make([]model.Contact, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}
