package mongodb

import (
	"context"
	"errors"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
	"github.com/citizencloud/citizencredentials/store"
)

// VerificationRead reads what a verification of credentialID needs: the
// record, the leaf, the status entries and the latest version of each of
// their lists, one indexed query each. A join would be an aggregation
// with $lookup, outside the patterns DESIGN §7 holds safe on FerretDB; on
// MongoDB these are point reads on indexes of one replica set.
func (s *Store) VerificationRead(ctx context.Context, credentialID string) (*store.VerificationRead, error) {
	out := &store.VerificationRead{}
	var err error
	if out.Record, err = s.Credential(ctx, credentialID); errors.Is(err, fault.ErrNotFound) {
		out.Record = nil
	} else if err != nil {
		return nil, err
	}
	if out.Record != nil {
		if out.Leaf, err = s.LeafOf(ctx, credentialID); errors.Is(err, fault.ErrNotFound) {
			out.Leaf = nil
		} else if err != nil {
			return nil, err
		}
	}
	if out.Entries, err = s.EntriesOf(ctx, credentialID); err != nil {
		return nil, err
	}
	out.Latest, err = status.LatestVersions(ctx, s, out.Entries)
	if err != nil {
		return nil, err
	}
	return out, nil
}
