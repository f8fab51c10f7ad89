package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/fault"
)

var _ anchor.Store = (*Store)(nil)

type itemRecord struct {
	ID          string     `bson:"_id"`
	Kind        string     `bson:"kind"`
	ListID      string     `bson:"listId,omitempty"`
	Version     int64      `bson:"version,omitempty"`
	Digest      string     `bson:"digest"`
	TreeSize    int64      `bson:"treeSize,omitempty"`
	State       string     `bson:"state"`
	TxHash      string     `bson:"txHash,omitempty"`
	Block       int64      `bson:"block,omitempty"` // block numbers fit in int64
	BlockTime   *time.Time `bson:"blockTime,omitempty"`
	Attempts    int64      `bson:"attempts"`
	NextAttempt *time.Time `bson:"nextAttempt,omitempty"`
	LastError   string     `bson:"lastError,omitempty"`
	CreatedAt   time.Time  `bson:"createdAt"`
	UpdatedAt   time.Time  `bson:"updatedAt"`
}

func fromItem(it *anchor.Item) *itemRecord {
	return &itemRecord{
		ID: it.ID, Kind: string(it.Kind), ListID: it.ListID, Version: int64(it.Version), Digest: it.Digest,
		TreeSize: it.TreeSize, State: string(it.State), TxHash: it.TxHash, Block: int64(it.Block),
		BlockTime: optTime(it.BlockTime), Attempts: int64(it.Attempts), NextAttempt: optTime(it.NextAttempt),
		LastError: it.LastError, CreatedAt: ms(it.CreatedAt), UpdatedAt: ms(it.UpdatedAt),
	}
}

