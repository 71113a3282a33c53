// Package caldav keeps agents' own calendars in step with their meetings
// over CalDAV (RFC 4791): it writes each booked meeting into the agent's
// calendar, updates it in place on a reschedule and removes or cancels it,
// and reads the agent's busy times back so the booking page offers only
// slots the agent is free for. Conn adapts a Client and an account to
// calendar.Conn, the interface every calendar provider offers.
//
// # Connecting a calendar
//
// Each agent enters three things in the agent app's calendar settings: a
// CalDAV URL, a username and an app-specific password (never the account's
// own password). "Test connection" says at once whether they work. The URL
// may be the calendar itself, or the account's address, from which Frontdesk
// finds the first calendar that holds events. The password is stored
// encrypted.
//
//   - Apple iCloud: URL https://caldav.icloud.com, the Apple Account email
//     as username, and an app-specific password made at account.apple.com
//     (Sign-In and Security → App-Specific Passwords; it needs two-factor
//     authentication on).
//   - Fastmail: URL https://caldav.fastmail.com/dav/principals/user/<your
//     address>/ (or one calendar's CalDAV URL from Settings → Calendars),
//     your Fastmail address as username, and an app password with calendar
//     (CalDAV) access made in Fastmail's settings.
//   - Nextcloud: URL https://<your-cloud>/remote.php/dav (or a calendar's
//     CalDAV link from the Calendar app), the Nextcloud username, and an app
//     password from Settings → Security → Devices & sessions.
//   - Other CalDAV servers (Radicale, Baïkal, SOGo, mailbox.org, Posteo…):
//     their CalDAV URL with an app password, or the account password where
//     the server has no app passwords.
//
// Frontdesk's tests run against a real Radicale server; the providers above
// follow the same standard but are not part of the test suite.
//
// Google Calendar and Microsoft 365 are connected with OAuth instead (packages
// calendar/google and calendar/microsoft): Google's CalDAV endpoint accepts
// only OAuth tokens, not app passwords.
//
// # What the agent sees
//
// Each booked meeting appears in the connected calendar with the guest as
// attendee, a link to the conversation, and moves or disappears when the
// meeting is rescheduled, shortened or deleted (same UID, higher SEQUENCE,
// so clients update the event in place instead of adding a second one).
// Frontdesk marks these events so that the calendar server does not email
// invitations of its own (SCHEDULE-AGENT=CLIENT): guests get exactly one
// invitation, from Frontdesk.
//
// Slots offered to guests skip the agent's busy time: any event in the
// calendar blocks its time, except events marked "free" (transparent),
// cancelled events, and invitations the agent has not accepted — still
// awaiting an answer, answered "maybe" or declined. This is the rule the
// product always had for Google Calendar: an invitation counts only once the
// agent clicks Yes; until then the slot is assumed to be available.
// Recurring events block every occurrence. Frontdesk reads the busy time
// into its own store every two minutes (package calsync), so changes made
// in the calendar show on the booking page within about that, and the
// booking page never waits for the CalDAV server.
package caldav
