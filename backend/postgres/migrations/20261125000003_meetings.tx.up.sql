-- Meetings booked through an agent's personal link.
CREATE TABLE meetings (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL,
    agent_id         bigint NOT NULL,
    conversation_id  bigint NOT NULL,
    guest_id         bigint NOT NULL,
    starts_at        timestamptz NOT NULL,
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
    -- What the meeting holds in the agent's calendar, buffers included. The
    -- exclusion constraint below makes double booking impossible whatever
    -- the concurrency.
    blocked          tstzrange NOT NULL,
    time_zone        text NOT NULL,
    language         text NOT NULL DEFAULT 'en',
    status           text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    uid              text NOT NULL UNIQUE,
    sequence         integer NOT NULL DEFAULT 0,
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    -- The guest's capability to reschedule or cancel, sent only in their
    -- emails (the conversation link alone does not allow it).
    manage_token     text NOT NULL UNIQUE CHECK (length(manage_token) >= 22),
    reminder_minutes integer NOT NULL DEFAULT 15,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, guest_id) REFERENCES guests (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT meetings_no_overlap EXCLUDE USING gist (agent_id WITH =, blocked WITH &&) WHERE (status = 'scheduled')
);
CREATE INDEX meetings_agent_idx ON meetings (agent_id, starts_at);
CREATE INDEX meetings_conversation_idx ON meetings (conversation_id);
