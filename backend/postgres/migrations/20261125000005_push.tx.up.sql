-- Web Push: the installation's VAPID key pair and the agents' browser
-- subscriptions.

-- The key pair that signs every push this installation sends. There is one
-- row (id is always true): browsers bind each subscription to the public key
-- it was made with, so the pair is generated once and never replaced. The
-- private key is stored as-is (base64url of the P-256 scalar); sealing it
-- with an installation secret is left to a later migration.
CREATE TABLE vapid_keys (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    public_key  text NOT NULL,
    private_key text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per browser that agreed to show an agent's notifications. An
-- endpoint belongs to one browser profile, so it names one row whichever
-- agent signed in there last.
CREATE TABLE push_subscriptions (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL,
    agent_id        bigint NOT NULL,
    endpoint        text NOT NULL UNIQUE CHECK (length(endpoint) BETWEEN 1 AND 2000),
    p256dh          text NOT NULL CHECK (length(p256dh) BETWEEN 1 AND 200),
    auth            text NOT NULL CHECK (length(auth) BETWEEN 1 AND 100),
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_success_at timestamptz,
    -- Consecutive failed deliveries; a success resets it.
    failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX push_subscriptions_agent_idx ON push_subscriptions (agent_id);
