-- truce schema, version 3: the conversation risk's reasons on the ticket, and
-- who set its category (an agent's choice is kept; the analysis fills it otherwise).
ALTER TABLE tickets ADD COLUMN risk_reasons TEXT;  -- JSON array of {"text","weight"}
ALTER TABLE tickets ADD COLUMN category_by_agent INTEGER NOT NULL DEFAULT 0
    CHECK (category_by_agent IN (0, 1));
