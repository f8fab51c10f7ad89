-- OpenID4VCI credential offers (openid.Offer), read only by id. The
-- pre-authorized code is derived from the id (never stored); its single
-- use is a row in challenges.
CREATE TABLE openid_offers (
	id              TEXT    NOT NULL PRIMARY KEY,
	bureau_id       TEXT    NOT NULL,
	type            TEXT    NOT NULL,
	subject_did     TEXT    NOT NULL,
	claims          BLOB    NOT NULL,
	tx_code_hash    TEXT    NOT NULL,
	tx_code_length  INTEGER NOT NULL,
	tx_code_numeric INTEGER NOT NULL,
	configurations  TEXT    NOT NULL,
	expires_at      INTEGER NOT NULL,
	created_at      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
