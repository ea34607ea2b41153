-- Aliases that the API sets (champion, production, ...): one row per model and alias. "latest" is not stored: it
-- is always the model's newest version. Retention never deletes a version that a row here points at.
CREATE TABLE model_alias (
    model_id   BIGINT                   NOT NULL,
    alias      VARCHAR(64)              NOT NULL,
    version_id BIGINT                   NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_model_alias PRIMARY KEY (model_id, alias),
    CONSTRAINT fk_alias_model FOREIGN KEY (model_id) REFERENCES model (id),
    CONSTRAINT fk_alias_version FOREIGN KEY (version_id) REFERENCES model_version (id)
);
CREATE INDEX ix_alias_version ON model_alias (version_id);

-- Tags as rows, so that listings can filter on them in SQL and single tags can be set and removed.
CREATE TABLE version_tag (
    version_id BIGINT       NOT NULL,
    tag_key    VARCHAR(64)  NOT NULL,
    tag_value  VARCHAR(256) NOT NULL,
    CONSTRAINT pk_version_tag PRIMARY KEY (version_id, tag_key),
    CONSTRAINT fk_tag_version FOREIGN KEY (version_id) REFERENCES model_version (id)
);
CREATE INDEX ix_tag_key_value ON version_tag (tag_key, tag_value);

-- Listings filter by model and order by creation (version number) or step.
CREATE INDEX ix_version_model_step ON model_version (model_id, step);
