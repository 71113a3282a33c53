package deploy_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/backend/crm/crmtest"
	"github.com/frontdesk/frontdesk/backend/pgtest"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/backend/radicaletest"
	"github.com/frontdesk/frontdesk/backend/seed"
	"github.com/frontdesk/frontdesk/backend/smtptest"
	"github.com/frontdesk/frontdesk/model"
)

// TestKillOneInstance is R5's first half: with guests and agents chatting
// through HAProxy and jobs (emails, calendar writes, CRM leads) running on
// every instance, one instance is killed with SIGKILL. Every acknowledged
// message reaches every party exactly once, the dead instance's sockets
// are open on the others within 5 s, and its jobs run again elsewhere:
// nothing lost, nothing doubled.
func TestKillOneInstance(t *testing.T) {
	s := newScenario(t)
	ctx := testContext(t, 2*time.Minute)
	stop := s.startTraffic(ctx)
	s.waitFlowing(ctx)

	// Jobs in flight everywhere: the SMTP server takes 300 ms a message.
	s.book(ctx, 6)
	victim := s.instanceWithRunningJobs(ctx)
	s.tolerate.Store(true) // requests cut off by the kill fail, as they would
	killed := time.Now()
	if err := victim.stop(t, syscall.SIGKILL, 5*time.Second); err == nil {
		t.Fatalf("%s exited cleanly after SIGKILL", victim.name)
	}
	t.Logf("killed %s", victim.name)
	time.Sleep(time.Second)
	s.tolerate.Store(false)

	s.book(ctx, 3)
	s.requestLeads(ctx)
	time.Sleep(1500 * time.Millisecond)
	stop()

	s.verify(ctx)
	// The sockets the kill cut are open again, on the other instances,
	// within 5 s.
	var back time.Duration
	cut := 0
	for _, o := range s.j.outages {
		if o.from.Before(killed) || o.code == model.CloseGoAway {
			continue
		}
		cut++
		back = max(back, o.till.Sub(killed))
	}
	if cut == 0 {
		t.Fatal("no socket was on the killed instance: the parties are not spread")
	}
	t.Logf("%d sockets cut by the kill, all open again %v after it", cut, back.Round(time.Millisecond))
	if back > 5*time.Second {
		t.Errorf("sockets back %v after the kill, want within 5 s", back)
	}
	// The dead instance's running jobs were handed back, not waited out.
	var reclaimed int
	if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job, unnest(errors) AS e
		WHERE e->>'error' LIKE '%stopped while running the job'`).Scan(&reclaimed); err != nil {
		t.Fatal(err)
	}
	if reclaimed == 0 {
		t.Error("no job of the killed instance was handed back")
	}
	t.Logf("%d jobs of the killed instance ran again elsewhere", reclaimed)
}

// TestRollingRestart is R5's second half: the three instances are
// restarted one after another with SIGTERM under the same traffic. Each
// leaves cleanly (exit status 0); clients move to the others without
// seeing an error; nothing is lost or doubled.
func TestRollingRestart(t *testing.T) {
	s := newScenario(t)
	ctx := testContext(t, 2*time.Minute)
	stop := s.startTraffic(ctx)
	s.waitFlowing(ctx)
	for _, in := range s.c.instances {
		s.book(ctx, 2)
		start := time.Now()
		if err := in.stop(t, syscall.SIGTERM, 15*time.Second); err != nil {
			t.Fatalf("%s after SIGTERM: %v\n%s", in.name, err, in.out.String())
		}
		t.Logf("%s stopped in %v", in.name, time.Since(start).Round(time.Millisecond))
		if err := in.start(s.c.bin); err != nil {
			t.Fatal(err)
		}
		s.c.lb.waitServing(t, 3)
		time.Sleep(400 * time.Millisecond) // back in HAProxy's rotation
	}
	s.requestLeads(ctx)
	time.Sleep(time.Second)
	stop()

	s.verify(ctx)
	for code, n := range s.j.drops {
		if code != model.CloseGoAway {
			t.Errorf("%d sockets ended with code %d, want only %d (go elsewhere)", n, code, model.CloseGoAway)
		}
	}
	if s.j.drops[model.CloseGoAway] == 0 {
		t.Error("no socket was told to go elsewhere: the parties are not spread")
	}
}

// scenario is the cluster with its outside world and the people using it.
type scenario struct {
	t        *testing.T
	c        *cluster
	db       *postgres.DB
	smtp     *smtptest.Server
	hubspot  *crmtest.HubSpot
	calendar *radicaletest.Server
	j        *journal
	tolerate atomic.Bool

	admin  *api
	guests []*party
	agents []*party
	convs  []int64

	slots    chan model.BookingRequest
	booked   sync.WaitGroup
	leads    map[int64]bool
	leadsMu  sync.Mutex
	bookings atomic.Int64
}

const (
	guestCount   = 9
	messageEvery = 150 * time.Millisecond
	replyEvery   = 200 * time.Millisecond
)

func newScenario(t *testing.T) *scenario {
	t.Helper()
	dsn := pgtest.DSN(t)
	s := &scenario{t: t, j: newJournal(), leads: map[int64]bool{}}
	s.smtp = smtptest.Start(t, smtptest.WithDelay(300*time.Millisecond))
	s.hubspot = crmtest.NewHubSpot(t)
	s.calendar = radicaletest.Start(t)
	s.c = startCluster(t, dsn,
		"FRONTDESK_SMTP_HOST="+s.smtp.Host(), "FRONTDESK_SMTP_PORT="+strconv.Itoa(s.smtp.Port()),
		"FRONTDESK_SMTP_TLS=none", "FRONTDESK_HUBSPOT_URL="+s.hubspot.URL())
	ctx := testContext(t, time.Minute)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s.db = db

	// The admin connects HubSpot; Anna connects her calendar.
	s.admin = newAPI(s.c.lb.url, s.j, &s.tolerate)
	must(t, s.admin.signIn(ctx, "admin@demo.frontdesk.test", seed.DemoPassword))
	_, err = s.admin.do(ctx, "PUT", "/api/v1/crm", model.CRMInput{Provider: "hubspot", HubSpotToken: s.hubspot.Token}, nil)
	must(t, err)
	anna := newAPI(s.c.lb.url, s.j, &s.tolerate)
	must(t, anna.signIn(ctx, "anna@demo.frontdesk.test", seed.DemoPassword))
	_, err = anna.do(ctx, "PUT", "/api/v1/me/calendar", model.CalendarInput{URL: s.calendar.CalendarURL, Username: s.calendar.User, Password: s.calendar.Password}, nil)
	must(t, err)
	var widgets []model.Widget
	_, err = s.admin.do(ctx, "GET", "/api/v1/widgets", nil, &widgets)
	must(t, err)
	if len(widgets) == 0 {
		t.Fatal("the demo has no widget")
	}

	// Guests start chats on the website widget.
	for i := range guestCount {
		a := newAPI(s.c.lb.url, s.j, &s.tolerate)
		var gc model.GuestConversation
		_, err := a.do(ctx, "POST", "/api/v1/public/widgets/"+widgets[0].PublicKey+"/conversations", model.StartConversation{
			VisitorToken: fmt.Sprintf("visitor-%02d-0123456789abcdefghij", i), Name: fmt.Sprintf("Guest %d", i),
			Email: fmt.Sprintf("guest%d@example.com", i), Language: "en"}, &gc)
		must(t, err)
		p := newParty(fmt.Sprintf("guest%d", i), a, s.j)
		p.token = gc.Token
		s.guests = append(s.guests, p)
		s.convs = append(s.convs, gc.ID)
	}
	// Two agents follow every one of them.
	for _, email := range []string{"anna@demo.frontdesk.test", "ben@demo.frontdesk.test"} {
		a := newAPI(s.c.lb.url, s.j, &s.tolerate)
		must(t, a.signIn(ctx, email, seed.DemoPassword))
		p := newParty(strings.Split(email, "@")[0], a, s.j)
		p.agent = true
		for _, c := range s.convs {
			p.follows[c] = true
		}
		s.agents = append(s.agents, p)
	}

	// Free half-hours on Anna's booking page for the coming days.
	s.slots = make(chan model.BookingRequest, 1000)
	from := time.Now().In(time.UTC)
	var list model.SlotList
	_, err = anna.do(ctx, "GET", "/api/v1/public/links/anna/slots?from="+from.Format("2006-01-02")+
		"&to="+from.AddDate(0, 0, 13).Format("2006-01-02")+"&duration=30&tz=UTC", nil, &list)
	must(t, err)
	for i, start := range list.Slots {
		if i%2 == 1 { // every other one: no two meetings touch
			continue
		}
		s.slots <- model.BookingRequest{Start: start, Duration: 30, TimeZone: "UTC", Name: fmt.Sprintf("Booker %d", i),
			Email: fmt.Sprintf("booker%d@example.com", i), Language: "en"}
	}
	if len(s.slots) < 20 {
		t.Fatalf("only %d free slots on Anna's page", len(s.slots))
	}
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// startTraffic has every guest write and the agents answer until the
// returned function is called; that one waits until every message sent is
// acknowledged.
func (s *scenario) startTraffic(ctx context.Context) (stop func()) {
	runCtx, cancelRun := context.WithCancel(ctx)
	sendCtx, cancelSend := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, p := range append(append([]*party{}, s.guests...), s.agents...) {
		wg.Go(func() { p.run(runCtx) })
	}
	for i, g := range s.guests {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * messageEvery / guestCount) // spread them
			tick := time.NewTicker(messageEvery)
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-sendCtx.Done():
					return
				case <-tick.C:
					g.send(runCtx, s.convs[i], fmt.Sprintf("%s message %d", g.name, n))
				}
			}
		})
	}
	for _, a := range s.agents {
		wg.Go(func() {
			tick := time.NewTicker(replyEvery)
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-sendCtx.Done():
					return
				case <-tick.C:
					a.send(runCtx, s.convs[rand.IntN(len(s.convs))], fmt.Sprintf("%s reply %d", a.name, n))
				}
			}
		})
	}
	return func() {
		cancelSend()
		s.waitUntil(ctx, "every message acknowledged", 30*time.Second, func() bool {
			for _, p := range append(append([]*party{}, s.guests...), s.agents...) {
				if p.unacked() > 0 {
					return false
				}
			}
			return true
		})
		s.waitUntil(ctx, "every party up to date", 30*time.Second, func() bool {
			for i, c := range s.convs {
				n := s.lastSeq(ctx, c)
				if ok, _ := s.guests[i].has(c, n); !ok {
					return false
				}
				for _, a := range s.agents {
					if ok, _ := a.has(c, n); !ok {
						return false
					}
				}
			}
			return true
		})
		cancelRun()
		wg.Wait()
		s.booked.Wait()
	}
}

// waitFlowing waits until every party has a socket and every guest has had
// a message acknowledged.
func (s *scenario) waitFlowing(ctx context.Context) {
	s.waitUntil(ctx, "messages flowing", 20*time.Second, func() bool {
		for _, g := range s.guests {
			g.mu.Lock()
			n := len(g.acked)
			g.mu.Unlock()
			if n < 2 {
				return false
			}
		}
		return true
	})
}

func (s *scenario) waitUntil(ctx context.Context, what string, d time.Duration, ok func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.t.Fatalf("%s: not after %v", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// book has n guests book a meeting with Anna at once, in the background.
func (s *scenario) book(ctx context.Context, n int) {
	for range n {
		req := <-s.slots
		s.booked.Go(func() {
			a := newAPI(s.c.lb.url, s.j, &s.tolerate)
			var b model.Booking
			if _, err := a.do(ctx, "POST", "/api/v1/public/links/anna/meetings", req, &b); err == nil {
				s.bookings.Add(1)
			} else if !s.tolerate.Load() {
				s.j.seen("booking %s: %v", req.Start, err)
			}
		})
	}
}

// requestLeads has the admin create a CRM lead from every guest's
// conversation.
func (s *scenario) requestLeads(ctx context.Context) {
	for _, c := range s.convs {
		if _, err := s.admin.do(ctx, "POST", "/api/v1/conversations/"+strconv.FormatInt(c, 10)+"/crm-lead", nil, nil); err == nil {
			s.leadsMu.Lock()
			s.leads[c] = true
			s.leadsMu.Unlock()
		}
	}
}

var portInWorker = regexp.MustCompile(`/127\.0\.0\.1:(\d+)/`)

// instanceWithRunningJobs waits until an instance is running jobs and
// returns the one running most.
func (s *scenario) instanceWithRunningJobs(ctx context.Context) *instance {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		rows, err := s.db.Pool.Query(ctx, `SELECT attempted_by[array_length(attempted_by, 1)] FROM river_job WHERE state = 'running'`)
		must(s.t, err)
		count := map[int]int{}
		for rows.Next() {
			var w string
			must(s.t, rows.Scan(&w))
			if m := portInWorker.FindStringSubmatch(w); m != nil {
				p, _ := strconv.Atoi(m[1])
				count[p]++
			}
		}
		rows.Close()
		var best *instance
		for _, in := range s.c.instances {
			if count[in.port] > 0 && (best == nil || count[in.port] > count[best.port]) {
				best = in
			}
		}
		if best != nil {
			s.t.Logf("running jobs by port: %v", count)
			return best
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatal("no instance ran a job")
	return nil
}

func (s *scenario) lastSeq(ctx context.Context, conv int64) int64 {
	var n int64
	must(s.t, s.db.Pool.QueryRow(ctx, `SELECT last_seq FROM conversations WHERE id = $1`, conv).Scan(&n))
	return n
}

// verify checks what R1, R2 and R5 promise once the traffic has stopped.
func (s *scenario) verify(ctx context.Context) {
	t := s.t
	t.Helper()

	// Messages: every one sent was acknowledged (startTraffic's stop waited
	// for that), is stored once, and reached its guest exactly once and
	// both agents.
	sent := 0
	for _, p := range append(append([]*party{}, s.guests...), s.agents...) {
		sent += p.sent
	}
	var stored int
	must(t, s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM messages WHERE client_id IS NOT NULL`).Scan(&stored))
	if stored != sent {
		t.Errorf("%d messages sent and acknowledged, %d stored", sent, stored)
	}
	agentDups := 0
	for i, c := range s.convs {
		n := s.lastSeq(ctx, c)
		if ok, dup := s.guests[i].has(c, n); !ok || dup > 0 {
			t.Errorf("%s: complete=%v with %d duplicates of %d messages", s.guests[i].name, ok, dup, n)
		}
		for _, a := range s.agents {
			ok, dup := a.has(c, n)
			if !ok {
				t.Errorf("%s lacks messages of conversation %d", a.name, c)
			}
			agentDups += dup
		}
	}
	t.Logf("%d messages, every one acknowledged, stored once and delivered; %d sockets ended %v; %d messages the agents got twice, live and fetched after a reconnect (the app keeps one per seq)",
		sent, len(s.j.outages), s.j.drops, agentDups)

	// Jobs: none left to do, none given up.
	s.waitUntil(ctx, "every job done", 40*time.Second, func() bool {
		var due int
		must(t, s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job
			WHERE state IN ('available', 'running') OR (state IN ('retryable', 'scheduled') AND scheduled_at <= now())`).Scan(&due))
		return due == 0
	})
	var failed []string
	rows, err := s.db.Pool.Query(ctx, `SELECT kind || ' ' || state FROM river_job WHERE state IN ('discarded', 'cancelled')`)
	must(t, err)
	for rows.Next() {
		var f string
		must(t, rows.Scan(&f))
		failed = append(failed, f)
	}
	rows.Close()
	if len(failed) > 0 {
		t.Errorf("jobs given up: %v", failed)
	}

	// Meetings: each confirmed once to the guest and once to Anna, and
	// written once to her calendar.
	var uids, guestEmails []string
	rows, err = s.db.Pool.Query(ctx, `SELECT m.uid, g.email FROM meetings m JOIN guests g ON g.id = m.guest_id WHERE m.status = 'scheduled'`)
	must(t, err)
	for rows.Next() {
		var uid, email string
		must(t, rows.Scan(&uid, &email))
		uids, guestEmails = append(uids, uid), append(guestEmails, email)
	}
	rows.Close()
	if len(uids) == 0 {
		t.Fatal("no meeting was booked")
	}
	byID := map[string]int{}
	to := map[string]int{}
	for _, m := range s.smtp.Messages() {
		byID[m.Header.Get("Message-Id")]++
		for _, r := range m.To {
			to[strings.ToLower(r)]++
		}
	}
	doubled := 0
	for _, n := range byID {
		doubled += n - 1
	}
	if len(byID) != 2*len(uids) || doubled > 0 {
		t.Errorf("%d distinct emails (%d repeated) for %d meetings, want %d, none repeated", len(byID), doubled, len(uids), 2*len(uids))
	}
	for _, e := range guestEmails {
		if to[e] != 1 {
			t.Errorf("%s received %d confirmations", e, to[e])
		}
	}
	if to["anna@demo.frontdesk.test"] != len(uids) {
		t.Errorf("Anna received %d notifications for %d meetings", to["anna@demo.frontdesk.test"], len(uids))
	}
	events := s.calendar.Objects(t)
	for _, uid := range uids {
		n := 0
		for _, ics := range events {
			if strings.Contains(ics, "UID:"+uid) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("meeting %s is %d times in Anna's calendar", uid, n)
		}
	}
	if len(events) != len(uids) {
		t.Errorf("%d events in Anna's calendar for %d meetings", len(events), len(uids))
	}

	// CRM: one lead note per conversation it was asked for.
	var done []int64
	rows, err = s.db.Pool.Query(ctx, `SELECT conversation_id FROM conversation_crm WHERE lead_status = 'done'`)
	must(t, err)
	for rows.Next() {
		var c int64
		must(t, rows.Scan(&c))
		done = append(done, c)
	}
	rows.Close()
	s.leadsMu.Lock()
	for c := range s.leads {
		if !slices.Contains(done, c) {
			t.Errorf("the lead of conversation %d was not created", c)
		}
	}
	s.leadsMu.Unlock()
	if notes := s.hubspot.Notes(); len(notes) != len(done) {
		t.Errorf("%d notes in HubSpot for %d leads", len(notes), len(done))
	}
	t.Logf("%d meetings: %d emails, %d calendar events; %d CRM leads", len(uids), len(byID), len(events), len(done))

	if errs := s.j.errors(); len(errs) > 0 {
		t.Errorf("%d errors a person would have seen, first: %q", len(errs), errs[:min(len(errs), 5)])
	}
}
