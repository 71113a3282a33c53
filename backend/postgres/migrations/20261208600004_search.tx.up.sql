-- Full-text search over messages and guests: the simple configuration
-- (no stemming, any language) with accents removed, so "Muller" finds
-- "Müller" and "cafe" finds "café". The documents are expressions, indexed
-- with GIN, so the tables keep their columns.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION frontdesk_search (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION frontdesk_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

CREATE FUNCTION frontdesk_message_doc(body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('frontdesk_search'::regconfig, body);

-- A guest is found by name, company, email (whole or by its parts) and
-- phone digits.
CREATE FUNCTION frontdesk_guest_doc(name text, company text, email text, phone text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('frontdesk_search'::regconfig,
        name || ' ' || company || ' ' || email || ' ' || translate(email, '@.+_-', '     ') || ' ' ||
        regexp_replace(phone, '[^0-9]', '', 'g'));

CREATE FUNCTION frontdesk_tag_doc(label text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('frontdesk_search'::regconfig, label);

CREATE INDEX messages_search_idx ON messages USING gin (frontdesk_message_doc(body));
-- Newest first within an organization, for words so common that walking
-- back in time finds a page of hits sooner than the word index would.
CREATE INDEX messages_org_time_idx ON messages (organization_id, created_at DESC, id DESC);
CREATE INDEX guests_search_idx ON guests USING gin (frontdesk_guest_doc(name, company, email, phone));
CREATE INDEX conversation_crm_company_search_idx ON conversation_crm USING gin (frontdesk_tag_doc(company_name));
