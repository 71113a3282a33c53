package attachments

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// The guest-data part of attachments (guestdata.Part): a guest's files
// are exported and erased with the rest of their data.

// Export lists the files of the person's conversations, as links an admin
// of the organization can open.
func (s *Service) Export(ctx context.Context, orgID int64, p postgres.Person, into *model.GuestExport) error {
	files, err := s.DB.PersonFiles(ctx, orgID, p.GuestIDs)
	if err != nil {
		return err
	}
	for _, f := range files {
		into.Files = append(into.Files, model.ExportedFile{Name: f.Name, ContentType: f.Type, Size: f.Size,
			ConversationID: f.ConversationID, URL: s.absolute(f.URL)})
	}
	return nil
}

// Erase deletes the files the person sent; their blobs are removed from the
// store by the cleanup job once the erasure has committed.
func (s *Service) Erase(ctx context.Context, tx bun.Tx, orgID int64, p postgres.Person, rep *model.ErasureReport) error {
	n, err := s.DB.EraseGuestFiles(ctx, tx, orgID, p.GuestIDs)
	rep.Files += n
	return err
}

// DeleteConversations needs to do nothing: deleting a conversation deletes
// its files' rows, whose blobs go to the trash the cleanup job empties.
func (s *Service) DeleteConversations(context.Context, bun.Tx, int64, []int64) error { return nil }

func (s *Service) absolute(path string) string {
	if s.BaseURL == nil {
		return path
	}
	return strings.TrimRight(s.BaseURL.String(), "/") + path
}
