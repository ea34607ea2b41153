-- The newest version number of each model, kept by the insert of every version (retention never deletes a model's
-- newest version). Reading a version used to compute it with MAX over all the model's versions, per row returned:
-- neither H2 nor an index made that cheap, and it dominated the metadata API's CPU time.
ALTER TABLE model ADD COLUMN latest_version INTEGER;
UPDATE model SET latest_version = (SELECT MAX(v.version) FROM model_version v WHERE v.model_id = model.id);
