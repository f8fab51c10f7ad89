-- 0001: the initial schema.
--
-- Conventions: times are INTEGER milliseconds since the Unix epoch, UTC
-- (optional times are NULL when unset); booleans are INTEGER 0/1; lists are
-- JSON text. IDs are the callers' strings. Every lookup and listing of the
-- store interfaces has an index; uniqueness the domain relies on is enforced
-- by a UNIQUE index or PRIMARY KEY (violations become fault.ErrConflict).
-- No FOREIGN KEY clauses: the MongoDB adapter cannot enforce them, and both
-- adapters must behave alike (storetest).

CREATE TABLE bureaus (
	id            TEXT    NOT NULL PRIMARY KEY,
	name          TEXT    NOT NULL,
	slug          TEXT    NOT NULL,
	did           TEXT    NOT NULL,
	allowed_types TEXT    NOT NULL,
	key_id        TEXT    NOT NULL,
	active        INTEGER NOT NULL,
	reason        TEXT    NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX bureaus_slug ON bureaus (slug);
CREATE INDEX bureaus_did ON bureaus (did, id);
CREATE INDEX bureaus_created ON bureaus (created_at, id);

CREATE TABLE credentials (
	id              TEXT    NOT NULL PRIMARY KEY,
	bureau_id       TEXT    NOT NULL,
	issuer_did      TEXT    NOT NULL,
	subject_did     TEXT    NOT NULL,
	type            TEXT    NOT NULL,
	format          TEXT    NOT NULL,
	credential      TEXT    NOT NULL,
	hash            TEXT    NOT NULL,
	valid_from      INTEGER NOT NULL,
	valid_until     INTEGER,
	issued_at       INTEGER NOT NULL,
	idempotency_key TEXT    NOT NULL,
	state           TEXT    NOT NULL,
	state_reason    TEXT    NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;
-- Issuance is idempotent per bureau; records without a key never clash.
CREATE UNIQUE INDEX credentials_idempotency ON credentials (bureau_id, idempotency_key) WHERE idempotency_key <> '';
-- Listings: every filter combination leads with its most selective column
-- and ends in id, so "id > after ORDER BY id LIMIT n" walks the index.
CREATE INDEX credentials_subject      ON credentials (subject_did, id);
CREATE INDEX credentials_bureau       ON credentials (bureau_id, id);
CREATE INDEX credentials_bureau_type  ON credentials (bureau_id, type, id);
CREATE INDEX credentials_bureau_state ON credentials (bureau_id, state, id);
CREATE INDEX credentials_type         ON credentials (type, id);
CREATE INDEX credentials_state        ON credentials (state, id);

CREATE TABLE audit_events (
	id            TEXT    NOT NULL PRIMARY KEY,
	credential_id TEXT    NOT NULL,
	bureau_id     TEXT    NOT NULL,
	action        TEXT    NOT NULL,
	actor         TEXT    NOT NULL,
	reason        TEXT    NOT NULL,
	at            INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_events_credential ON audit_events (credential_id, id);

CREATE TABLE presentation_requests (
	id          TEXT    NOT NULL PRIMARY KEY,
	verifier_id TEXT    NOT NULL,
	challenge   TEXT    NOT NULL,
	domain      TEXT    NOT NULL,
	purpose     TEXT    NOT NULL,
	definition  BLOB,
	expires_at  INTEGER NOT NULL,
	state       TEXT    NOT NULL,
	result      BLOB,
	claimed     INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE keys (
	id         TEXT    NOT NULL PRIMARY KEY,
	owner      TEXT    NOT NULL,
	algorithm  TEXT    NOT NULL,
	public_jwk BLOB    NOT NULL,
	sealed     BLOB    NOT NULL,
	created_at INTEGER NOT NULL,
	retired_at INTEGER
) STRICT;
CREATE INDEX keys_owner ON keys (owner, created_at, id);

CREATE TABLE api_keys (
	hash       TEXT    NOT NULL PRIMARY KEY,
	role       TEXT    NOT NULL,
	owner_id   TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
) STRICT;
CREATE INDEX api_keys_owner ON api_keys (owner_id) WHERE revoked_at IS NULL;

CREATE TABLE verifiers (
	id         TEXT    NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE challenges (
	nonce      TEXT    NOT NULL PRIMARY KEY,
	did        TEXT    NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE status_lists (
	id         TEXT    NOT NULL PRIMARY KEY,
	bureau_id  TEXT    NOT NULL,
	purpose    TEXT    NOT NULL,
	size       INTEGER NOT NULL,
	is_full    INTEGER NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX status_lists_open ON status_lists (bureau_id, purpose, created_at, id) WHERE is_full = 0;

-- Allocation inserts under the primary key (list_id, idx); a clash means
-- "pick another random index" (no counters).
CREATE TABLE status_entries (
	list_id       TEXT    NOT NULL,
	idx           INTEGER NOT NULL,
	credential_id TEXT    NOT NULL,
	is_set        INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	PRIMARY KEY (list_id, idx)
) STRICT, WITHOUT ROWID;
CREATE INDEX status_entries_credential ON status_entries (credential_id);
CREATE INDEX status_entries_set ON status_entries (list_id, idx) WHERE is_set = 1;

CREATE TABLE dirty_lists (
	list_id TEXT NOT NULL PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE status_versions (
	list_id    TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	credential TEXT    NOT NULL,
	digest     TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (list_id, version)
) STRICT;

CREATE TABLE anchor_items (
	id           TEXT    NOT NULL PRIMARY KEY,
	kind         TEXT    NOT NULL,
	list_id      TEXT    NOT NULL,
	version      INTEGER NOT NULL,
	digest       TEXT    NOT NULL,
	tree_size    INTEGER NOT NULL,
	state        TEXT    NOT NULL,
	tx_hash      TEXT    NOT NULL,
	block        INTEGER NOT NULL,
	block_time   INTEGER NOT NULL,
	attempts     INTEGER NOT NULL,
	next_attempt INTEGER NOT NULL,
	last_error   TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX anchor_items_created ON anchor_items (created_at, id);
CREATE INDEX anchor_items_unconfirmed ON anchor_items (created_at, id) WHERE state <> 'confirmed';

-- idx is the rowid: unique, and max(idx) is an O(log n) lookup.
CREATE TABLE log_leaves (
	idx           INTEGER NOT NULL PRIMARY KEY,
	hash          TEXT    NOT NULL,
	credential_id TEXT    NOT NULL,
	created_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX log_leaves_credential ON log_leaves (credential_id);

CREATE TABLE leases (
	name   TEXT    NOT NULL PRIMARY KEY,
	holder TEXT    NOT NULL,
	until  INTEGER NOT NULL
) STRICT;
