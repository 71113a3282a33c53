-- Live chat: guests, conversations, messages, and who takes part.

CREATE TABLE guests (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- SHA-256 of the widget's visitor token: finds a returning visitor.
    visitor_hash    bytea,
    name            text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone           text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    company         text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    language        text NOT NULL DEFAULT 'en' CHECK (length(language) <= 16),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
CREATE UNIQUE INDEX guests_visitor_key ON guests (organization_id, visitor_hash) WHERE visitor_hash IS NOT NULL;

CREATE TABLE conversations (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('widget', 'personal_link', 'meeting')),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
    guest_id        bigint NOT NULL,
    widget_id       bigint,
    service_id      bigint,
    assignee_id     bigint,
    -- The guest's capability: whoever holds it reads and writes here.
    access_token    text NOT NULL UNIQUE CHECK (length(access_token) >= 22),
    language        text NOT NULL DEFAULT 'en',
    last_seq        bigint NOT NULL DEFAULT 0,
    last_message    text NOT NULL DEFAULT '',
    guest_read_seq  bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, guest_id) REFERENCES guests (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, widget_id) REFERENCES widgets (organization_id, id) ON DELETE SET NULL (widget_id),
    FOREIGN KEY (organization_id, service_id) REFERENCES services (organization_id, id) ON DELETE SET NULL (service_id),
    FOREIGN KEY (organization_id, assignee_id) REFERENCES agents (organization_id, id) ON DELETE SET NULL (assignee_id)
);
CREATE INDEX conversations_inbox_idx ON conversations (organization_id, status, updated_at DESC);
CREATE INDEX conversations_assignee_idx ON conversations (organization_id, assignee_id, updated_at DESC);
CREATE INDEX conversations_guest_idx ON conversations (guest_id, updated_at DESC);

-- Agents who take part in a conversation, and how far each has read.
-- "Apply and leave" sets left_at: the conversation leaves their inbox.
CREATE TABLE conversation_agents (
    organization_id bigint NOT NULL,
    conversation_id bigint NOT NULL,
    agent_id        bigint NOT NULL,
    last_read_seq   bigint NOT NULL DEFAULT 0,
    left_at         timestamptz,
    PRIMARY KEY (conversation_id, agent_id),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_agents_agent_idx ON conversation_agents (agent_id);

CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL,
    conversation_id bigint NOT NULL,
    seq             bigint NOT NULL CHECK (seq > 0),
    client_id       text CHECK (length(client_id) BETWEEN 1 AND 64),
    author_kind     text NOT NULL CHECK (author_kind IN ('agent', 'guest', 'system')),
    author_id       bigint,
    author_name     text NOT NULL DEFAULT '',
    body            text NOT NULL CHECK (octet_length(body) BETWEEN 1 AND 8192),
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

-- Which agents have the app open, per server instance. Each instance
-- refreshes its rows while it lives; rows of a dead instance age out.
CREATE UNLOGGED TABLE presence (
    instance_id     text NOT NULL,
    agent_id        bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id bigint NOT NULL,
    seen_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, agent_id)
);
CREATE INDEX presence_org_idx ON presence (organization_id, seen_at);
