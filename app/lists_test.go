package app

import (
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
)

const me = 7

var t0 = time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// conv is a conversation updated at t0 plus minutes.
func conv(id int64, minutes int, status model.Status, assignee, service *int64) model.Conversation {
	return model.Conversation{ID: id, Status: status, AssigneeID: assignee, ServiceID: service,
		UpdatedAt: t0.Add(time.Duration(minutes) * time.Minute)}
}

func msgEvent(convID, seq int64, kind model.AuthorKind, author *int64, minutes int) model.Event {
	return model.Event{Type: model.EventMessage, ConversationID: convID, Seq: seq, Message: &model.Message{
		ConversationID: convID, Seq: seq, AuthorKind: kind, AuthorID: author, Body: "  hello\n  there ",
		CreatedAt: t0.Add(time.Duration(minutes) * time.Minute)}}
}

func convEvent(c model.Conversation) model.Event {
	return model.Event{Type: model.EventConversation, ConversationID: c.ID, Conversation: &c}
}

func ids(rows []model.Conversation) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// loadedLists has every view loaded with the rows the server would return
// for these conversations, and the agent in service 1 only.
func loadedLists(t *testing.T, convs ...model.Conversation) *inboxLists {
	t.Helper()
	l := newInboxLists(me)
	l.setServices([]model.Service{{ID: 1, MemberIDs: []int64{3, me}}, {ID: 2, MemberIDs: []int64{3}}})
	for _, v := range inboxViews {
		var rows []model.Conversation
		for _, c := range convs {
			if in, _ := l.belongs(v.ID, c, nil); in {
				rows = append(rows, c)
			}
		}
		if w := l.setView(v.ID, rows, l.begin()); !w.empty() {
			t.Fatalf("setView(%s) wants %+v", v.ID, w)
		}
		l.end()
	}
	return l
}

func TestListsMessages(t *testing.T) {
	l := loadedLists(t,
		conv(1, 0, model.StatusOpen, nil, ptr[int64](1)),
		conv(2, 5, model.StatusOpen, ptr[int64](me), nil),
	)
	if got := ids(l.rows(viewOpen)); !slices.Equal(got, []int64{2, 1}) {
		t.Fatalf("open = %v, want newest first", got)
	}

	// A guest message moves its conversation to the top, with a preview
	// and an unread count.
	l.apply(msgEvent(1, 1, model.AuthorGuest, nil, 10))
	if got := ids(l.rows(viewOpen)); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("open after message = %v, want 1 first", got)
	}
	row, _ := l.find(1)
	if row.LastMessage != "hello there" || row.LastSeq != 1 || row.Unread != 1 {
		t.Errorf("row = %+v", row)
	}
	if l.unread(viewOpen) != 1 || l.unread(viewUnassigned) != 1 || l.unread(viewMine) != 0 {
		t.Errorf("unread open/unassigned/mine = %d/%d/%d, want 1/1/0", l.unread(viewOpen), l.unread(viewUnassigned), l.unread(viewMine))
	}

	// The same message again (a replay) changes nothing.
	l.apply(msgEvent(1, 1, model.AuthorGuest, nil, 10))
	if row, _ := l.find(1); row.Unread != 1 {
		t.Errorf("unread after a duplicate = %d, want 1", row.Unread)
	}

	// A message that skips seqs counts the missed ones as unread too.
	l.apply(msgEvent(1, 4, model.AuthorGuest, nil, 11))
	if row, _ := l.find(1); row.Unread != 4 {
		t.Errorf("unread after a gap = %d, want 4", row.Unread)
	}

	// Reading clears it; the agent's own message does too, and makes the
	// conversation theirs.
	l.markRead(1, 3)
	if row, _ := l.find(1); row.Unread != 1 {
		t.Errorf("unread after reading to 3 of 4 = %d, want 1", row.Unread)
	}
	l.apply(msgEvent(1, 5, model.AuthorAgent, ptr[int64](me), 12))
	if row, _ := l.find(1); row.Unread != 0 {
		t.Errorf("unread after replying = %d, want 0", row.Unread)
	}
	if !l.in(viewMine, 1) {
		t.Error("a conversation the agent replied in is not in mine")
	}

	// Messages in the conversation on screen are read as they come.
	l.reading = 2
	l.apply(msgEvent(2, 1, model.AuthorGuest, nil, 13))
	if row, _ := l.find(2); row.Unread != 0 || row.LastSeq != 1 {
		t.Errorf("row on screen = %+v, want read", row)
	}
}

