-- The organization's phonebook.
CREATE TABLE contacts (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone           text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    -- Digits (with a leading + kept) so "+49 30 123" and "+4930123" match.
    phone_key       text NOT NULL DEFAULT '',
    company         text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contacts_email_key ON contacts (organization_id, lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX contacts_phone_key ON contacts (organization_id, phone_key) WHERE phone_key <> '';
CREATE INDEX contacts_search_idx ON contacts (organization_id, lower(name));
