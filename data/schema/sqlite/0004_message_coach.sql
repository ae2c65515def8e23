-- truce schema, version 4: the reply coach's review of each agent reply the
-- customer saw, as the coach's JSON (findings, scores, politeness, playbook),
-- kept for QA and for the team lead's review of the conversation.
ALTER TABLE messages ADD COLUMN coach TEXT;