func TestListsConversationEvents(t *testing.T) {
	other := ptr[int64](3)
	tests := []struct {
		name  string
		start []model.Conversation
		event model.Conversation
		want  map[view][]int64
		wants wants
	}{
		{
			name:  "resolved leaves the open views for resolved",
			start: []model.Conversation{conv(1, 0, model.StatusOpen, nil, ptr[int64](1)), conv(2, 1, model.StatusOpen, nil, nil)},
			event: conv(1, 5, model.StatusResolved, nil, ptr[int64](1)),
			want:  map[view][]int64{viewOpen: {2}, viewUnassigned: {2}, viewMine: nil, viewResolved: {1}},
		},
		{
			name:  "assigned to me moves from unassigned to mine",
			start: []model.Conversation{conv(1, 0, model.StatusOpen, nil, ptr[int64](1))},
			event: conv(1, 5, model.StatusOpen, ptr[int64](me), ptr[int64](1)),
			want:  map[view][]int64{viewOpen: {1}, viewUnassigned: nil, viewMine: {1}, viewResolved: nil},
		},
		{
			name:  "assigned to someone else leaves unassigned",
			start: []model.Conversation{conv(1, 0, model.StatusOpen, nil, ptr[int64](1))},
			event: conv(1, 5, model.StatusOpen, other, ptr[int64](1)),
			want:  map[view][]int64{viewOpen: {1}, viewUnassigned: nil, viewMine: nil, viewResolved: nil},
		},
		{
			name:  "reassigned away from me: still mine if I took part, so ask",
			start: []model.Conversation{conv(1, 0, model.StatusOpen, ptr[int64](me), nil)},
			event: conv(1, 5, model.StatusOpen, other, nil),
			want:  map[view][]int64{viewOpen: {1}, viewUnassigned: nil, viewMine: {1}, viewResolved: nil},
			wants: wants{views: []view{viewMine}},
		},
		{
			name:  "reopened comes back from resolved with its row",
			start: []model.Conversation{conv(1, 0, model.StatusResolved, nil, ptr[int64](1))},
			event: conv(1, 5, model.StatusOpen, nil, ptr[int64](1)),
			want:  map[view][]int64{viewOpen: {1}, viewUnassigned: {1}, viewMine: nil, viewResolved: nil},
		},
		{
			name:  "new conversation in my service: fetch it for its unread count",
			event: conv(9, 5, model.StatusOpen, nil, ptr[int64](1)),
			want:  map[view][]int64{viewOpen: nil, viewUnassigned: nil, viewMine: nil, viewResolved: nil},
			wants: wants{conversations: []int64{9}},
		},
		{
			name:  "new conversation in another service: all open only",
			start: []model.Conversation{conv(1, 0, model.StatusOpen, nil, nil)},
			event: conv(9, 5, model.StatusOpen, nil, ptr[int64](2)),
			want:  map[view][]int64{viewOpen: {1}, viewUnassigned: {1}, viewMine: nil, viewResolved: nil},
			wants: wants{conversations: []int64{9}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := loadedLists(t, tt.start...)
			w := l.apply(convEvent(tt.event))
			if !slices.Equal(w.conversations, tt.wants.conversations) || !slices.Equal(w.views, tt.wants.views) {
				t.Errorf("wants = %+v, want %+v", w, tt.wants)
			}
			for v, want := range tt.want {
				if got := ids(l.rows(v)); !slices.Equal(got, want) {
					t.Errorf("%s = %v, want %v", v, got, want)
				}
			}
		})
	}
}

// Events carry no per-agent unread count and may be older than the row.
func TestListsEventKeepsRowState(t *testing.T) {
	l := loadedLists(t, conv(1, 0, model.StatusOpen, nil, nil))
	l.apply(msgEvent(1, 1, model.AuthorGuest, nil, 10))
	l.apply(msgEvent(1, 2, model.AuthorGuest, nil, 11))

	ev := conv(1, 5, model.StatusPending, nil, nil)
	ev.LastSeq, ev.Unread, ev.Tags = 1, 1, []model.Tag{{Kind: "service", Label: "Sales"}}
	l.apply(convEvent(ev))
	row, _ := l.find(1)
	if row.Status != model.StatusPending || serviceTag(row) != "Sales" {
		t.Errorf("row = %+v, want the event's status and tags", row)
	}
	if row.Unread != 2 || row.LastSeq != 2 || !row.UpdatedAt.Equal(t0.Add(11*time.Minute)) {
		t.Errorf("row = unread %d, seq %d, at %v; want the row's own 2, 2, t0+11m", row.Unread, row.LastSeq, row.UpdatedAt)
	}
}

