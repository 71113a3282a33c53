-- Agents' own photos, uploaded from Settings → Profile: a 256-pixel square
-- JPEG made on the server from what was sent (so nothing but pixels of a
-- size we chose is ever served), small enough to keep in the database.
CREATE TABLE agent_photos (
    agent_id        bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    -- Part of the photo's URL: a new photo is a new address, so browsers
    -- may cache each one for good.
    version         text NOT NULL CHECK (version ~ '^[0-9a-f]{16}$'),
    data            bytea NOT NULL CHECK (length(data) <= 262144),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
