// Package notify sends what Frontdesk tells people outside the app: booking
// confirmations and meeting changes with calendar invites, agents' replies
// by email to guests who are away, and meeting reminders.
//
// Everything goes through durable jobs queued in the transaction that
// causes it (the booking, the message, the change), so nothing is sent for
// what did not happen and nothing is lost for what did (R2).
package notify

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/backend/jobs"
	"github.com/frontdesk/frontdesk/backend/mail"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// Notifier queues notifications; its workers send them.
type Notifier struct {
	DB      *postgres.DB
	BaseURL *url.URL
	Log     *slog.Logger
	// Queue is set once the job queue exists (the queue needs the workers
	// this package registers first).
	Queue *jobs.Queue
	// OfflineDelay is how long an agent's reply waits for the guest to read
	// it live before it goes out by email.
	OfflineDelay time.Duration
	// GuestLead is how long before a meeting the guest's extra reminder
	// goes out.
	GuestLead time.Duration
	// Push, when set, queues Web Push notifications to agents who do not
	// have the app open.
	Push func(ctx context.Context, tx bun.Tx, agentIDs []int64, title, body, path string) error
	// Calendar, when set, updates the agent's connected calendar.
	Calendar interface {
		EnqueueSync(ctx context.Context, tx bun.Tx, meetingID int64) error
	}
	// Now is the clock; tests replace it.
	Now func() time.Time
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) link(path string) string {
	return strings.TrimRight(n.BaseURL.String(), "/") + path
}

// guestLink is a visitor page in the guest's language, whatever device
// opens it.
func (n *Notifier) guestLink(path, lang string) string {
	if lang == "" {
		return n.link(path)
	}
	return n.link(path) + "?lang=" + url.QueryEscape(lang)
}

// Register adds this package's workers.
func (n *Notifier) Register(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &offlineWorker{n: n}); err != nil {
		return fmt.Errorf("notify: register: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &reminderWorker{n: n}); err != nil {
		return fmt.Errorf("notify: register: %w", err)
	}
	return n.registerTranscript(workers)
}

// MessageStored is the store's message hook: an agent's reply to a guest
// with an email address is emailed later unless the guest reads it live
// first. (Guests' messages reach offline agents through the push sweeper,
// RunPushes.)
func (n *Notifier) MessageStored(ctx context.Context, tx bun.Tx, orgID int64, m model.Message) error {
	if n.Queue == nil {
		return nil
	}
	if m.Private {
		return n.pushMentions(ctx, tx, m) // a note: for agents only, never emailed
	}
	if m.AuthorKind != model.AuthorAgent {
		return nil
	}
	email, err := postgres.GuestEmailOf(ctx, tx, m.ConversationID)
	if err != nil || email == "" {
		return err
	}
	delay := n.OfflineDelay
	if delay == 0 {
		delay = 2 * time.Minute
	}
	return n.Queue.InsertTx(ctx, tx, OfflineReplyArgs{ConversationID: m.ConversationID, Seq: m.Seq},
		&river.InsertOpts{ScheduledAt: n.now().Add(delay)})
}

// OfflineReplyArgs emails a guest the replies they have not read.
type OfflineReplyArgs struct {
	ConversationID int64 `json:"conversation_id"`
	Seq            int64 `json:"seq"`
}

// Kind names the job.
func (OfflineReplyArgs) Kind() string { return "offline_reply" }

type offlineWorker struct {
	river.WorkerDefaults[OfflineReplyArgs]
	n *Notifier
}

