package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
)

// p5 is the P5 scenario: a Berlin agent working weekdays 09:00–17:00,
// 30-minute meetings on a 15-minute grid, 60 days asked at once by a New
// York guest, with 500 meetings in those days (passed through Occupied, with
// buffers, as the booking page does).
func p5(b *testing.B) (c *Compiled, from, to, now time.Time, busy []Interval) {
	a := officeHours(b)
	a.Step = 15 * time.Minute
	a.BufferBefore = 5 * time.Minute
	a.BufferAfter = 5 * time.Minute
	a.MinNotice = 4 * time.Hour
	a.Horizon = 90 * 24 * time.Hour
	c = compile(b, a)

	ny := loadLoc(b, "America/New_York")
	first := Date{2026, time.March, 2} // spans both 2026 spring changes
	from, to = first.Start(ny), first.AddDays(60).Start(ny)
	now = from.Add(-time.Hour)

	// 500 meetings on working days, on the grid, in random order; some
	// overlap each other, as calendar busy time does.
	rng := rand.New(rand.NewPCG(9, 10))
	for len(busy) < 500 {
		d := first.AddDays(rng.IntN(60))
		if wd := d.floating().Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		start := d.At(hm(9, 0)+Clock(rng.IntN(32))*15, a.TimeZone)
		busy = append(busy, c.Occupied(start, time.Duration(1+rng.IntN(4))*15*time.Minute))
	}
	return c, from, to, now, busy
}

func BenchmarkSlots60Days500Meetings(b *testing.B) {
	c, from, to, now, busy := p5(b)
	n := len(c.Slots(from, to, 30*time.Minute, now, busy))
	if n == 0 {
		b.Fatal("no slots: the benchmark would measure nothing")
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Slots(from, to, 30*time.Minute, now, busy)
	}
	b.ReportMetric(float64(n), "slots")
}

// BenchmarkSlots60Days500MeetingsCompile includes compiling the
// availability, for callers that do not keep the Compiled value.
func BenchmarkSlots60Days500MeetingsCompile(b *testing.B) {
	c, from, to, now, busy := p5(b)
	a := officeHours(b)
	a.Step, a.BufferBefore, a.BufferAfter, a.MinNotice, a.Horizon = c.step, c.before, c.after, c.minNotice, c.horizon
	b.ReportAllocs()
	for b.Loop() {
		c, err := a.Compile()
		if err != nil {
			b.Fatal(err)
		}
		c.Slots(from, to, 30*time.Minute, now, busy)
	}
}

func BenchmarkCheck500Meetings(b *testing.B) {
	c, from, _, now, busy := p5(b)
	start := c.Slots(from, from.Add(7*24*time.Hour), 30*time.Minute, now, busy)[10]
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Check(start, 30*time.Minute, now, busy); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSlots60DaysNoMeetings is the same query on an empty calendar,
// where every working-hour start is a slot: the cost of the output itself.
func BenchmarkSlots60DaysNoMeetings(b *testing.B) {
	c, from, to, now, _ := p5(b)
	n := len(c.Slots(from, to, 30*time.Minute, now, nil))
	b.ReportAllocs()
	for b.Loop() {
		c.Slots(from, to, 30*time.Minute, now, nil)
	}
	b.ReportMetric(float64(n), "slots")
}
