-- After resolve: a satisfaction rating and a transcript by email, each
-- offered per widget.
ALTER TABLE widgets
    ADD COLUMN rating_enabled boolean NOT NULL DEFAULT false,
    ADD COLUMN transcript_enabled boolean NOT NULL DEFAULT false;

-- One rating per conversation (a guest may change it); the agent and
-- service it counts for are those holding the conversation when rated.
CREATE TABLE conversation_ratings (
    conversation_id bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    score           smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    agent_id        bigint,
    service_id      bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE SET NULL (agent_id),
    FOREIGN KEY (organization_id, service_id) REFERENCES services (organization_id, id) ON DELETE SET NULL (service_id)
);
CREATE INDEX conversation_ratings_report_idx ON conversation_ratings (organization_id, updated_at);
