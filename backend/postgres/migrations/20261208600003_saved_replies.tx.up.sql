-- Saved replies: organization-wide (agent_id NULL, kept by admins) or an
-- agent's own.
CREATE TABLE saved_replies (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id        bigint,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 80),
    body            text NOT NULL CHECK (octet_length(body) BETWEEN 1 AND 8192),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX saved_replies_title_key ON saved_replies (organization_id, coalesce(agent_id, 0), lower(title));
