package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/postgres"
)

// transcriptTexts are the transcript email's words per guest language.
var transcriptTexts = map[string]struct{ Subject, Intro string }{
	"en": {"Your conversation transcript", "Here is a copy of your conversation."},
	"de": {"Verlauf Ihres Gesprächs", "Hier ist eine Kopie Ihres Gesprächs."},
	"fr": {"Transcription de votre conversation", "Voici une copie de votre conversation."},
	"it": {"Trascrizione della conversazione", "Ecco una copia della tua conversazione."},
	"es": {"Transcripción de su conversación", "Aquí tiene una copia de su conversación."},
}

// TranscriptArgs emails a guest what was said in a conversation.
type TranscriptArgs struct {
	ConversationID int64  `json:"conversation_id"`
	Email          string `json:"email"`
}

// Kind names the job.
func (TranscriptArgs) Kind() string { return "transcript" }

// EnqueueTranscript queues a conversation's transcript for email, in tx.
func (n *Notifier) EnqueueTranscript(ctx context.Context, tx bun.Tx, convID int64, email string) error {
	return n.Queue.InsertTx(ctx, tx, TranscriptArgs{ConversationID: convID, Email: email}, nil)
}

type transcriptWorker struct {
	river.WorkerDefaults[TranscriptArgs]
	n *Notifier
}

// Work builds the transcript from what the guest may see — never the
// agents' private notes — when it runs, so it is complete.
func (w *transcriptWorker) Work(ctx context.Context, job *river.Job[TranscriptArgs]) error {
	n := w.n
	access, err := n.DB.ConversationAccess(ctx, job.Args.ConversationID)
	if postgres.IsNotFound(err) {
		return nil // erased meanwhile
	}
	if err != nil {
		return err
	}
	c := access.Conversation
	zone := time.UTC
	if ctxt, err := n.DB.GuestContext(ctx, c.OrganizationID, c.ID); err == nil && ctxt.TimeZone != "" {
		if z, err := time.LoadLocation(ctxt.TimeZone); err == nil {
			zone = z
		}
	}
	tt, ok := transcriptTexts[access.Language]
	if !ok {
		tt = transcriptTexts["en"]
	}
	paras := []string{tt.Intro}
	var files []mail.Link
	for after := int64(0); ; {
		msgs, err := n.DB.GuestMessages(ctx, c.OrganizationID, c.ID, after, 500)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			name := m.AuthorName
			if name == "" {
				name = catalog(access.Language).Guest
			}
			head := name + " · " + m.CreatedAt.In(zone).Format("2006-01-02 15:04 MST")
			lines := []string{head}
			if m.Body != "" {
				lines = append(lines, m.Body)
			}
			for _, a := range m.Attachments {
				lines = append(lines, "📎 "+a.Name)
			}
			paras = append(paras, strings.Join(lines, "\n"))
			files = append(files, n.fileLinks(m, access.Token)...)
			after = m.Seq
		}
		if len(msgs) < 500 {
			break
		}
	}
	action := &mail.Link{Text: catalog(access.Language).OpenConversation, URL: n.guestLink("/chat/"+access.Token, access.Language)}
	return n.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return mail.Enqueue(ctx, n.Queue, tx, mail.Message{
			To:      []mail.Address{{Name: c.Guest.Name, Email: job.Args.Email}},
			Subject: tt.Subject,
			Text:    mail.TextBody(tt.Subject, paras, action, files...),
			HTML:    mail.HTMLBody(tt.Subject, paras, action, files...),
		})
	})
}

// registerTranscript adds the transcript worker.
func (n *Notifier) registerTranscript(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &transcriptWorker{n: n}); err != nil {
		return fmt.Errorf("notify: register: %w", err)
	}
	return nil
}
