-- Files and images in conversations.
--
-- An upload is a row first (stored = false), then a blob in the store, then
-- stored = true: a crash in between leaves a row the cleanup job finds. A
-- message claims its files by setting message_id in the transaction that
-- stores it; files never claimed are removed by the cleanup job. The
-- message row keeps a copy of its attachments' public description
-- (messages.attachments), so reading and replaying messages needs no join.

CREATE TABLE attachments (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL,
    conversation_id bigint NOT NULL,
    message_id      bigint REFERENCES messages (id) ON DELETE CASCADE,
    uploader_kind   text NOT NULL CHECK (uploader_kind IN ('agent', 'guest')),
    uploader_id     bigint,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    content_type    text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 100),
    size            bigint NOT NULL CHECK (size > 0),
    blob_key        text NOT NULL UNIQUE,
    thumb_key       text,
    width           integer,
    height          integer,
    stored          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_conversation_idx ON attachments (conversation_id);
CREATE INDEX attachments_message_idx ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_unsent_idx ON attachments (created_at) WHERE message_id IS NULL;

ALTER TABLE messages ADD COLUMN attachments jsonb;

-- A message may be files alone; the text limit stays.
ALTER TABLE messages DROP CONSTRAINT messages_body_check;
ALTER TABLE messages ADD CONSTRAINT messages_body_check CHECK (octet_length(body) <= 8192);

-- Blobs whose rows are gone, however they went (a cleaned-up upload, a
-- deleted conversation or guest, an erased organization): the cleanup job
-- deletes them from the store. Deleting rows is therefore all it takes to
-- delete files.
CREATE TABLE blob_trash (
    key        text PRIMARY KEY,
    trashed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION attachments_trash_blobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO blob_trash (key) VALUES (OLD.blob_key) ON CONFLICT DO NOTHING;
    IF OLD.thumb_key IS NOT NULL THEN
        INSERT INTO blob_trash (key) VALUES (OLD.thumb_key) ON CONFLICT DO NOTHING;
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER attachments_trash_blobs AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_trash_blobs();
