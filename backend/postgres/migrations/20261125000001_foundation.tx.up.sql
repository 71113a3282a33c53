-- Foundation: tenants, agents, sessions, services, widgets, availability.
--
-- Every tenant row carries organization_id, and rows that point at each
-- other do so through (organization_id, id) pairs, so the database itself
-- refuses a link between two organizations.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE organizations (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title           text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    photo_url       text NOT NULL DEFAULT '' CHECK (length(photo_url) <= 2000),
    slug            text NOT NULL CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
    time_zone       text NOT NULL,
    role            text NOT NULL CHECK (role IN ('agent', 'admin')),
    license         text NOT NULL CHECK (license IN ('basic', 'standard')),
    password_hash   text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
-- Sign-in is by email alone, so an email names one agent across all tenants;
-- personal links are global URLs, so slugs are global too.
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));
CREATE UNIQUE INDEX agents_slug_key ON agents (slug);

CREATE TABLE sessions (
    token_hash      bytea PRIMARY KEY,
    organization_id bigint NOT NULL,
    agent_id        bigint NOT NULL,
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_agent_idx ON sessions (agent_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE services (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    strategy        text NOT NULL DEFAULT 'manual' CHECK (strategy IN ('manual', 'round_robin', 'least_busy')),
    -- round_robin remembers whom it chose last.
    last_assignee   bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
CREATE UNIQUE INDEX services_name_key ON services (organization_id, lower(name));

CREATE TABLE service_members (
    organization_id bigint NOT NULL,
    service_id      bigint NOT NULL,
    agent_id        bigint NOT NULL,
    PRIMARY KEY (service_id, agent_id),
    FOREIGN KEY (organization_id, service_id) REFERENCES services (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX service_members_agent_idx ON service_members (agent_id);

CREATE TABLE widgets (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    public_key      text NOT NULL UNIQUE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    color           text NOT NULL DEFAULT '#2563eb' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    greeting        text NOT NULL DEFAULT '' CHECK (length(greeting) <= 500),
    service_id      bigint,
    pre_chat_name   boolean NOT NULL DEFAULT true,
    pre_chat_email  boolean NOT NULL DEFAULT true,
    allowed_origins text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, service_id) REFERENCES services (organization_id, id) ON DELETE SET NULL (service_id)
);

-- Working hours: RRULE-based windows in the agent's own zone plus date
-- overrides, kept as JSON because they are read and written whole.
CREATE TABLE availability (
    agent_id              bigint PRIMARY KEY,
    organization_id       bigint NOT NULL,
    rules                 jsonb NOT NULL DEFAULT '[]',
    overrides             jsonb NOT NULL DEFAULT '[]',
    durations             integer[] NOT NULL DEFAULT '{30}',
    min_notice_minutes    integer NOT NULL DEFAULT 120 CHECK (min_notice_minutes >= 0),
    horizon_days          integer NOT NULL DEFAULT 60 CHECK (horizon_days BETWEEN 1 AND 365),
    buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
    buffer_after_minutes  integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
    step_minutes          integer NOT NULL DEFAULT 15 CHECK (step_minutes > 0),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
