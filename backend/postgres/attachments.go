package postgres

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

// attachmentRow is a file uploaded to a conversation. It exists before its
// blob (Stored false) and before its message (MessageID nil).
type attachmentRow struct {
	bun.BaseModel  `bun:"table:attachments,alias:at"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	ConversationID int64
	MessageID      *int64
	UploaderKind   string
	UploaderID     *int64
	Name           string
	ContentType    string
	Size           int64
	BlobKey        string
	ThumbKey       *string
	Width          *int
	Height         *int
	Stored         bool
	CreatedAt      time.Time `bun:",nullzero,default:now()"`
}

func (r attachmentRow) model() model.Attachment {
	a := model.Attachment{ID: r.ID, Name: r.Name, Size: r.Size, Type: r.ContentType, URL: model.FilePath(r.ID)}
	if r.ThumbKey != nil {
		a.ThumbnailURL = model.ThumbnailPath(r.ID)
	}
	if r.Width != nil && r.Height != nil {
		a.Width, a.Height = *r.Width, *r.Height
	}
	return a
}

// NewAttachment describes an upload about to be stored.
type NewAttachment struct {
	OrganizationID int64
	ConversationID int64
	Uploader       Author
	Name           string
	ContentType    string
	Size           int64
	BlobKey        string
	ThumbKey       string // empty when there is no thumbnail
	Width, Height  int
}

// AttachmentFile is an attachment with where its bytes are, for the
// download handler and the cleanup job.
type AttachmentFile struct {
	model.Attachment
	OrganizationID int64
	ConversationID int64
	MessageID      *int64
	BlobKey        string
	ThumbKey       string
}

// AddAttachment records an upload before its blob is written; StoredAttachment
// marks it usable afterwards.
func (db *DB) AddAttachment(ctx context.Context, in NewAttachment) (model.Attachment, error) {
	row := attachmentRow{
		OrganizationID: in.OrganizationID, ConversationID: in.ConversationID, UploaderKind: string(in.Uploader.Kind),
		UploaderID: in.Uploader.ID, Name: in.Name, ContentType: in.ContentType, Size: in.Size, BlobKey: in.BlobKey,
	}
	if in.ThumbKey != "" {
		row.ThumbKey = &in.ThumbKey
	}
	if in.Width > 0 && in.Height > 0 {
		row.Width, row.Height = &in.Width, &in.Height
	}
	if _, err := db.Bun.NewInsert().Model(&row).Returning("id, created_at").Exec(ctx); err != nil {
		return model.Attachment{}, fmt.Errorf("insert attachment: %w", translate(err))
	}
	return row.model(), nil
}

// StoredAttachment marks an attachment's blob as written.
func (db *DB) StoredAttachment(ctx context.Context, orgID, id int64) error {
	if _, err := db.Bun.NewUpdate().Table("attachments").Set("stored = true").
		Where("organization_id = ? AND id = ?", orgID, id).Exec(ctx); err != nil {
		return fmt.Errorf("mark attachment stored: %w", err)
	}
	return nil
}

// DeleteAttachment forgets an upload whose blob could not be written; the
// cleanup job removes whatever part of it reached the store.
func (db *DB) DeleteAttachment(ctx context.Context, orgID, id int64) error {
	if _, err := db.Bun.NewDelete().Table("attachments").Where("organization_id = ? AND id = ?", orgID, id).Exec(ctx); err != nil {
		return fmt.Errorf("delete attachment: %w", err)
	}
	return nil
}

// AttachmentFile loads an attachment of an organization's conversation.
// Files of messages that were never sent are only for their uploader:
// unsent reports whether it is one.
func (db *DB) AttachmentFile(ctx context.Context, orgID, id int64) (AttachmentFile, error) {
	var row attachmentRow
	err := db.Bun.NewSelect().Model(&row).Where("organization_id = ? AND id = ? AND stored", orgID, id).Scan(ctx)
	if noRows(err) {
		return AttachmentFile{}, notFound("File")
	}
	if err != nil {
		return AttachmentFile{}, fmt.Errorf("select attachment: %w", err)
	}
	return fileOf(row), nil
}

// AttachmentFileAnyOrg loads an attachment by id alone; callers check the
// guest's token against its conversation.
func (db *DB) AttachmentFileAnyOrg(ctx context.Context, id int64) (AttachmentFile, error) {
	var row attachmentRow
	err := db.Bun.NewSelect().Model(&row).Where("id = ? AND stored", id).Scan(ctx)
	if noRows(err) {
		return AttachmentFile{}, notFound("File")
	}
	if err != nil {
		return AttachmentFile{}, fmt.Errorf("select attachment: %w", err)
	}
	return fileOf(row), nil
}

func fileOf(row attachmentRow) AttachmentFile {
	f := AttachmentFile{Attachment: row.model(), OrganizationID: row.OrganizationID, ConversationID: row.ConversationID,
		MessageID: row.MessageID, BlobKey: row.BlobKey}
	if row.ThumbKey != nil {
		f.ThumbKey = *row.ThumbKey
	}
	return f
}

// GuestMayRead reports whether a guest of the conversation may download f:
// files of messages that reached the guest, and the guest's own uploads.
func (db *DB) GuestMayRead(ctx context.Context, f AttachmentFile) (bool, error) {
	if f.MessageID == nil {
		var kind string
		err := db.Bun.NewSelect().Table("attachments").Column("uploader_kind").Where("id = ?", f.ID).Scan(ctx, &kind)
		return err == nil && kind == string(model.AuthorGuest), err
	}
	var private bool
	if err := db.Bun.NewSelect().Table("messages").Column("private").Where("id = ?", *f.MessageID).Scan(ctx, &private); err != nil {
		return false, fmt.Errorf("select message: %w", err)
	}
	return !private, nil
}

// claimAttachments gives a message the files named by ids, in tx: they must
// be stored uploads of the conversation that no message has yet, and the
// sender's own when the sender is a guest. It returns them in the order of
// ids.
func claimAttachments(ctx context.Context, tx bun.Tx, orgID, convID int64, author Author, ids []int64) ([]attachmentRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	refuse := func() error {
		return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeAttachmentNotFound,
			Message: "A file of this message was not found: upload it to this conversation again.",
			Fields:  map[string]string{"attachment_ids": "unknown, unfinished or already sent"}}
	}
	if len(ids) > model.MaxAttachmentsPerMessage {
		return nil, &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation,
			Message: fmt.Sprintf("A message carries at most %d files.", model.MaxAttachmentsPerMessage),
			Fields:  map[string]string{"attachment_ids": "too many"}}
	}
	var rows []attachmentRow
	q := tx.NewSelect().Model(&rows).
		Where("organization_id = ? AND conversation_id = ? AND id IN (?) AND stored AND message_id IS NULL", orgID, convID, bun.In(ids))
	if author.Kind == model.AuthorGuest {
		q = q.Where("uploader_kind = 'guest'")
	}
	if err := q.For("UPDATE").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select attachments: %w", err)
	}
	if len(rows) != len(ids) || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		return nil, refuse()
	}
	slices.SortFunc(rows, func(a, b attachmentRow) int { return slices.Index(ids, a.ID) - slices.Index(ids, b.ID) })
	return rows, nil
}

// attachToMessage records that the claimed rows belong to message id.
func attachToMessage(ctx context.Context, tx bun.Tx, rows []attachmentRow, messageID int64) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if _, err := tx.NewUpdate().Table("attachments").Set("message_id = ?", messageID).Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("attach files: %w", err)
	}
	return nil
}

// DeleteUnsentAttachments removes uploads older than before that no message
// claimed (and uploads whose blob never finished); their blobs go to the
// trash. It returns how many it removed.
func (db *DB) DeleteUnsentAttachments(ctx context.Context, before time.Time) (int, error) {
	res, err := db.Bun.NewDelete().Table("attachments").Where("message_id IS NULL AND created_at < ?", before).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete unsent attachments: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// TrashedBlobs returns up to limit blob keys whose rows are gone, oldest
// first.
func (db *DB) TrashedBlobs(ctx context.Context, limit int) ([]string, error) {
	var keys []string
	if err := db.Bun.NewSelect().Table("blob_trash").Column("key").Order("trashed_at", "key").Limit(int64(limit)).Scan(ctx, &keys); err != nil {
		return nil, fmt.Errorf("select trashed blobs: %w", err)
	}
	return keys, nil
}

// ForgetBlobs empties the trash of keys whose blobs are deleted.
func (db *DB) ForgetBlobs(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := db.Bun.NewDelete().Table("blob_trash").Where("key IN (?)", bun.In(keys)).Exec(ctx); err != nil {
		return fmt.Errorf("forget blobs: %w", err)
	}
	return nil
}

// PersonFiles lists the files of guests' conversations that reached them
// or came from them, oldest first, for an export of their data.
func (db *DB) PersonFiles(ctx context.Context, orgID int64, guestIDs []int64) ([]AttachmentFile, error) {
	if len(guestIDs) == 0 {
		return nil, nil
	}
	var rows []attachmentRow
	err := db.Bun.NewSelect().Model(&rows).
		Where("at.organization_id = ? AND at.stored", orgID).
		Where("at.conversation_id IN (SELECT id FROM conversations WHERE organization_id = ? AND guest_id IN (?))", orgID, bun.In(guestIDs)).
		Where("(at.message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = at.message_id AND m.private)) OR at.uploader_kind = 'guest'").
		Order("at.created_at", "at.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("select guests' files: %w", err)
	}
	out := make([]AttachmentFile, len(rows))
	for i, r := range rows {
		out[i] = fileOf(r)
	}
	return out, nil
}

// EraseGuestFiles deletes, in tx, the files guests sent in their
// conversations, and their names from the guests' messages. The blobs go
// to the trash, which the cleanup job empties. It returns how many files
// went.
func (db *DB) EraseGuestFiles(ctx context.Context, tx bun.Tx, orgID int64, guestIDs []int64) (int, error) {
	if len(guestIDs) == 0 {
		return 0, nil
	}
	convs := tx.NewSelect().Table("conversations").Column("id").Where("organization_id = ? AND guest_id IN (?)", orgID, bun.In(guestIDs))
	res, err := tx.NewDelete().Table("attachments").
		Where("organization_id = ? AND uploader_kind = 'guest' AND conversation_id IN (?)", orgID, convs).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("erase guests' files: %w", err)
	}
	if _, err := tx.NewUpdate().Table("messages").Set("attachments = NULL").
		Where("organization_id = ? AND author_kind = 'guest' AND attachments IS NOT NULL AND conversation_id IN (?)", orgID, convs).Exec(ctx); err != nil {
		return 0, fmt.Errorf("erase guests' files from messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
