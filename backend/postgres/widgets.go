package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type widgetRow struct {
	bun.BaseModel  `bun:"table:widgets,alias:w"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	PublicKey      string
	Name           string
	Color          string
	Greeting       string
	ServiceID      *int64
	PreChatName    bool
	PreChatEmail   bool
	AllowedOrigins []string `bun:",array"`
	Language       string
	Greetings      map[string]string `bun:",type:jsonb"`
	OfflineTexts   map[string]string `bun:",type:jsonb"`
	CreatedAt      time.Time         `bun:",nullzero,default:now()"`
	// After resolve: offer a rating, offer the transcript by email.
	RatingEnabled     bool
	TranscriptEnabled bool
}

func (r widgetRow) model() model.Widget {
	origins := r.AllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	return model.Widget{
		ID: r.ID, OrganizationID: r.OrganizationID, PublicKey: r.PublicKey, Name: r.Name, Color: r.Color,
		Greeting: r.Greeting, ServiceID: r.ServiceID, PreChatName: r.PreChatName, PreChatEmail: r.PreChatEmail,
		AllowedOrigins: origins, Language: r.Language, Greetings: orEmpty(r.Greetings), OfflineTexts: orEmpty(r.OfflineTexts),
		CreatedAt: r.CreatedAt, RatingEnabled: r.RatingEnabled, TranscriptEnabled: r.TranscriptEnabled,
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// CreateWidget adds a website widget; w.PublicKey must be a fresh random key.
func (db *DB) CreateWidget(ctx context.Context, orgID int64, w model.Widget) (model.Widget, error) {
	row := widgetRow{
		OrganizationID: orgID, PublicKey: w.PublicKey, Name: w.Name, Color: w.Color, Greeting: w.Greeting,
		ServiceID: w.ServiceID, PreChatName: w.PreChatName, PreChatEmail: w.PreChatEmail, AllowedOrigins: w.AllowedOrigins,
		Language: w.Language, Greetings: orEmpty(w.Greetings), OfflineTexts: orEmpty(w.OfflineTexts),
		RatingEnabled: w.RatingEnabled, TranscriptEnabled: w.TranscriptEnabled,
	}
	if row.AllowedOrigins == nil {
		row.AllowedOrigins = []string{}
	}
	if _, err := db.Bun.NewInsert().Model(&row).Returning("*").Exec(ctx); err != nil {
		return model.Widget{}, fmt.Errorf("insert widget: %w", translate(err))
	}
	return row.model(), nil
}

// UpdateWidget replaces a widget's settings (not its key).
func (db *DB) UpdateWidget(ctx context.Context, orgID int64, w model.Widget) (model.Widget, error) {
	row := widgetRow{
		ID: w.ID, OrganizationID: orgID, Name: w.Name, Color: w.Color, Greeting: w.Greeting,
		ServiceID: w.ServiceID, PreChatName: w.PreChatName, PreChatEmail: w.PreChatEmail, AllowedOrigins: w.AllowedOrigins,
		Language: w.Language, Greetings: orEmpty(w.Greetings), OfflineTexts: orEmpty(w.OfflineTexts),
		RatingEnabled: w.RatingEnabled, TranscriptEnabled: w.TranscriptEnabled,
	}
	if row.AllowedOrigins == nil {
		row.AllowedOrigins = []string{}
	}
	res, err := db.Bun.NewUpdate().Model(&row).
		Column("name", "color", "greeting", "service_id", "pre_chat_name", "pre_chat_email", "allowed_origins",
			"language", "greetings", "offline_texts", "rating_enabled", "transcript_enabled").
		Where("organization_id = ? AND id = ?", orgID, w.ID).Returning("*").Exec(ctx)
	if err != nil {
		return model.Widget{}, fmt.Errorf("update widget: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.Widget{}, notFound("Widget")
	}
	return row.model(), nil
}

// Widgets lists an organization's widgets.
func (db *DB) Widgets(ctx context.Context, orgID int64) ([]model.Widget, error) {
	var rows []widgetRow
	if err := db.Bun.NewSelect().Model(&rows).Where("organization_id = ?", orgID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select widgets: %w", err)
	}
	out := make([]model.Widget, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// Widget loads one widget of an organization.
func (db *DB) Widget(ctx context.Context, orgID, id int64) (model.Widget, error) {
	return widgetBy(ctx, db.Bun, "organization_id = ? AND id = ?", orgID, id)
}

// WidgetByKey loads the widget a website embeds by its public key.
func (db *DB) WidgetByKey(ctx context.Context, key string) (model.Widget, error) {
	w, err := widgetBy(ctx, db.Bun, "public_key = ? AND NOT "+suspendedOrgs, key)
	if IsNotFound(err) {
		// An organization whose sign-up went unverified too long.
		if err := suspended(ctx, db.Bun, "widgets", "public_key = ?", key); err != nil {
			return w, err
		}
	}
	return w, err
}

func widgetBy(ctx context.Context, idb bun.IDB, where string, args ...any) (model.Widget, error) {
	var row widgetRow
	if err := idb.NewSelect().Model(&row).Where(where, args...).Scan(ctx); err != nil {
		if noRows(err) {
			return model.Widget{}, notFound("Widget")
		}
		return model.Widget{}, fmt.Errorf("select widget: %w", err)
	}
	return row.model(), nil
}
