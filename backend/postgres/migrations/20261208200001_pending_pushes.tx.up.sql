-- Web Push that keeps up: a guest's messages no longer queue one push job
-- each. The first message of a burst marks its conversation here, in the
-- message's own statement (the messages after it find the mark and write
-- nothing), and a sweeper turns the marks that are due into one push per
-- agent and conversation, with the latest text and how many messages it
-- stands for.
--
-- No foreign key: the insert is on every guest message's path, and a mark
-- whose conversation is gone is swept like any other (it finds nobody).
CREATE TABLE pending_pushes (
    conversation_id bigint PRIMARY KEY,
    organization_id bigint NOT NULL,
    -- The seq of the burst's first message.
    first_seq       bigint NOT NULL,
    -- When the burst is over: the first message's time plus the window.
    due_at          timestamptz NOT NULL
);
CREATE INDEX pending_pushes_due_idx ON pending_pushes (due_at);
