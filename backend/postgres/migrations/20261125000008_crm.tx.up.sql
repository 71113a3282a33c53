-- CRM connection per organization, companies found, and leads created.
CREATE TABLE organization_crm (
    organization_id bigint PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    provider        text NOT NULL CHECK (provider IN ('hubspot', 'salesforce')),
    -- Non-secret settings (instance URL, client id).
    settings        jsonb NOT NULL DEFAULT '{}',
    -- The token or client secret, sealed (backend/secret).
    secret_sealed   text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Lookups by guest email, cached for a few minutes: a miss is cached too
-- (empty name).
CREATE TABLE crm_companies (
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text NOT NULL,
    name            text NOT NULL DEFAULT '',
    url             text NOT NULL DEFAULT '',
    checked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, email)
);

CREATE TABLE conversation_crm (
    conversation_id bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    company_name    text NOT NULL DEFAULT '',
    company_url     text NOT NULL DEFAULT '',
    lead_provider   text NOT NULL DEFAULT '',
    lead_status     text NOT NULL DEFAULT '' CHECK (lead_status IN ('', 'pending', 'done', 'failed')),
    lead_record_id  text NOT NULL DEFAULT '',
    lead_url        text NOT NULL DEFAULT '',
    lead_error      text NOT NULL DEFAULT '',
    lead_code       text NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
