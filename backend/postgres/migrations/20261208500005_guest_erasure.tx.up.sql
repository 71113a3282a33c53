-- Guests' right to erasure (GDPR art. 17). An erased guest keeps its row,
-- so conversations stay whole for the agents, with no name, address or way
-- back in; their messages keep their place with no text. Both facts live
-- in tables of their own: the version before this one reads guests and
-- messages with RETURNING *, and a new column there would break it during
-- a rolling upgrade (docs/OPERATIONS.md, "expand, then contract").
CREATE TABLE erased_guests (
    guest_id        bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    erased_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, guest_id) REFERENCES guests (organization_id, id) ON DELETE CASCADE
);

-- A guest's message may now be empty: its text was erased.
ALTER TABLE messages DROP CONSTRAINT messages_body_check;
ALTER TABLE messages ADD CONSTRAINT messages_body_check
    CHECK (octet_length(body) <= 8192 AND (octet_length(body) >= 1 OR author_kind = 'guest'));

-- How long an organization keeps resolved conversations; no row keeps them.
CREATE TABLE organization_retention (
    organization_id            bigint PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    delete_resolved_after_days integer NOT NULL CHECK (delete_resolved_after_days BETWEEN 1 AND 3650),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
