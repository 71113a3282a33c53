-- Where the guest is: the page they are on (updated as they move around the
-- host site), where they started, and their browser's particulars.
CREATE TABLE conversation_context (
    conversation_id bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    page_url        text NOT NULL DEFAULT '' CHECK (length(page_url) <= 2048),
    page_title      text NOT NULL DEFAULT '' CHECK (length(page_title) <= 300),
    start_url       text NOT NULL DEFAULT '' CHECK (length(start_url) <= 2048),
    referrer        text NOT NULL DEFAULT '' CHECK (length(referrer) <= 2048),
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    time_zone       text NOT NULL DEFAULT '' CHECK (length(time_zone) <= 64),
    language        text NOT NULL DEFAULT '' CHECK (length(language) <= 35),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
