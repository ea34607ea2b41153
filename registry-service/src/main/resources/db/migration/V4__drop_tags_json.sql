-- Tags live in version_tag since V3 copied them there.
ALTER TABLE model_version DROP COLUMN tags_json;