func (r *itemRecord) toDomain() *anchor.Item {
	return &anchor.Item{
		ID: r.ID, Kind: anchor.ItemKind(r.Kind), ListID: r.ListID, Version: int(r.Version), Digest: r.Digest,
		TreeSize: r.TreeSize, State: anchor.ItemState(r.State), TxHash: r.TxHash, Block: uint64(r.Block),
		BlockTime: fromOptTime(r.BlockTime), Attempts: int(r.Attempts), NextAttempt: fromOptTime(r.NextAttempt),
		LastError: r.LastError, CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
}

func itemsOf(rs []itemRecord) []*anchor.Item {
	out := make([]*anchor.Item, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out
}

// byCreation is the outbox order: CreatedAt, then ID.
var byCreation = bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}

// unconfirmed matches the backlog.
var unconfirmed = bson.D{{Key: "state", Value: bson.D{{Key: "$ne", Value: string(anchor.Confirmed)}}}}

// Enqueue inserts it. Returns fault.ErrConflict if it.ID is taken (already queued).
func (s *Store) Enqueue(ctx context.Context, it *anchor.Item) error {
	_, err := s.outbox.InsertOne(ctx, fromItem(it))
	return wrap("enqueue anchor item", err)
}

// Item returns the item with id, or fault.ErrNotFound.
func (s *Store) Item(ctx context.Context, id string) (*anchor.Item, error) {
	r, err := findOne[itemRecord](ctx, s.outbox, "anchor item", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// UpdateItem replaces the item with it.ID. Returns fault.ErrNotFound if
// there is none. Items are worked on under the anchoring lease, so updates
// do not compete; and the contract's idempotence makes a duplicate
// submission harmless anyway.
func (s *Store) UpdateItem(ctx context.Context, it *anchor.Item) error {
	const op = "update anchor item"
	res, err := s.outbox.ReplaceOne(ctx, bson.D{{Key: "_id", Value: it.ID}}, fromItem(it))
	if err != nil {
		return wrap(op, err)
	}
	if res.MatchedCount == 0 {
		return notFound(op)
	}
	return nil
}

// Unconfirmed returns up to limit items not yet Confirmed, oldest first.
func (s *Store) Unconfirmed(ctx context.Context, limit int) ([]*anchor.Item, error) {
	if limit <= 0 {
		return nil, nil
	}
	rs, err := findAll[itemRecord](ctx, s.outbox, "unconfirmed anchor items", unconfirmed,
		options.Find().SetSort(byCreation).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	return itemsOf(rs), nil
}

// CountUnconfirmed returns the backlog size.
func (s *Store) CountUnconfirmed(ctx context.Context) (int, error) {
	n, err := s.outbox.CountDocuments(ctx, unconfirmed)
	if err != nil {
		return 0, wrap("count unconfirmed anchor items", err)
	}
	return int(n), nil
}

// Items lists items ordered by (CreatedAt, ID) strictly after the position
// (afterCreated, afterID); a zero afterCreated starts at the beginning. At
// most limit items.
func (s *Store) Items(ctx context.Context, afterCreated time.Time, afterID string, limit int) ([]*anchor.Item, error) {
	if limit <= 0 {
		return nil, nil
	}
	filter := bson.D{}
	if !afterCreated.IsZero() {
		t := ms(afterCreated)
		if t.Equal(afterCreated) {
			filter = bson.D{{Key: "$or", Value: bson.A{
				bson.D{{Key: "createdAt", Value: bson.D{{Key: "$gt", Value: t}}}},
				bson.D{{Key: "createdAt", Value: t}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: afterID}}}},
			}}}
		} else {
			// A position between two stored milliseconds: every item at
			// t (the millisecond below it) lies before it.
			filter = bson.D{{Key: "createdAt", Value: bson.D{{Key: "$gt", Value: t}}}}
		}
	}
	rs, err := findAll[itemRecord](ctx, s.outbox, "list anchor items", filter,
		options.Find().SetSort(byCreation).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	return itemsOf(rs), nil
}

// LogRootCovering returns the confirmed log root with the smallest tree
// size above index (index {kind, state, treeSize}), or fault.ErrNotFound.
func (s *Store) LogRootCovering(ctx context.Context, index int64) (*anchor.Item, error) {
	r, err := findOne[itemRecord](ctx, s.outbox, "get the log root covering a leaf",
		bson.D{{Key: "kind", Value: string(anchor.KindLogRoot)}, {Key: "state", Value: string(anchor.Confirmed)}, {Key: "treeSize", Value: bson.D{{Key: "$gt", Value: index}}}},
		options.FindOne().SetSort(bson.D{{Key: "treeSize", Value: 1}}))
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// leafRecord is one issuance-log leaf, keyed by its index: appending is an
// insert under the unique _id, and the unique credentialId index keeps a
// credential from being logged twice.
type leafRecord struct {
	Index        int64     `bson:"_id"`
	Hash         string    `bson:"hash"`
	CredentialID string    `bson:"credentialId"`
	CreatedAt    time.Time `bson:"createdAt"`
}

func (r *leafRecord) toDomain() *anchor.Leaf {
	return &anchor.Leaf{Index: r.Index, Hash: r.Hash, CredentialID: r.CredentialID, CreatedAt: utc(r.CreatedAt)}
}

// AppendLeaf inserts l. Returns fault.ErrConflict if l.Index is taken or if
// l.CredentialID is already logged.
func (s *Store) AppendLeaf(ctx context.Context, l *anchor.Leaf) error {
	_, err := s.leaves.InsertOne(ctx, &leafRecord{Index: l.Index, Hash: l.Hash, CredentialID: l.CredentialID, CreatedAt: ms(l.CreatedAt)})
	return wrap("append log leaf", err)
}

// LeafCount returns the number of leaves (the highest index + 1).
func (s *Store) LeafCount(ctx context.Context) (int64, error) {
	r, err := findOne[leafRecord](ctx, s.leaves, "log leaf count", bson.D{},
		options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}}).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if isNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return r.Index + 1, nil
}

// Leaves returns the leaves with from <= Index < to, ascending. Callers
// bound the range (they read the log in pages).
func (s *Store) Leaves(ctx context.Context, from, to int64) ([]*anchor.Leaf, error) {
	if from >= to {
		return nil, nil
	}
	rs, err := findAll[leafRecord](ctx, s.leaves, "log leaves",
		bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]*anchor.Leaf, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// LeafOf returns the leaf of a credential, or fault.ErrNotFound.
func (s *Store) LeafOf(ctx context.Context, credentialID string) (*anchor.Leaf, error) {
	r, err := findOne[leafRecord](ctx, s.leaves, "log leaf of credential", bson.D{{Key: "credentialId", Value: credentialID}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// leaseRecord is a lease: at most one document per name, created by insert
// under the unique _id. Token names this generation of the lease (see
// spentRecord).
type leaseRecord struct {
	Name   string    `bson:"_id"`
	Holder string    `bson:"holder"`
	Until  time.Time `bson:"until"`
	Token  string    `bson:"token"`
}

// leaseAttempts bounds AcquireLease's loop; every lost round means another
// caller made progress, so a few rounds suffice.
const leaseAttempts = 8

// AcquireLease takes or renews the named lease for holder until until. It
// reports false if another holder owns an unexpired lease. Expiry is judged
// by this process's clock.
//
// Taking a free lease is an insert under the unique _id. Renewing one's own
// lease or taking over an expired one starts by spending the lease's token
// (see spentRecord), which at most one caller can do; the spender alone may
// then write that lease document, so a plain update by _id that installs the
// new holder, expiry and token is uncontended, and the lease never goes
// missing in between. A conditional delete or update ("if still held by X")
// would not do: FerretDB checks the condition on a snapshot and then writes
// by _id alone, and with 8 racers two or more of them took the same expired
// lease in most rounds.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, until time.Time) (bool, error) {
	const op = "acquire lease"
	for range leaseAttempts {
		mine := &leaseRecord{Name: name, Holder: holder, Until: ms(until), Token: newToken()}
		_, err := s.leases.InsertOne(ctx, mine)
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, wrap(op, err)
		}
		cur, err := findOne[leaseRecord](ctx, s.leases, op, bson.D{{Key: "_id", Value: name}})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return false, err
		}
		if cur.Holder != holder && !cur.Until.Before(s.now()) {
			return false, nil
		}
		claim, won, err := s.spendGeneration(ctx, op, cur.Token)
		if err != nil {
			return false, err
		}
		if !won {
			continue // another caller is renewing or taking over this generation
		}
		ok, err := s.replaceLease(ctx, cur.Token, mine)
		// The spent token is no longer needed once the lease carries
		// another one (replaceLease checks the token, so spending it again
		// later achieves nothing). Left behind, it is only garbage.
		_, _ = s.spent.DeleteOne(ctx, bson.D{{Key: "_id", Value: claim}})
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// staleSpend is how long a spent lease token may stay spent while the lease
// still carries it: its spender crashed between spending it and replacing
// the lease (the two steps are not atomic on MongoDB without transactions).
const staleSpend = 30 * time.Second

// spendGeneration spends the lease generation token, or, when its spender
// crashed before replacing the lease (the spend is older than staleSpend),
// a token derived from it ("~" appended, once per crashed spender), so that
// one caller can take the lease over and none stays locked out forever. It
// returns the token it spent.
func (s *Store) spendGeneration(ctx context.Context, op, token string) (string, bool, error) {
	claim := token
	for range leaseAttempts {
		won, err := s.spend(ctx, op, claim)
		if err != nil || won {
			return claim, won, err
		}
		rec, err := findOne[spentRecord](ctx, s.spent, op, bson.D{{Key: "_id", Value: claim}})
		if isNotFound(err) {
			return claim, false, nil // spent and cleaned up: the lease moved on
		}
		if err != nil {
			return claim, false, err
		}
		if s.now().Sub(rec.At) < staleSpend {
			return claim, false, nil // its spender is replacing the lease now
		}
		claim += "~"
	}
	return claim, false, nil
}

// replaceLease writes next over the lease that carries the spent token
// spent. It reports false if the lease no longer carries it: spent tokens
// are deleted after use, so a caller that read an old generation long ago
// can spend its token again, and must then leave the lease alone.
func (s *Store) replaceLease(ctx context.Context, spent string, next *leaseRecord) (bool, error) {
	const op = "acquire lease"
	cur, err := findOne[leaseRecord](ctx, s.leases, op, bson.D{{Key: "_id", Value: next.Name}})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil || cur.Token != spent {
		return false, err
	}
	err = updateByID(ctx, s.leases, op, next.Name, bson.D{{Key: "$set", Value: bson.D{
		{Key: "holder", Value: next.Holder}, {Key: "until", Value: next.Until}, {Key: "token", Value: next.Token},
	}}})
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// tileRecord is an interior hash of the issuance log. Its _id packs the
// level (a multiple of 8, so level/8 < 8) above the index: the nodes of one
// level are a contiguous _id range, and a tile is one range query.
type tileRecord struct {
	ID   int64  `bson:"_id"`
	Hash string `bson:"hash"`
}

const tileLevelShift = 56

func tileID(level int, index int64) int64 { return int64(level/8)<<tileLevelShift | index }

// AddTileNodes inserts the nodes not stored yet (one unordered insert) and
// reads them back; fault.ErrConflict if one is stored with a different hash.
func (s *Store) AddTileNodes(ctx context.Context, nodes []*anchor.TileNode) error {
	if len(nodes) == 0 {
		return nil
	}
	docs := make([]any, len(nodes))
	lo, hi := nodes[0].Index, nodes[0].Index
	for i, n := range nodes {
		if n.Level != nodes[0].Level || n.Level <= 0 || n.Level%8 != 0 || n.Index < 0 || n.Index >= 1<<tileLevelShift {
			return fault.E(fault.Internal, "issuance log node (%d, %d) cannot be stored", n.Level, n.Index)
		}
		docs[i] = &tileRecord{ID: tileID(n.Level, n.Index), Hash: n.Hash}
		lo, hi = min(lo, n.Index), max(hi, n.Index)
	}
	if _, err := s.tiles.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil && !isDuplicate(err) {
		return wrap("add log tile nodes", err)
	}
	stored, err := s.TileNodes(ctx, nodes[0].Level, lo, hi+1)
	if err != nil {
		return err
	}
	have := make(map[int64]string, len(stored))
	for _, n := range stored {
		have[n.Index] = n.Hash
	}
	for _, n := range nodes {
		switch h, ok := have[n.Index]; {
		case !ok:
			return fault.E(fault.Unavailable, "issuance log node (%d, %d) was not stored", n.Level, n.Index)
		case h != n.Hash:
			return fault.Wrap(fault.Conflict, fault.ErrConflict, fmt.Sprintf("issuance log node (%d, %d) is stored with another hash", n.Level, n.Index))
		}
	}
	return nil
}

// TileNodes returns the stored nodes of level with from <= Index < to, ascending.
func (s *Store) TileNodes(ctx context.Context, level int, from, to int64) ([]*anchor.TileNode, error) {
	if from >= to || level <= 0 || level%8 != 0 {
		return nil, nil
	}
	rs, err := findAll[tileRecord](ctx, s.tiles, "log tile nodes",
		bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: tileID(level, from)}, {Key: "$lt", Value: tileID(level, to)}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]*anchor.TileNode, len(rs))
	for i, r := range rs {
		out[i] = &anchor.TileNode{Level: level, Index: r.ID &^ (7 << tileLevelShift), Hash: r.Hash}
	}
	return out, nil
}
