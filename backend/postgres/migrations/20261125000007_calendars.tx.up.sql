-- Agents' connected CalDAV calendars and their subscribable ICS feeds.
CREATE TABLE agent_calendars (
    agent_id        bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    url             text NOT NULL CHECK (length(url) <= 2000),
    username        text NOT NULL CHECK (length(username) <= 254),
    -- Sealed with the installation's secret key (backend/secret).
    password_sealed text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);

-- The unguessable token of an agent's private ICS feed URL.
ALTER TABLE agents ADD COLUMN feed_token text UNIQUE;
