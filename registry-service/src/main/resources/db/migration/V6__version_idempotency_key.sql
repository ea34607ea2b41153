-- The Idempotency-Key a client sent with the request that created the version (NULL: none). A retried create with
-- the same key finds the version here instead of creating another; the constraint makes two concurrent creates
-- with one key collide, so that only one commits and the other, retried, finds the winner's row. NULL keys are
-- distinct in both databases (their default), so versions created without a key are not constrained.
ALTER TABLE model_version ADD COLUMN idempotency_key VARCHAR(255);
ALTER TABLE model_version ADD CONSTRAINT uq_version_idempotency_key UNIQUE (model_id, idempotency_key);
