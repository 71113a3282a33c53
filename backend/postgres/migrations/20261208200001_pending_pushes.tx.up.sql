-- Web Push that keeps up: a guest's messages no longer queue one push job
-- each. The message's own statement records here that its conversation has
-- news (one row per conversation, updated by every further message), and a
-- sweeper turns the rows that are due into one push per agent and
-- conversation: a burst of messages notifies once, with the latest text.
CREATE TABLE pending_pushes (
    conversation_id bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    -- The latest message: its seq, author and preview.
    seq             bigint NOT NULL,
    author_name     text NOT NULL DEFAULT '',
    preview         text NOT NULL DEFAULT '',
    -- How many messages the push stands for.
    messages        integer NOT NULL DEFAULT 1 CHECK (messages > 0),
    -- When the burst is over: the first message's time plus the window.
    due_at          timestamptz NOT NULL,
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX pending_pushes_due_idx ON pending_pushes (due_at);
