-- Audit events form one hash chain per bureau: seq numbers the bureau's
-- events 1, 2, ... and the unique (bureau_id, seq) index is what stops two
-- writers from forking the chain. Events written before the chain existed
-- get their seq in id order and no hash (reported as unchained).
ALTER TABLE audit_events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
UPDATE audit_events SET seq = (
	SELECT n FROM (SELECT id AS eid, row_number() OVER (PARTITION BY bureau_id ORDER BY id) AS n FROM audit_events) WHERE eid = audit_events.id
);
CREATE UNIQUE INDEX audit_events_chain ON audit_events (bureau_id, seq);

-- A writer reserves status indices in blocks: the insert of (list, block)
-- under the primary key is the claim, so replicas never share a block, and
-- a block whose indices a crashed writer did not use stays claimed.
CREATE TABLE status_blocks (
	list_id    TEXT    NOT NULL,
	block      INTEGER NOT NULL,
	claimed_at INTEGER NOT NULL,
	PRIMARY KEY (list_id, block)
) STRICT, WITHOUT ROWID;

-- The fingerprint of the issuance request, so that an idempotency key
-- reused for a different request is refused ('' for older credentials).
ALTER TABLE credentials ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
