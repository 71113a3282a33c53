-- Rate limits shared by every instance: one token bucket per limit and key
-- (an address, an account). Instances decide locally and settle what they
-- took here a few times a second (backend/ratelimit). The key is hashed:
-- the table holds no addresses or emails. Unlogged, because a bucket lost
-- in a database crash only forgets some recent attempts.
CREATE UNLOGGED TABLE rate_limits (
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    key_hash   bytea NOT NULL,
    tokens     double precision NOT NULL,
    burst      integer NOT NULL CHECK (burst > 0),
    per_second double precision NOT NULL CHECK (per_second > 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, key_hash)
) WITH (fillfactor = 70);
-- No other index: every settlement updates tokens and updated_at, and with
-- only the primary key those updates stay HOT (in place on the page).
