-- The server instances working on this database, each with a heartbeat.
-- An instance whose heartbeat has stopped is dead: the River jobs it was
-- running are handed back to the queue at once (backend/cluster) instead
-- of waiting for River's stuck-job rescue, which is measured in hours.
CREATE TABLE instances (
    -- The instance's River client id: river_job.attempted_by names it.
    id         text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
    host       text NOT NULL DEFAULT '' CHECK (length(host) <= 255),
    started_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now(),
    -- Set when the instance shut down cleanly.
    left_at    timestamptz
);
