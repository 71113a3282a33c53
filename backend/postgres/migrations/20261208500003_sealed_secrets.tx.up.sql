-- A value sealed with the installation's secret key when the database was
-- first used with it, so that a server started with another key (a backup
-- restored elsewhere, a typo in FRONTDESK_SECRET_KEY) stops with a clear
-- error instead of failing on every stored credential later. key_id is a
-- fingerprint of the key, not the key.
CREATE TABLE secret_key_check (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    key_id     text NOT NULL,
    sealed     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The VAPID private key, sealed like every other secret. The server seals
-- a stored plain key on start and blanks the old column (kept for one
-- version, see docs/OPERATIONS.md).
ALTER TABLE vapid_keys ADD COLUMN private_key_sealed text;
ALTER TABLE vapid_keys ALTER COLUMN private_key SET DEFAULT '';
