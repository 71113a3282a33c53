-- Bookkeeping for notifications sent by background jobs.

-- How far the guest has been emailed agents' replies they had not read.
ALTER TABLE conversations ADD COLUMN guest_emailed_seq bigint NOT NULL DEFAULT 0;

-- One row per reminder sent: a reminder job that runs twice (a retry after
-- a crash, a second instance) finds its row and does nothing.
CREATE TABLE meeting_reminders_sent (
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    audience   text NOT NULL CHECK (audience IN ('agent', 'guest')),
    sequence   integer NOT NULL,
    lead_minutes integer NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, audience, sequence, lead_minutes)
);
