-- A widget's language (empty: the visitor's) and its greeting and offline
-- text per language.
ALTER TABLE widgets
    ADD COLUMN language text NOT NULL DEFAULT '' CHECK (language IN ('', 'en', 'de', 'fr', 'it', 'es')),
    ADD COLUMN greetings jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN offline_texts jsonb NOT NULL DEFAULT '{}';
