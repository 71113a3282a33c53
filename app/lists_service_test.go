package app

import (
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

// TestServiceTabs: a tab per service the agent is a member of, by name,
// holding that service's open conversations as events move them.
func TestServiceTabs(t *testing.T) {
	l := newInboxLists(me)
	sales, support, billing := int64(1), int64(2), int64(3)
	l.setServices([]model.Service{
		{ID: sales, Name: "Sales", MemberIDs: []int64{me}},
		{ID: billing, Name: "Billing", MemberIDs: []int64{99}},
		{ID: support, Name: "Support", MemberIDs: []int64{me, 99}},
	})
	var labels []string
	for _, tab := range l.tabs() {
		labels = append(labels, tab.Label)
	}
	if want := []string{"Mine", "Unassigned", "All open", "Resolved", "Sales", "Support"}; !slices.Equal(labels, want) {
		t.Fatalf("tabs %v, want %v", labels, want)
	}
	v := serviceView(sales)
	if id, ok := v.service(); !ok || id != sales || !validView(v) || validView("service:x") {
		t.Fatalf("view %q", v)
	}
	l.setView(v, []model.Conversation{conv(10, 1, model.StatusOpen, nil, &sales)}, l.begin())
	l.end()
	// A conversation moved to Sales joins; one resolved or moved away leaves.
	c11 := conv(11, 2, model.StatusOpen, nil, &sales)
	if w := l.apply(convEvent(c11)); !slices.Equal(w.conversations, []int64{11}) {
		t.Fatalf("an unknown conversation in Sales: wants %+v, want it fetched", w)
	}
	l.upsert(c11, l.begin())
	l.end()
	if got := ids(l.rows(v)); !slices.Equal(got, []int64{11, 10}) {
		t.Errorf("after a new Sales conversation: %v", got)
	}
	l.apply(convEvent(conv(10, 3, model.StatusResolved, nil, &sales)))
	l.apply(convEvent(conv(11, 4, model.StatusOpen, nil, &support)))
	if got := ids(l.rows(v)); len(got) != 0 {
		t.Errorf("after resolve and move: %v", got)
	}
}