func (w *offlineWorker) Work(ctx context.Context, job *river.Job[OfflineReplyArgs]) error {
	n := w.n
	return n.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		access, msgs, err := n.DB.UnemailedReplies(ctx, tx, job.Args.ConversationID)
		if err != nil {
			if postgres.IsNotFound(err) {
				return nil
			}
			return err
		}
		// Read live, or already sent with an earlier job: nothing to do.
		if len(msgs) == 0 || access.Conversation.Guest.Email == "" {
			return nil
		}
		t := catalog(access.Language)
		var paras []string
		var files []mail.Link
		for _, m := range msgs {
			paras = append(paras, strings.TrimRight(m.AuthorName+":\n"+m.Body, "\n"))
			files = append(files, n.fileLinks(m, access.Token)...)
		}
		action := &mail.Link{Text: t.OpenConversation, URL: n.guestLink("/chat/"+access.Token, access.Language)}
		subject := fmt.Sprintf(t.ReplySubject, msgs[len(msgs)-1].AuthorName)
		return mail.Enqueue(ctx, n.Queue, tx, mail.Message{
			To:      []mail.Address{{Name: access.Conversation.Guest.Name, Email: access.Conversation.Guest.Email}},
			Subject: subject,
			Text:    mail.TextBody(subject, paras, action, files...),
			HTML:    mail.HTMLBody(subject, paras, action, files...),
		})
	})
}

// pushInterval is how often RunPushes looks for bursts that are over.
const pushInterval = 500 * time.Millisecond

// pushBatch bounds the pending pushes one sweep transaction takes.
const pushBatch = 500

// RunPushes tells agents whose app is closed about guests' messages, until
// ctx ends. A guest's message only marks its conversation (pending_pushes,
// in the message's own statement; a burst's later messages find the mark);
// once the burst is over (DB.PushWindow), one push job per conversation
// goes to its recipients with the latest message, queued in the
// transaction that takes the mark. A burst of messages is one notification per agent and
// conversation, and the push tag (the conversation's path) makes the
// browser replace the previous one: pushes keep up however fast guests
// write. Every instance runs it; they share the work.
func (n *Notifier) RunPushes(ctx context.Context) {
	t := time.NewTicker(pushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			taken, err := n.sweepPushes(ctx)
			if err != nil {
				if ctx.Err() == nil {
					n.Log.Warn("push sweep", "err", err)
				}
				break
			}
			if taken < pushBatch {
				break
			}
		}
	}
}

// sweepPushes turns one batch of due pending pushes into push jobs.
func (n *Notifier) sweepPushes(ctx context.Context) (int, error) {
	taken := 0
	err := n.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		due, err := n.DB.TakeDuePushes(ctx, tx, pushBatch)
		if err != nil {
			return err
		}
		taken = len(due)
		if n.Push == nil {
			return nil
		}
		for _, p := range due {
			if len(p.AgentIDs) == 0 {
				continue
			}
			title, body := cmp.Or(p.GuestName, "Guest"), p.LastMessage
			if p.Messages > 1 {
				body = fmt.Sprintf("%s (%d new messages)", body, p.Messages)
			}
			if err := n.Push(ctx, tx, p.AgentIDs, title, body, fmt.Sprintf("/c/%d", p.ConversationID)); err != nil {
				return err
			}
		}
		return nil
	})
	return taken, err
}

// fileLinks are a message's files as links the guest can open with the
// conversation's token.
func (n *Notifier) fileLinks(m model.Message, token string) []mail.Link {
	links := make([]mail.Link, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		links = append(links, mail.Link{Text: a.Name + " (" + model.FileSize(a.Size) + ")", URL: n.link(model.GuestURL(a.URL, token))})
	}
	return links
}

// pushMentions tells the agents a note mentions, when their app is closed
// (an open app shows the note live and says they were mentioned).
func (n *Notifier) pushMentions(ctx context.Context, tx bun.Tx, m model.Message) error {
	if n.Push == nil || len(m.Mentions) == 0 {
		return nil
	}
	ids, err := n.DB.AbsentAgents(ctx, tx, m.Mentions)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id int64) bool { return m.AuthorID != nil && id == *m.AuthorID })
	if len(ids) == 0 {
		return nil
	}
	body := m.Body
	if r := []rune(body); len(r) > 140 {
		body = string(r[:140]) + "…"
	}
	return n.Push(ctx, tx, ids, m.AuthorName+" mentioned you", body, fmt.Sprintf("/c/%d", m.ConversationID))
}
