-- The newest version (SEQUENCE) of each meeting's calendar invite sent to
-- each person. An email job carrying an older version than one already
-- sent is dropped: a calendar applying a REQUEST after the CANCEL that
-- followed it would bring the meeting back. The recipient is hashed.
CREATE TABLE invite_versions_sent (
    uid            text NOT NULL,
    recipient_hash bytea NOT NULL,
    sequence       integer NOT NULL,
    sent_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uid, recipient_hash)
);
