package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/status"
	"github.com/citizencloud/citizencredentials/store"
)

// verificationQuery reads a credential's record, its leaf, its status
// entries and the latest version of each of their lists in one statement:
// one row per entry (one row with NULL entry columns if it has none). The
// latest version is found by the status_versions primary key.
var verificationQuery = `SELECT ` + prefixed("c.", credentialCols) + `,
	l.idx, l.hash, l.created_at,
	e.list_id, e.idx, e.is_set, e.updated_at,
	v.version, v.credential, v.digest, v.created_at
FROM credentials c
LEFT JOIN log_leaves l ON l.credential_id = c.id
LEFT JOIN status_entries e ON e.credential_id = c.id
LEFT JOIN status_versions v ON v.list_id = e.list_id
	AND v.version = (SELECT max(version) FROM status_versions WHERE list_id = e.list_id)
WHERE c.id = ?
ORDER BY e.list_id, e.idx`

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// VerificationRead reads what a verification of credentialID needs in one
// query. A credential we do not hold still gets its status entries (a
// list of ours may be named by a credential that is not).
func (s *Store) VerificationRead(ctx context.Context, credentialID string) (*store.VerificationRead, error) {
	q := s.q(ctx)
	rows, err := q.QueryContext(ctx, verificationQuery, credentialID)
	if err != nil {
		return nil, dbErr("read for verification", err)
	}
	defer rows.Close()
	out := &store.VerificationRead{}
	seenList := map[string]bool{}
	for rows.Next() {
		var (
			leafIdx, leafCreated            sql.NullInt64
			leafHash                        sql.NullString
			listID                          sql.NullString
			entryIdx, entrySet, entryUpdate sql.NullInt64
			version, versionCreated         sql.NullInt64
			versionCred, versionDigest      sql.NullString
		)
		rec, err := scanCredential(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &leafIdx, &leafHash, &leafCreated, &listID, &entryIdx, &entrySet, &entryUpdate,
				&version, &versionCred, &versionDigest, &versionCreated)...)
		}))
		if err != nil {
			return nil, dbErr("read for verification", err)
		}
		if out.Record == nil {
			out.Record = rec
			if leafIdx.Valid {
				out.Leaf = &anchor.Leaf{Index: leafIdx.Int64, Hash: leafHash.String, CredentialID: rec.ID, CreatedAt: fromMS(leafCreated.Int64)}
			}
		}
		if !listID.Valid {
			continue
		}
		out.Entries = append(out.Entries, &status.Entry{ListID: listID.String, Index: int(entryIdx.Int64), CredentialID: rec.ID,
			Set: entrySet.Int64 != 0, UpdatedAt: fromMS(entryUpdate.Int64)})
		if version.Valid && !seenList[listID.String] {
			seenList[listID.String] = true
			out.Latest = append(out.Latest, &status.Version{ListID: listID.String, Version: int(version.Int64),
				Credential: versionCred.String, Digest: versionDigest.String, CreatedAt: fromMS(versionCreated.Int64)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("read for verification", err)
	}
	if out.Record != nil {
		return out, nil
	}
	if out.Entries, err = s.EntriesOf(ctx, credentialID); err != nil {
		return nil, err
	}
	if out.Latest, err = status.LatestVersions(ctx, s, out.Entries); err != nil {
		return nil, err
	}
	return out, nil
}

// scanFunc adapts a Scan function to the scanner the scan helpers take.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
