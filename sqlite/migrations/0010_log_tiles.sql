-- Interior hashes of the issuance log at every 8th level (anchor.TileNode):
-- 256 consecutive rows of one level are a tile, read in one range query.
CREATE TABLE log_tiles (
	level INTEGER NOT NULL,
	idx   INTEGER NOT NULL,
	hash  TEXT    NOT NULL,
	PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
