package main

import (
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/frontdesk/frontdesk/backend/barewrite"
)

// Report is everything one run measured.
type Report struct {
	Config Config
	Date   time.Time

	StartTime time.Duration // starting the conversations
	DialTime  time.Duration // opening the guest sockets
	Opened    int

	Before, After, End Snapshot // memory: before and after the guest sockets, after sending

	SendTime time.Duration
	MaxLag   time.Duration // the sender's worst delay against its schedule
	CPU      CPU
	Outcome  Outcome

	GuestFrames, AgentFrames, WatcherFrames int64
	GuestsLost, AgentsLost                  int64 // sockets the server closed during the run
	CloseReasons                            map[string]int

	Ceiling float64 // bar P4's bare write on the server's PostgreSQL, transactions/s; 0 when not measured
}

func numCPU() int { return runtime.NumCPU() }

// PerConnection is the server memory added per guest socket, in bytes,
// by one measure (after − before) / sockets.
func (r *Report) perConnection(before, after float64) float64 {
	if r.Opened == 0 || before == 0 || after == 0 {
		return 0
	}
	return (after - before) / float64(r.Opened)
}

// Print writes the report for people.
func (r *Report) Print(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "\nFrontdesk load test  %s\n", r.Date.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "server %s  conversations %d  guest sockets %d  rate %g msg/s  duration %s  (%d cores)\n",
		c.URL, c.Conversations, c.Clients, c.Rate, c.Duration, numCPU())
	if len(c.GuestURLs) > 1 || (c.AgentURL != "" && c.AgentURL != c.URL) {
		fmt.Fprintf(w, "instances: guests on %s; agents on %s\n", strings.Join(c.GuestURLs, ", "), c.AgentURL)
	}
	fmt.Fprintf(w, "agents online: %s (measured)", c.AgentEmail)
	for _, e := range c.Online {
		fmt.Fprintf(w, ", %s", e)
	}
	fmt.Fprintln(w)
	if r.StartTime > 0 {
		fmt.Fprintf(w, "set-up: conversations started in %s, %d guest sockets opened in %s\n",
			r.StartTime.Round(time.Millisecond), r.Opened, r.DialTime.Round(time.Millisecond))
	}
	if r.Opened == 0 {
		return
	}

	fmt.Fprintf(w, "\nServer memory (before → after opening %d guest sockets; per socket)\n", r.Opened)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name string, before, after, end float64, unit func(float64) string) {
		per := r.perConnection(before, after)
		if before == 0 && after == 0 {
			return
		}
		fmt.Fprintf(tw, "  %s\t%s\t→ %s\t%s per socket\tafter sending %s\t\n", name, unit(before), unit(after), unit(per), unit(end))
	}
	mib := func(v float64) string { return fmt.Sprintf("%.1f MiB", v/(1<<20)) }
	kib := func(v float64) string { return fmt.Sprintf("%.1f KiB", v/(1<<10)) }
	both := func(v float64) string {
		if v < 1<<20 {
			return kib(v)
		}
		return mib(v)
	}
	count := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	row("RSS (/metrics)", r.Before.RSS, r.After.RSS, r.End.RSS, both)
	row("VmRSS (/proc)", float64(r.Before.VmRSS), float64(r.After.VmRSS), float64(r.End.VmRSS), both)
	row("Go heap in use", r.Before.HeapInuse, r.After.HeapInuse, r.End.HeapInuse, both)
	row("goroutine stacks", r.Before.StackInuse, r.After.StackInuse, r.End.StackInuse, both)
	row("freed heap not yet returned", r.Before.HeapFree, r.After.HeapFree, r.End.HeapFree, both)
	row("goroutines", r.Before.Goroutines, r.After.Goroutines, r.End.Goroutines, count)
	tw.Flush()
	if r.After.GuestSockets > 0 {
		fmt.Fprintf(w, "  server counts %.0f guest sockets; load tester's own RSS %s\n", r.After.GuestSockets, mib(float64(r.After.SelfRSS)))
	}
	for _, s := range []Snapshot{r.Before, r.After, r.End} {
		if s.Err != "" {
			fmt.Fprintf(w, "  metrics unavailable: %s\n", s.Err)
			break
		}
	}

	o := r.Outcome
	fmt.Fprintf(w, "\nMessages: %d sent in %s (%.1f/s achieved; sender at most %s behind schedule)\n",
		o.Sent, r.SendTime.Round(time.Millisecond), float64(o.Sent)/r.SendTime.Seconds(), r.MaxLag.Round(time.Microsecond))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  latency\tcount\tp50\tp90\tp99\tmax\tmean\tlost\tduplicated\t\n")
	lat := func(name string, l Latency, lost, dup int) {
		ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t\n", name, l.Count, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max), ms(l.Mean), lost, dup)
	}
	lat("send → ack (guest)", o.Ack, o.AckLost, o.AckDup)
	lat("send → agent socket", o.Delivery, o.DeliveryLost, o.DeliveryDup)
	if o.Cross.Count > 0 {
		lat("  of which across instances", o.Cross, 0, 0)
	}
	tw.Flush()
	if o.WriteErrors+o.Refused > 0 || o.Foreign > 0 {
		fmt.Fprintf(w, "  write errors %d, refused by the server %d %v, frames for unknown client ids %d\n", o.WriteErrors, o.Refused, o.Refusals, o.Foreign)
	}
	fmt.Fprintf(w, "  frames received: guests %d, agent %d, other agents %d; sockets closed by the server: guests %d, agents %d; slow-client drops (server) %.0f\n",
		r.GuestFrames, r.AgentFrames, r.WatcherFrames, r.GuestsLost, r.AgentsLost, r.End.Dropped-r.Before.Dropped)
	for _, k := range slices.Sorted(maps.Keys(r.CloseReasons)) {
		fmt.Fprintf(w, "    %dx %s\n", r.CloseReasons[k], k)
	}

	cpu := r.CPU
	fmt.Fprintf(w, "\nCPU while sending (cores of %d): machine %.0f%% busy", cpu.Cores, cpu.MachineBusy*100)
	if cpu.Server >= 0 {
		fmt.Fprintf(w, "; server %.2f", cpu.Server)
	}
	fmt.Fprintf(w, "; postgres %.2f; load tester %.2f\n", cpu.Postgres, cpu.Self)

	if r.Ceiling > 0 {
		achieved := float64(o.Sent) / r.SendTime.Seconds()
		fmt.Fprintf(w, "\nCeiling: the bare message write (bar P4, pgbench %d clients) %.0f/s on this PostgreSQL; this run wrote %.0f msg/s: ratio %.2f of it\n",
			barewrite.Clients, r.Ceiling, achieved, achieved/r.Ceiling)
	}
}
