-- Private notes: messages only agents see, with the agents they mention.
-- They share the conversation's sequence, so agents' history stays one
-- ordered, gap-free thread; guests' reads skip them.
ALTER TABLE messages
    ADD COLUMN private boolean NOT NULL DEFAULT false,
    ADD COLUMN mentions bigint[];
ALTER TABLE messages ADD CONSTRAINT messages_private_by_agent CHECK (NOT private OR author_kind = 'agent');
