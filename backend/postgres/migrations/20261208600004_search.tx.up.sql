-- Full-text search over messages and guests: the simple configuration
-- (no stemming, any language) with accents removed, so "Muller" finds
-- "Müller" and "cafe" finds "café".
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION frontdesk_search (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION frontdesk_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

-- Each message's words, kept beside it by a trigger so the message write
-- itself is untouched. The document is stored: a search that walks back in
-- time (for common words) tests each row's words without parsing its text
-- again. Messages are never edited; deleting one deletes its row here.
CREATE TABLE message_search (
    message_id      bigint PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    organization_id bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    doc             tsvector NOT NULL
);
CREATE INDEX message_search_doc_idx ON message_search USING gin (doc);
CREATE INDEX message_search_time_idx ON message_search (organization_id, created_at DESC, message_id DESC);

CREATE FUNCTION message_search_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_search (message_id, organization_id, created_at, doc)
    VALUES (NEW.id, NEW.organization_id, NEW.created_at, to_tsvector('frontdesk_search'::regconfig, NEW.body));
    RETURN NULL;
END $$;

CREATE TRIGGER message_search_add AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION message_search_add();

INSERT INTO message_search (message_id, organization_id, created_at, doc)
SELECT id, organization_id, created_at, to_tsvector('frontdesk_search'::regconfig, body) FROM messages;

-- A guest is found by name, company, email (whole or by its parts) and
-- phone (as written, or its digits run together).
CREATE FUNCTION frontdesk_guest_doc(name text, company text, email text, phone text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('frontdesk_search'::regconfig,
        name || ' ' || company || ' ' || email || ' ' || translate(email, '@.+_-', '     ') || ' ' ||
        phone || ' ' || regexp_replace(phone, '[^0-9]', '', 'g'));

CREATE FUNCTION frontdesk_tag_doc(label text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('frontdesk_search'::regconfig, label);

CREATE INDEX guests_search_idx ON guests USING gin (frontdesk_guest_doc(name, company, email, phone));
CREATE INDEX conversation_crm_company_search_idx ON conversation_crm USING gin (frontdesk_tag_doc(company_name));

-- Conversations of a service, newest first: the inbox's per-service tab and
-- search by the service tag.
CREATE INDEX conversations_service_idx ON conversations (organization_id, service_id, updated_at DESC);
