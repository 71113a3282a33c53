// Package schedule computes when an agent can be booked: the free meeting
// start times on a booking page and the check a booking or reschedule must
// pass. It is pure computation — no database, no HTTP, no clock of its own —
// so the caller loads the agent's availability and busy time, passes "now",
// and gets the same answer on every server instance.
//
// # Model
//
// An agent's Availability is a set of recurring wall-clock windows in the
// agent's IANA time zone ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" from 09:00 to
// 17:00), date overrides that replace one civil day's windows (a day off, or
// different hours), the offered durations, minimum notice, booking horizon,
// buffers and the step between offered start times. Compile validates it and
// returns a Compiled value whose Slots and Check methods answer queries.
//
// # Rules are floating
//
// RRULEs select civil dates only; the window gives the time of day. The
// rules are expanded in UTC used as a floating calendar (no DST), so an
// RRULE can never drift by an hour across a DST change, and the dates are
// then placed on the agent's zone. A rule may carry a DTSTART line (its date
// anchors INTERVAL and COUNT); without one the rule is anchored on Monday
// 2001-01-01. UNTIL is read as a floating date too.
//
// # Wall-clock edges and DST
//
// Each window edge H:M on a civil day is the first instant at which the
// agent's clock reads H:M or later that day. This one rule settles both
// kinds of DST trouble:
//
//   - a nonexistent time (inside a spring-forward gap) becomes the
//     transition instant, so a 09:00–17:00 window stays 8 real hours, a
//     01:00–04:00 window over Berlin's 02:00→03:00 jump is 2 real hours, and
//     a window entirely inside the gap is empty;
//   - an ambiguous time (inside a fall-back overlap) is its first
//     occurrence, as RFC 5545 §3.3.5 prescribes, so a 01:00–04:00 window over
//     Berlin's 03:00→02:00 fall-back is 4 real hours.
//
// 24:00 is the next day's 00:00 under the same rule.
//
// # Free starts
//
// A start s is free for duration d when:
//
//   - d is one of the offered durations;
//   - now+MinNotice <= s <= now+Horizon;
//   - s lies in one of the day's windows and s-windowStart is a multiple of
//     Step (each day's windows are merged first, so the grid is anchored on
//     the merged window's start);
//   - [s, s+d) is covered by availability: its window, or windows that
//     continue it without a gap (a 22:00–24:00 window followed by the next
//     day's 00:00–02:00 window can hold a meeting across midnight);
//   - [s-BufferBefore, s+d+BufferAfter) overlaps no busy interval.
//
// Buffers and busy time: busy intervals are taken as given. Calendar busy
// time (an external event) is passed raw, so the new meeting's buffers may
// not overlap it. The agent's own Frontdesk meetings are passed through
// Compiled.Occupied, which widens them by their buffers: two meetings then
// keep BufferAfter+BufferBefore between them whichever was booked first,
// and a meeting's buffers never overlap another meeting or its buffers. This
// is how Calendly and Cal.com count buffers ("a 30-minute event with 15-minute
// buffers needs 60 free minutes"). Buffers may reach outside the availability
// windows: they protect against other bookings, not against the end of the
// working day.
//
// Slots and Check agree: s is in Slots(from, to, d, now, busy) exactly when
// from <= s < to and Check(s, d, now, busy) returns nil.
package schedule