// A fetch may read the database before an event it returns after: the
// events that arrive meanwhile are replayed on the result.
func TestListsReplayAfterFetch(t *testing.T) {
	l := newInboxLists(me)
	l.setServices(nil)

	open := l.begin() // GET ?view=open, read before message 2 and the new conversation
	l.apply(msgEvent(1, 2, model.AuthorGuest, nil, 10))
	w := l.apply(convEvent(conv(5, 11, model.StatusOpen, nil, nil)))
	if !w.empty() {
		t.Errorf("wants before any view is loaded = %+v", w)
	}
	stale := conv(1, 0, model.StatusOpen, nil, nil)
	stale.LastSeq, stale.Unread, stale.LastMessage = 1, 1, "first"
	w = l.setView(viewOpen, []model.Conversation{stale}, open)
	l.end()

	row, _ := l.find(1)
	if row.LastSeq != 2 || row.Unread != 2 || row.LastMessage != "hello there" {
		t.Errorf("row after replay = %+v, want message 2 applied", row)
	}
	if !slices.Equal(w.conversations, []int64{5}) {
		t.Errorf("wants after replay = %+v, want conversation 5", w)
	}

	// Fetching conversation 5 while its first message arrives.
	five := l.begin()
	l.apply(msgEvent(5, 1, model.AuthorGuest, nil, 12))
	fetched := conv(5, 11, model.StatusOpen, nil, nil) // read before the message
	if w := l.upsert(fetched, five); !w.empty() {
		t.Errorf("upsert wants %+v", w)
	}
	l.end()
	row, _ = l.find(5)
	if row.LastSeq != 1 || row.Unread != 1 || !slices.Equal(ids(l.rows(viewOpen)), []int64{5, 1}) {
		t.Errorf("new conversation = %+v, open = %v; want its first message on top", row, ids(l.rows(viewOpen)))
	}
	if len(l.log) != 0 || l.inflight != 0 {
		t.Errorf("log %d events, %d in flight after every fetch ended", len(l.log), l.inflight)
	}

	// Read while a refetch is in flight, which the server answers from
	// before it had the read marker.
	open = l.begin()
	l.markRead(5, 1)
	unread := conv(5, 12, model.StatusOpen, nil, nil)
	unread.LastSeq, unread.Unread = 1, 1
	l.setView(viewOpen, []model.Conversation{unread}, open)
	l.end()
	if row, _ := l.find(5); row.Unread != 0 {
		t.Errorf("unread after a refetch that missed the read marker = %d, want 0", row.Unread)
	}

	// The conversation on screen is read, whatever a fetch says.
	l.reading = 5
	l.setView(viewOpen, []model.Conversation{unread}, l.begin())
	l.end()
	if row, _ := l.find(5); row.Unread != 0 {
		t.Errorf("unread of the conversation on screen = %d, want 0", row.Unread)
	}

	// Colleagues' read markers are theirs.
	l.reading = 0
	l.setView(viewOpen, []model.Conversation{unread}, l.begin())
	l.end()
	l.apply(model.Event{Type: model.EventRead, ConversationID: 5, Seq: 1, AgentID: 3})
	if row, _ := l.find(5); row.Unread != 1 {
		t.Errorf("unread after a colleague read = %d, want 1", row.Unread)
	}
}

// Only events logged since a fetch began are replayed on its result: the
// older ones are in it, and replaying them could bring back what the
// server no longer lists.
func TestListsReplayFromFetchStart(t *testing.T) {
	l := loadedLists(t, conv(1, 0, model.StatusOpen, ptr[int64](me), nil))
	l.begin() // some other fetch is in flight: events are logged

	// Reassigned to a colleague: whether it is still the agent's is the
	// server's to say.
	w := l.apply(convEvent(conv(1, 5, model.StatusOpen, ptr[int64](3), nil)))
	if !slices.Equal(w.views, []view{viewMine}) {
		t.Fatalf("wants = %+v, want mine", w)
	}
	// Back and forth before the refetch starts.
	l.apply(convEvent(conv(1, 6, model.StatusOpen, ptr[int64](me), nil)))
	l.apply(convEvent(conv(1, 7, model.StatusOpen, ptr[int64](3), nil)))
	mine := l.begin()
	if w := l.setView(viewMine, nil, mine); !w.empty() {
		t.Errorf("replay on the refetch asks again: %+v", w)
	}
	l.end()
	if l.in(viewMine, 1) {
		t.Error("mine still holds the conversation the server no longer lists")
	}

	// A change after the refetch began is replayed on its result.
	mine = l.begin()
	l.apply(convEvent(conv(1, 8, model.StatusOpen, ptr[int64](me), nil)))
	l.setView(viewMine, nil, mine) // read before the change
	l.end()
	l.end()
	if !l.in(viewMine, 1) {
		t.Error("a conversation assigned to the agent during the refetch is not in mine")
	}
	if len(l.log) != 0 {
		t.Errorf("log keeps %d events after every fetch ended", len(l.log))
	}
}

// A replay asks at most once per conversation while fetches overlap.
func TestListsAskOnce(t *testing.T) {
	l := loadedLists(t)
	first := l.begin()
	w := l.apply(convEvent(conv(9, 1, model.StatusOpen, nil, nil)))
	if !slices.Equal(w.conversations, []int64{9}) {
		t.Fatalf("wants = %+v, want conversation 9", w)
	}
	nine := l.begin()
	if w := l.setView(viewResolved, nil, first); !w.empty() {
		t.Errorf("replaying on another fetch asks for 9 again: %+v", w)
	}
	l.end()
	l.upsert(conv(9, 1, model.StatusOpen, nil, nil), nine)
	l.end()
	if !l.in(viewOpen, 9) || !l.in(viewUnassigned, 9) {
		t.Errorf("open %v, unassigned %v; want 9 in both", ids(l.rows(viewOpen)), ids(l.rows(viewUnassigned)))
	}
}
