-- Google Calendar and Microsoft 365 over OAuth, next to CalDAV, and the
-- busy-time store every connected calendar feeds (package calsync).

-- The OAuth clients an admin registers with Google and Microsoft.
CREATE TABLE calendar_apps (
    organization_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    provider             text NOT NULL CHECK (provider IN ('google', 'microsoft')),
    client_id            text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 300),
    -- Sealed with the installation's secret key (backend/secret).
    client_secret_sealed text NOT NULL,
    -- Microsoft: the tenant (directory id or domain), or 'common'.
    tenant               text NOT NULL DEFAULT '' CHECK (length(tenant) <= 253),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, provider)
);

-- An agent has one connection, whatever its provider. For Google and
-- Microsoft, username holds the account's address and the refresh token
-- is sealed here instead of a password.
ALTER TABLE agent_calendars
    ADD COLUMN provider text NOT NULL DEFAULT 'caldav' CHECK (provider IN ('caldav', 'google', 'microsoft')),
    ADD COLUMN refresh_token_sealed text NOT NULL DEFAULT '',
    ADD COLUMN scopes text NOT NULL DEFAULT '' CHECK (length(scopes) <= 2000),
    -- Where new meetings are written; '' for nowhere.
    ADD COLUMN write_calendar_id text NOT NULL DEFAULT '' CHECK (length(write_calendar_id) <= 1024),
    -- Set when the grant was revoked or expired (invalid_grant) or the
    -- password refused; the agent is emailed when it is first set.
    ADD COLUMN needs_reconnect_at timestamptz,
    ADD COLUMN reconnect_reason text NOT NULL DEFAULT '' CHECK (length(reconnect_reason) <= 1000),
    ADD CONSTRAINT agent_calendars_secret CHECK (
        CASE WHEN provider = 'caldav' THEN password_sealed <> '' ELSE refresh_token_sealed <> '' END);

-- The calendars of a connection: which count as busy, and how far their
-- sync has come.
CREATE TABLE connected_calendars (
    agent_id       bigint NOT NULL REFERENCES agent_calendars (agent_id) ON DELETE CASCADE,
    calendar_id    text NOT NULL CHECK (length(calendar_id) BETWEEN 1 AND 1024),
    name           text NOT NULL DEFAULT '' CHECK (length(name) <= 500),
    time_zone      text NOT NULL DEFAULT '' CHECK (length(time_zone) <= 100),
    is_primary     boolean NOT NULL DEFAULT false,
    writable       boolean NOT NULL DEFAULT false,
    busy           boolean NOT NULL DEFAULT false,
    position       integer NOT NULL DEFAULT 0,
    -- Google's sync token or Graph's delta link; '' means a full sync.
    sync_cursor    text NOT NULL DEFAULT '' CHECK (length(sync_cursor) <= 8192),
    full_sync_at   timestamptz,
    synced_at      timestamptz,
    -- Set while a sync job is queued and has not started: notifications
    -- arriving meanwhile need no job of their own.
    sync_queued_at timestamptz,
    sync_error     text NOT NULL DEFAULT '' CHECK (length(sync_error) <= 1000),
    PRIMARY KEY (agent_id, calendar_id)
);

-- What blocks the agent, event by event (or occurrence by occurrence), as
-- the busy rule judged it; only blocking events are kept. The booking page
-- reads this and never the providers.
CREATE TABLE calendar_busy (
    agent_id    bigint NOT NULL,
    calendar_id text NOT NULL,
    event_id    text NOT NULL CHECK (length(event_id) <= 1024),
    during      tstzrange NOT NULL,
    PRIMARY KEY (agent_id, calendar_id, event_id),
    FOREIGN KEY (agent_id, calendar_id) REFERENCES connected_calendars (agent_id, calendar_id) ON DELETE CASCADE
);
CREATE INDEX calendar_busy_during ON calendar_busy USING gist (agent_id, during);

-- Push channels (Google) and subscriptions (Graph) watching a calendar.
-- Notifications are checked against the token's hash.
CREATE TABLE calendar_channels (
    id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    agent_id    bigint NOT NULL,
    calendar_id text NOT NULL,
    provider    text NOT NULL CHECK (provider IN ('google', 'microsoft')),
    resource_id text NOT NULL DEFAULT '' CHECK (length(resource_id) <= 256),
    token_hash  bytea NOT NULL,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (agent_id, calendar_id) REFERENCES connected_calendars (agent_id, calendar_id) ON DELETE CASCADE
);
CREATE INDEX calendar_channels_calendar ON calendar_channels (agent_id, calendar_id);
CREATE INDEX calendar_channels_expiry ON calendar_channels (expires_at);

-- Where each meeting was written, so later changes patch or delete that
-- very event. written_sequence is the meeting's SEQUENCE the provider
-- holds; deleted marks a cancellation that was carried out.
CREATE TABLE calendar_events (
    meeting_id       bigint PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    agent_id         bigint NOT NULL REFERENCES agent_calendars (agent_id) ON DELETE CASCADE,
    calendar_id      text NOT NULL,
    event_id         text NOT NULL CHECK (length(event_id) <= 1024),
    written_sequence integer NOT NULL,
    deleted          boolean NOT NULL DEFAULT false,
    written_at       timestamptz NOT NULL DEFAULT now()
);

-- Authorization requests under way: the state's hash, whose it is, and
-- the PKCE verifier (sealed). Each is taken once.
CREATE TABLE oauth_states (
    state_hash      bytea PRIMARY KEY,
    organization_id bigint NOT NULL,
    agent_id        bigint NOT NULL,
    provider        text NOT NULL CHECK (provider IN ('google', 'microsoft')),
    verifier_sealed text NOT NULL,
    expires_at      timestamptz NOT NULL,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
