package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

var _ status.Store = (*Store)(nil)

type listRecord struct {
	ID        string    `bson:"_id"`
	BureauID  string    `bson:"bureauId"`
	Purpose   string    `bson:"purpose"`
	Size      int64     `bson:"size"`
	Full      bool      `bson:"full"`
	CreatedAt time.Time `bson:"createdAt"`
}

func fromList(l *status.List) *listRecord {
	return &listRecord{ID: l.ID, BureauID: l.BureauID, Purpose: string(l.Purpose), Size: int64(l.Size), Full: l.Full, CreatedAt: ms(l.CreatedAt)}
}

func (r *listRecord) toDomain() *status.List {
	return &status.List{ID: r.ID, BureauID: r.BureauID, Purpose: status.Purpose(r.Purpose), Size: int(r.Size), Full: r.Full, CreatedAt: utc(r.CreatedAt)}
}

// CreateList inserts l. Returns fault.ErrConflict if l.ID is taken.
func (s *Store) CreateList(ctx context.Context, l *status.List) error {
	_, err := s.lists.InsertOne(ctx, fromList(l))
	return wrap("create status list", err)
}

// List returns the list with id, or fault.ErrNotFound.
func (s *Store) List(ctx context.Context, id string) (*status.List, error) {
	r, err := findOne[listRecord](ctx, s.lists, "status list", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// OpenLists returns the bureau's lists for purpose that are not Full,
// oldest first (CreatedAt, then ID).
func (s *Store) OpenLists(ctx context.Context, bureauID string, p status.Purpose) ([]*status.List, error) {
	rs, err := findAll[listRecord](ctx, s.lists, "open status lists",
		bson.D{{Key: "bureauId", Value: bureauID}, {Key: "purpose", Value: string(p)}, {Key: "full", Value: false}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]*status.List, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// MarkListFull sets Full on the list. Returns fault.ErrNotFound if there is
// none. Full only ever goes from false to true, so racing markers agree.
func (s *Store) MarkListFull(ctx context.Context, id string) error {
	return updateByID(ctx, s.lists, "mark status list full", id, bson.D{{Key: "$set", Value: bson.D{{Key: "full", Value: true}}}})
}

// entryRecord is one allocated index. Its _id is derived from (list, index)
// so that SetEntry finds it by _id; the unique (list, index) index is the
// allocation constraint that also holds on a cluster sharded by list.
type entryRecord struct {
	ID           string    `bson:"_id"`
	List         string    `bson:"list"`
	Index        int64     `bson:"index"`
	CredentialID string    `bson:"credentialId"`
	Set          bool      `bson:"set"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

// entryID is injective: the index (digits, maybe a sign) is after the last "/".
func entryID(listID string, index int) string { return listID + "/" + strconv.Itoa(index) }

func (r *entryRecord) toDomain() *status.Entry {
	return &status.Entry{ListID: r.List, Index: int(r.Index), CredentialID: r.CredentialID, Set: r.Set, UpdatedAt: utc(r.UpdatedAt)}
}

// InsertEntry inserts e. Returns fault.ErrConflict if (ListID, Index) is
// taken: the caller retries with another random index.
func (s *Store) InsertEntry(ctx context.Context, e *status.Entry) error {
	_, err := s.entries.InsertOne(ctx, &entryRecord{
		ID: entryID(e.ListID, e.Index), List: e.ListID, Index: int64(e.Index),
		CredentialID: e.CredentialID, Set: e.Set, UpdatedAt: ms(e.UpdatedAt),
	})
	return wrap("insert status entry", err)
}

// InsertEntries inserts es with one unordered insertMany; a duplicate is
// re-read, and is not an error if it holds the same credential (a retried
// insert), else fault.ErrConflict.
func (s *Store) InsertEntries(ctx context.Context, es []*status.Entry) error {
	const op = "insert status entries"
	if len(es) == 0 {
		return nil
	}
	docs := make([]any, len(es))
	for i, e := range es {
		docs[i] = &entryRecord{ID: entryID(e.ListID, e.Index), List: e.ListID, Index: int64(e.Index),
			CredentialID: e.CredentialID, Set: e.Set, UpdatedAt: ms(e.UpdatedAt)}
	}
	_, err := s.entries.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return wrap(op, err)
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicate(we) || we.Index < 0 || we.Index >= len(es) {
			return wrap(op, err)
		}
		e := es[we.Index]
		old, err := findOne[entryRecord](ctx, s.entries, op, bson.D{{Key: "_id", Value: entryID(e.ListID, e.Index)}})
		if err != nil {
			return err
		}
		if old.CredentialID != e.CredentialID {
			return conflict(op)
		}
	}
	return nil
}

// CountEntries returns the number of entries allocated in the list.
func (s *Store) CountEntries(ctx context.Context, listID string) (int, error) {
	n, err := s.entries.CountDocuments(ctx, bson.D{{Key: "list", Value: listID}})
	if err != nil {
		return 0, wrap("count status entries", err)
	}
	return int(n), nil
}

// EntriesOf returns the entries of a credential (one per purpose).
func (s *Store) EntriesOf(ctx context.Context, credentialID string) ([]*status.Entry, error) {
	rs, err := findAll[entryRecord](ctx, s.entries, "status entries of credential", bson.D{{Key: "credentialId", Value: credentialID}},
		options.Find().SetSort(bson.D{{Key: "list", Value: 1}, {Key: "index", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]*status.Entry, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// SetEntry sets the bit of (listID, index). Returns fault.ErrNotFound if
// there is none.
func (s *Store) SetEntry(ctx context.Context, listID string, index int, set bool, at time.Time) error {
	return updateByID(ctx, s.entries, "set status entry", entryID(listID, index),
		bson.D{{Key: "$set", Value: bson.D{{Key: "set", Value: set}, {Key: "updatedAt", Value: ms(at)}}}})
}

// SetIndices returns the indices whose bit is set, ascending (at most the
// list's size, 131,072 by default).
func (s *Store) SetIndices(ctx context.Context, listID string) ([]int, error) {
	const op = "set status indices"
	cur, err := s.entries.Find(ctx, bson.D{{Key: "list", Value: listID}, {Key: "set", Value: true}},
		options.Find().SetSort(bson.D{{Key: "index", Value: 1}}).SetProjection(bson.D{{Key: "_id", Value: 0}, {Key: "index", Value: 1}}))
	if err != nil {
		return nil, wrap(op, err)
	}
	defer cur.Close(ctx)
	var out []int
	for cur.Next(ctx) {
		var r struct {
			Index int64 `bson:"index"`
		}
		if err := cur.Decode(&r); err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, int(r.Index))
	}
	return out, wrap(op, cur.Err())
}

// dirtyRecord marks a list that needs a new version.
type dirtyRecord struct {
	ListID string    `bson:"_id"`
	At     time.Time `bson:"at"`
}

// MarkDirty records that the list changed and needs a new version. Marking
// an already dirty list is not an error.
func (s *Store) MarkDirty(ctx context.Context, listID string) error {
	_, err := s.dirty.InsertOne(ctx, &dirtyRecord{ListID: listID, At: ms(s.now())})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return wrap("mark status list dirty", err)
}

// DirtyLists returns the ids of lists marked dirty.
func (s *Store) DirtyLists(ctx context.Context) ([]string, error) {
	rs, err := findAll[dirtyRecord](ctx, s.dirty, "dirty status lists", bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].ListID
	}
	return out, nil
}

// ClearDirty removes the mark and reports whether this caller removed it:
// DeleteOne on _id, of which exactly one of several racers sees
// DeletedCount == 1.
func (s *Store) ClearDirty(ctx context.Context, listID string) (bool, error) {
	return deleteByID(ctx, s.dirty, "clear dirty status list", listID)
}

type versionRecord struct {
	ID         string    `bson:"_id"` // versionID(list, version)
	List       string    `bson:"list"`
	Version    int64     `bson:"version"`
	Credential string    `bson:"credential"`
	Digest     string    `bson:"digest"`
	CreatedAt  time.Time `bson:"createdAt"`
}

// versionID is injective: the version number is after the last "/".
func versionID(listID string, v int) string { return listID + "/" + strconv.Itoa(v) }

func (r *versionRecord) toDomain() *status.Version {
	return &status.Version{ListID: r.List, Version: int(r.Version), Credential: r.Credential, Digest: r.Digest, CreatedAt: utc(r.CreatedAt)}
}

// PutVersion inserts v. Returns fault.ErrConflict if (ListID, Version) is taken.
func (s *Store) PutVersion(ctx context.Context, v *status.Version) error {
	_, err := s.versions.InsertOne(ctx, &versionRecord{
		ID: versionID(v.ListID, v.Version), List: v.ListID, Version: int64(v.Version),
		Credential: v.Credential, Digest: v.Digest, CreatedAt: ms(v.CreatedAt),
	})
	return wrap("put status list version", err)
}

// LatestVersion returns the highest version of the list, or fault.ErrNotFound.
func (s *Store) LatestVersion(ctx context.Context, listID string) (*status.Version, error) {
	r, err := findOne[versionRecord](ctx, s.versions, "latest status list version", bson.D{{Key: "list", Value: listID}},
		options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}}))
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// Version returns one version, or fault.ErrNotFound.
func (s *Store) Version(ctx context.Context, listID string, version int) (*status.Version, error) {
	r, err := findOne[versionRecord](ctx, s.versions, "status list version", bson.D{{Key: "_id", Value: versionID(listID, version)}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// Lists pages through all lists by id, strictly after afterID.
func (s *Store) Lists(ctx context.Context, afterID string, limit int) ([]*status.List, error) {
	rs, err := findAll[listRecord](ctx, s.lists, "status lists",
		bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: afterID}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := make([]*status.List, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// blockRecord is the claim of one block of a list's indices; the insert
// under its _id "<list>/<block>" is the claim.
type blockRecord struct {
	ID        string    `bson:"_id"`
	List      string    `bson:"list"`
	ClaimedAt time.Time `bson:"claimedAt"`
}

// ClaimBlock claims block (indices first <= i < end) of the list.
// Returns fault.ErrConflict if it is taken or if an entry in its range
// exists already. The range check and the insert are two operations: only
// a writer still allocating single indices (a replica of a release before
// blocks) could slip an entry in between, and its insert or the block
// owner's then fails under the unique (list, index) index.
func (s *Store) ClaimBlock(ctx context.Context, listID string, block, first, end int) error {
	const op = "claim status block"
	n, err := s.entries.CountDocuments(ctx, bson.D{{Key: "list", Value: listID},
		{Key: "index", Value: bson.D{{Key: "$gte", Value: first}, {Key: "$lt", Value: end}}}}, options.Count().SetLimit(1))
	if err != nil {
		return wrap(op, err)
	}
	if n > 0 {
		return fmt.Errorf("mongodb: %s: %w", op, fault.Wrap(fault.Conflict, fault.ErrConflict, "status block holds entries"))
	}
	_, err = s.blocks.InsertOne(ctx, &blockRecord{ID: listID + "/" + strconv.Itoa(block), List: listID, ClaimedAt: ms(s.now())})
	return wrap(op, err)
}

// CountBlocks returns the number of claimed blocks of the list.
func (s *Store) CountBlocks(ctx context.Context, listID string) (int, error) {
	n, err := s.blocks.CountDocuments(ctx, bson.D{{Key: "list", Value: listID}})
	return int(n), wrap("count status blocks", err)
}
