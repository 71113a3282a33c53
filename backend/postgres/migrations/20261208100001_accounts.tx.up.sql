-- Accounts: organizations that start on their own (first-run setup, open
-- sign-up), agents who join by emailed invitation, emailed one-time tokens,
-- profiles with a language, and sessions an agent can list and end.
--
-- Every emailed token is stored as the SHA-256 of its 256 random bits:
-- a leaked database holds no usable link.

ALTER TABLE organizations
    -- The language of the organization's emails to people who have no
    -- account yet (invitations).
    ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de', 'fr', 'it', 'es')),
    -- Set for an organization created by open sign-up while its admin has
    -- not verified their email; past it, the public surfaces (widget,
    -- personal links, booking pages) answer "temporarily unavailable".
    ADD COLUMN verify_by timestamptz,
    -- The getting-started card: shown to admins of organizations created
    -- by setup, sign-up or `frontdesk admin create` (not the demo) until
    -- every step is done or it is dismissed.
    ADD COLUMN onboarding boolean NOT NULL DEFAULT false,
    ADD COLUMN onboarding_dismissed_at timestamptz,
    ADD COLUMN widget_copied_at timestamptz;

ALTER TABLE agents
    ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de', 'fr', 'it', 'es')),
    ADD COLUMN email_verified_at timestamptz,
    -- A new address waiting for its verification link to be followed.
    ADD COLUMN pending_email text CHECK (length(pending_email) BETWEEN 3 AND 254);
-- Agents who existed before (the demo, those admins created) count as
-- verified; only sign-up leaves an address unverified.
UPDATE agents SET email_verified_at = created_at;

-- An agent created by `frontdesk admin create` has no password until they
-- follow the link it printed.
ALTER TABLE agents ALTER COLUMN password_hash SET DEFAULT '';

ALTER TABLE sessions
    -- The public handle of a session (GET/DELETE /api/v1/me/sessions):
    -- the token's hash never leaves the server.
    ADD COLUMN id bigserial UNIQUE,
    ADD COLUMN user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    ADD COLUMN ip text NOT NULL DEFAULT '' CHECK (length(ip) <= 64),
    -- How the agent proved who they are (password, invitation, setup,
    -- sign-up, reset…); later methods add their own words.
    ADD COLUMN method text NOT NULL DEFAULT 'password' CHECK (length(method) <= 32),
    ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();

-- The first-run setup link. At most one is live: each start of a server
-- with no organization replaces it.
CREATE TABLE setup_tokens (
    token_hash bytea PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- Emailed links that act on an existing agent: verify an email address
-- (the sign-up address, or a new one), reset or set a password.
CREATE TABLE account_tokens (
    token_hash      bytea PRIMARY KEY,
    purpose         text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    organization_id bigint NOT NULL,
    agent_id        bigint NOT NULL,
    -- The address the link was sent to: for verify_email, the address it
    -- verifies.
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX account_tokens_agent_idx ON account_tokens (agent_id, purpose, created_at);
CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at);

CREATE TABLE invitations (
    id                bigserial PRIMARY KEY,
    organization_id   bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email             text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name              text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    role              text NOT NULL CHECK (role IN ('agent', 'admin')),
    license           text NOT NULL CHECK (license IN ('basic', 'standard')),
    -- Services the new agent joins; ids of services deleted meanwhile are
    -- skipped on acceptance.
    service_ids       bigint[] NOT NULL DEFAULT '{}',
    token_hash        bytea NOT NULL UNIQUE,
    invited_by        bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    accepted_at       timestamptz,
    accepted_agent_id bigint,
    revoked_at        timestamptz,
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, invited_by) REFERENCES agents (organization_id, id) ON DELETE SET NULL (invited_by),
    FOREIGN KEY (organization_id, accepted_agent_id) REFERENCES agents (organization_id, id) ON DELETE SET NULL (accepted_agent_id)
);
-- One open invitation per address and organization: inviting again is
-- "resend".
CREATE UNIQUE INDEX invitations_open_key ON invitations (organization_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
