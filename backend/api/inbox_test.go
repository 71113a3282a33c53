package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

func TestSavedReplies(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin@acme.test")
	agent := e.login("agent@acme.test")
	alien := e.login("alien@other.test")

	var org, mine model.SavedReply
	if st := admin.do("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "Welcome", Body: "Hi {guest.first_name}, I am {agent.name}."}, &org); st != 201 || org.Personal {
		t.Fatalf("admin creates: %d %+v", st, org)
	}
	if st := agent.do("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "Book me", Body: "Book a time: {agent.link}", Personal: true}, &mine); st != 201 || !mine.Personal {
		t.Fatalf("agent creates own: %d %+v", st, mine)
	}
	agent.wantError("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "Org", Body: "x"}, 403, model.CodeForbidden)
	er := agent.wantError("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "Bad", Body: "Hi {guest.nickname} {guest.name}", Personal: true}, 422, model.CodeUnknownVariable)
	if !strings.Contains(er.Message, "{guest.nickname}") {
		t.Errorf("message %q does not name the variable", er.Message)
	}
	agent.wantError("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "", Body: "x", Personal: true}, 422, model.CodeValidation)
	agent.wantError("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "Empty", Body: "  ", Personal: true}, 422, model.CodeValidation)
	agent.wantError("POST", "/api/v1/saved-replies", model.SavedReplyInput{Title: "book ME", Body: "again", Personal: true}, 409, model.CodeNameTaken)

	var list []model.SavedReply
	agent.do("GET", "/api/v1/saved-replies", nil, &list)
	if len(list) != 2 || list[0].Title != "Book me" || list[1].Title != "Welcome" {
		t.Errorf("agent sees %+v", list)
	}
	admin.do("GET", "/api/v1/saved-replies", nil, &list)
	if len(list) != 1 {
		t.Errorf("admin sees another agent's personal replies: %+v", list)
	}
	alien.do("GET", "/api/v1/saved-replies", nil, &list)
	if len(list) != 0 {
		t.Errorf("another organization sees %+v", list)
	}
	agent.wantError("PUT", "/api/v1/saved-replies/"+itoa(org.ID), model.SavedReplyInput{Title: "Welcome", Body: "changed"}, 403, model.CodeForbidden)
	admin.wantError("DELETE", "/api/v1/saved-replies/"+itoa(mine.ID), nil, 404, model.CodeNotFound)
	alien.wantError("DELETE", "/api/v1/saved-replies/"+itoa(org.ID), nil, 404, model.CodeNotFound)
	var changed model.SavedReply
	if st := agent.do("PUT", "/api/v1/saved-replies/"+itoa(mine.ID), model.SavedReplyInput{Title: "Book me", Body: "Pick a slot: {agent.link}", Personal: true}, &changed); st != 200 || changed.Body != "Pick a slot: {agent.link}" {
		t.Errorf("update: %d %+v", st, changed)
	}
	if st := agent.do("DELETE", "/api/v1/saved-replies/"+itoa(mine.ID), nil, nil); st != 204 {
		t.Errorf("delete: %d", st)
	}
}

func TestSearchAPI(t *testing.T) {
	e := newEnv(t)
	agent := e.login("agent@acme.test")
	alien := e.login("alien@other.test")
	_, conv := e.guestConversation("Jürgen")
	agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "n", Body: "Herr Müller ruft zurück", Private: true}, nil)

	var hits []model.SearchHit
	if st := agent.do("GET", "/api/v1/search?q=muller", nil, &hits); st != 200 || len(hits) != 1 || !hits[0].Private || hits[0].ConversationID != conv {
		t.Fatalf("search: %d %+v", st, hits)
	}
	if st := alien.do("GET", "/api/v1/search?q=muller", nil, &hits); st != 200 || len(hits) != 0 {
		t.Errorf("another organization finds %+v", hits)
	}
	agent.wantError("GET", "/api/v1/search?q="+strings.Repeat("x", 10_000), nil, 422, model.CodeSearchQueryInvalid)
	agent.wantError("GET", "/api/v1/search?q="+url.QueryEscape(`&|!():*<-> "" --`), nil, 422, model.CodeSearchQueryInvalid)
	agent.wantError("GET", "/api/v1/search?q=muller&before=nonsense", nil, 422, model.CodeValidation)
	e.client().wantError("GET", "/api/v1/search?q=muller", nil, 401, model.CodeUnauthenticated)
}

func TestGuestContextAndRating(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.login("admin@acme.test")
	agent := e.login("agent@acme.test")
	alien := e.login("alien@other.test")
	guest := e.client()

	var w model.Widget
	admin.do("POST", "/api/v1/widgets", model.WidgetInput{Name: ptr("Site"), RatingEnabled: ptr(true)}, &w)
	if !w.RatingEnabled || w.TranscriptEnabled {
		t.Fatalf("widget %+v", w)
	}
	var gc model.GuestConversation
	if st := guest.do("POST", "/api/v1/public/widgets/"+w.PublicKey+"/conversations", model.StartConversation{VisitorToken: strings.Repeat("v", 30), Name: "Gina", Email: "gina@guest.test"}, &gc); st != 201 {
		t.Fatalf("start: %d", st)
	}
	if !gc.RatingEnabled || gc.Rating != nil {
		t.Errorf("guest view %+v", gc)
	}
	base := "/api/v1/public/conversations/" + gc.Token

	// The widget reports pages; the start page and referrer stay.
	ua := map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Content-Type": "application/json"}
	first := model.PageContext{PageURL: "https://acme.test/pricing", PageTitle: "Pricing", Referrer: "https://search.test/?q=acme", TimeZone: "Europe/Berlin", Language: "de-DE"}
	if st := guest.doWith("PUT", base+"/context", first, nil, ua); st != 204 {
		t.Fatalf("context: %d", st)
	}
	if st := guest.doWith("PUT", base+"/context", model.PageContext{PageURL: "https://acme.test/checkout", PageTitle: "Checkout", Referrer: "https://acme.test/pricing"}, nil, ua); st != 204 {
		t.Fatalf("context: %d", st)
	}
	for name, in := range map[string]model.PageContext{
		"javascript URL": {PageURL: "javascript:alert(1)"},
		"no page":        {PageTitle: "x"},
		"bad zone":       {PageURL: "https://acme.test/", TimeZone: "Mars/Olympus"},
		"long title":     {PageURL: "https://acme.test/", PageTitle: strings.Repeat("t", 301)},
		"bad language":   {PageURL: "https://acme.test/", Language: "de<script>"},
	} {
		var er model.ErrorResponse
		if st := guest.do("PUT", base+"/context", in, &er); st != 422 || er.Error.Code != model.CodeValidation {
			t.Errorf("%s: %d %+v", name, st, er.Error)
		}
	}
	// An earlier conversation of the same guest (by email).
	if _, _, err := e.db.StartConversation(ctx, postgres.NewConversation{OrganizationID: e.acme.ID, Channel: model.ChannelPersonalLink,
		AccessToken: strings.Repeat("e", 30), Guest: model.Guest{Name: "Gina", Email: "gina@guest.test"}}); err != nil {
		t.Fatal(err)
	}
	var got model.GuestContext
	agent.do("GET", "/api/v1/conversations/"+itoa(gc.ID)+"/context", nil, &got)
	if got.PageURL != "https://acme.test/checkout" || got.PageTitle != "Checkout" || got.StartURL != "https://acme.test/pricing" ||
		got.Referrer != "https://search.test/?q=acme" || got.Browser != "Firefox 133" || got.OS != "Linux" ||
		got.TimeZone != "Europe/Berlin" || got.Language != "de-DE" || len(got.Earlier) != 1 || got.Earlier[0].Channel != model.ChannelPersonalLink {
		t.Errorf("context %+v", got)
	}
	alien.wantError("GET", "/api/v1/conversations/"+itoa(gc.ID)+"/context", nil, 404, model.CodeNotFound)

	// Rating: only once resolved, 1 to 5.
	guest.wantError("POST", base+"/rating", model.RatingInput{Score: 5}, 409, model.CodeRatingNotAvailable)
	agent.do("POST", "/api/v1/conversations/"+itoa(gc.ID)+"/assign", model.AssignRequest{AssigneeID: &e.agent.ID}, nil)
	agent.do("PATCH", "/api/v1/conversations/"+itoa(gc.ID), model.ConversationPatch{Status: ptr(model.StatusResolved)}, nil)
	guest.wantError("POST", base+"/rating", model.RatingInput{Score: 0}, 422, model.CodeValidation)
	guest.wantError("POST", base+"/rating", model.RatingInput{Score: 6}, 422, model.CodeValidation)
	guest.wantError("POST", base+"/rating", model.RatingInput{Score: 4, Comment: strings.Repeat("c", 2001)}, 422, model.CodeValidation)
	var rt model.Rating
	if st := guest.do("POST", base+"/rating", model.RatingInput{Score: 4, Comment: " Quick and kind "}, &rt); st != 200 || rt.Score != 4 || rt.Comment != "Quick and kind" {
		t.Fatalf("rate: %d %+v", st, rt)
	}
	guest.do("POST", base+"/rating", model.RatingInput{Score: 5, Comment: "Even better"}, &rt)
	agent.do("GET", "/api/v1/conversations/"+itoa(gc.ID)+"/context", nil, &got)
	if got.Rating == nil || got.Rating.Score != 5 || got.Rating.Comment != "Even better" {
		t.Errorf("agents see rating %+v", got.Rating)
	}
	guest.do("GET", base, nil, &gc)
	if gc.Rating == nil || gc.Rating.Score != 5 {
		t.Errorf("guest sees rating %+v", gc.Rating)
	}
	// A transcript is not offered by this widget.
	guest.wantError("POST", base+"/transcript", model.TranscriptRequest{}, 409, model.CodeTranscriptNotOffered)

	var rep model.SatisfactionReport
	agent.wantError("GET", "/api/v1/reports/satisfaction", nil, 403, model.CodeForbidden)
	admin.do("GET", "/api/v1/reports/satisfaction", nil, &rep)
	if rep.Days != 30 || rep.Total.Count != 1 || rep.Total.Average != 5 || len(rep.Agents) != 1 || rep.Agents[0].ID != e.agent.ID ||
		rep.Agents[0].Scores != [5]int{0, 0, 0, 0, 1} {
		t.Errorf("report %+v", rep)
	}
	admin.wantError("GET", "/api/v1/reports/satisfaction?days=1000", nil, 422, model.CodeValidation)
	alien.do("GET", "/api/v1/reports/satisfaction", nil, &rep)
	if rep.Total.Count != 0 {
		t.Errorf("another organization's report %+v", rep)
	}
}

// TestNotesStayWithAgents: a note is in the agents' history and never in
// the guest's.
func TestNotesStayWithAgents(t *testing.T) {
	e := newEnv(t)
	token, conv := e.guestConversation("Gina")
	agent := e.login("agent@acme.test")
	guest := e.client()
	agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "r", Body: "Hello Gina"}, nil)
	var note model.Message
	if st := agent.do("POST", "/api/v1/conversations/"+itoa(conv)+"/messages", model.SendMessage{ClientID: "n", Body: "Secret: @admin she wants a discount", Private: true}, &note); st != 201 {
		t.Fatalf("note: %d", st)
	}
	if !note.Private || len(note.Mentions) != 1 || note.Mentions[0] != e.admin.ID {
		t.Errorf("note %+v", note)
	}
	var guestMsgs, agentMsgs []model.Message
	guest.do("GET", "/api/v1/public/conversations/"+token+"/messages", nil, &guestMsgs)
	agent.do("GET", "/api/v1/conversations/"+itoa(conv)+"/messages", nil, &agentMsgs)
	if len(guestMsgs) != 1 || len(agentMsgs) != 2 {
		t.Fatalf("guest sees %d, agent %d", len(guestMsgs), len(agentMsgs))
	}
	for _, m := range guestMsgs {
		if strings.Contains(m.Body, "Secret") {
			t.Errorf("guest got the note")
		}
	}
	guest.wantError("POST", "/api/v1/public/conversations/"+token+"/messages", model.SendMessage{ClientID: "g", Body: "x", Private: true}, 422, model.CodeValidation)
}
