package mongodb

import (
	"context"
	"crypto/rand"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	colBureaus        = "bureaus"
	colCredentials    = "credentials"
	colIdempotency    = "idempotency_keys" // claim documents: one per (bureau, idempotency key)
	colAudit          = "audit_events"
	colRequests       = "presentation_requests"
	colRequestClaims  = "presentation_request_claims" // claim documents: one per answered request
	colKeys           = "keys"
	colAPIKeys        = "apikeys"
	colVerifiers      = "verifiers"
	colChallenges     = "challenges"
	colStatusLists    = "status_lists"
	colStatusEntries  = "status_entries"
	colStatusVersions = "status_versions"
	colDirtyLists     = "dirty_lists"
	colOutbox         = "outbox"
	colLeaves         = "log_leaves"
	colTiles          = "log_tiles"
	colLeases         = "leases"
	colStatusBlocks   = "status_blocks" // claim documents: one per (list, block) of reserved indices
	colSpentTokens    = "spent_tokens"  // claim documents: one per lease or idempotency-claim generation ended
)

// Store implements every store interface of the service on one MongoDB
// database. It is safe for concurrent use by many goroutines and by many
// processes (replicas) on the same database.
type Store struct {
	db *mongo.Database

	bureaus, credentials, idempotency, audit *mongo.Collection
	requests, requestClaims                  *mongo.Collection
	keys, apiKeys, verifiers, challenges     *mongo.Collection
	lists, entries, versions, dirty          *mongo.Collection
	outbox, leaves, leases, spent            *mongo.Collection
	tiles                                    *mongo.Collection
	blocks                                   *mongo.Collection
	now                                      func() time.Time
}

// New returns a Store on db and creates its indexes. Creating indexes is
// idempotent, so every replica calls New at start-up. The caller owns db's
// client: Close does not disconnect it.
func New(ctx context.Context, db *mongo.Database) (*Store, error) {
	s := &Store{
		db:            db,
		bureaus:       db.Collection(colBureaus),
		credentials:   db.Collection(colCredentials),
		idempotency:   db.Collection(colIdempotency),
		audit:         db.Collection(colAudit),
		requests:      db.Collection(colRequests),
		requestClaims: db.Collection(colRequestClaims),
		keys:          db.Collection(colKeys),
		apiKeys:       db.Collection(colAPIKeys),
		verifiers:     db.Collection(colVerifiers),
		challenges:    db.Collection(colChallenges),
		lists:         db.Collection(colStatusLists),
		entries:       db.Collection(colStatusEntries),
		versions:      db.Collection(colStatusVersions),
		dirty:         db.Collection(colDirtyLists),
		outbox:        db.Collection(colOutbox),
		leaves:        db.Collection(colLeaves),
		tiles:         db.Collection(colTiles),
		leases:        db.Collection(colLeases),
		spent:         db.Collection(colSpentTokens),
		blocks:        db.Collection(colStatusBlocks),
		now:           time.Now,
	}
	if err := s.createIndexes(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// index builds an index model on keys given as alternating name, direction.
func index(unique bool, keys ...any) mongo.IndexModel {
	var d bson.D
	for i := 0; i+1 < len(keys); i += 2 {
		d = append(d, bson.E{Key: keys[i].(string), Value: keys[i+1]})
	}
	m := mongo.IndexModel{Keys: d}
	if unique {
		m.Options = options.Index().SetUnique(true)
	}
	return m
}

// createIndexes creates every secondary index. Collections that are only
// read by _id (claims, leases, verifiers, ...) need none. Every
// listing query has an index that serves both its filter and its sort, so
// that no query scans a collection of tens of millions of documents.
func (s *Store) createIndexes(ctx context.Context) error {
	all := []struct {
		c  *mongo.Collection
		ix []mongo.IndexModel
	}{
		{s.bureaus, []mongo.IndexModel{
			index(true, "slug", 1),
			index(true, "did", 1),
			index(false, "createdAt", 1, "_id", 1),
			index(false, "kind", 1, "state", 1, "treeSize", 1),
		}},
		{s.credentials, []mongo.IndexModel{
			index(false, "subjectDid", 1, "_id", 1),
			index(false, "bureauId", 1, "_id", 1),
			index(false, "bureauId", 1, "state", 1, "_id", 1),
			index(false, "bureauId", 1, "type", 1, "_id", 1),
		}},
		{s.audit, []mongo.IndexModel{
			index(false, "credentialId", 1, "_id", 1),
			index(false, "bureauId", 1, "seq", 1),
		}},
		{s.keys, []mongo.IndexModel{
			index(false, "owner", 1, "createdAt", 1, "_id", 1),
		}},
		{s.apiKeys, []mongo.IndexModel{
			index(false, "ownerId", 1),
		}},
		{s.challenges, []mongo.IndexModel{
			index(false, "expiresAt", 1),
		}},
		{s.lists, []mongo.IndexModel{
			index(false, "bureauId", 1, "purpose", 1, "full", 1, "createdAt", 1, "_id", 1),
		}},
		{s.entries, []mongo.IndexModel{
			// The allocation constraint. _id is derived from (list, index)
			// too, but on a cluster sharded by list only this index is
			// enforced across shards.
			index(true, "list", 1, "index", 1),
			index(false, "list", 1, "set", 1, "index", 1),
			index(false, "credentialId", 1),
		}},
		{s.versions, []mongo.IndexModel{
			index(true, "list", 1, "version", 1),
		}},
		{s.outbox, []mongo.IndexModel{
			index(false, "state", 1, "createdAt", 1, "_id", 1),
			index(false, "createdAt", 1, "_id", 1),
		}},
		{s.leaves, []mongo.IndexModel{
			index(true, "credentialId", 1),
		}},
		{s.blocks, []mongo.IndexModel{
			index(false, "list", 1),
		}},
	}
	// One index per command: FerretDB v1.24 panics and drops the connection
	// on a createIndexes with two or more indexes that all exist already,
	// i.e. on every start-up after the first.
	for _, c := range all {
		for _, ix := range c.ix {
			if _, err := c.c.Indexes().CreateOne(ctx, ix); err != nil {
				return wrap("create indexes on "+c.c.Name(), err)
			}
		}
	}
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return wrap("ping", s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err())
}

// Close releases nothing: the client belongs to the caller, who disconnects
// it after closing every store that uses it.
func (s *Store) Close() error { return nil }

// ms returns t as stored: UTC, truncated to whole milliseconds.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// utc returns a time read from the database in UTC.
func utc(t time.Time) time.Time { return t.UTC() }

// optTime stores a zero time as an absent field.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := ms(t)
	return &v
}

// fromOptTime turns an absent field back into the zero time.
func fromOptTime(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

// ptrTime converts an optional domain time for storage.
func ptrTime(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	v := ms(*p)
	return &v
}

// fromPtrTime converts an optional stored time back.
func fromPtrTime(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	v := p.UTC()
	return &v
}

// findOne decodes the document matching filter into T.
func findOne[T any](ctx context.Context, c *mongo.Collection, op string, filter any, opts ...options.Lister[options.FindOneOptions]) (*T, error) {
	var r T
	if err := c.FindOne(ctx, filter, opts...).Decode(&r); err != nil {
		return nil, wrap(op, err)
	}
	return &r, nil
}

// findAll decodes every document matching filter into T.
func findAll[T any](ctx context.Context, c *mongo.Collection, op string, filter any, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, wrap(op, err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// updateByID applies update to the document with id and returns
// fault.ErrNotFound if there is none.
func updateByID(ctx context.Context, c *mongo.Collection, op string, id any, update any) error {
	res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return wrap(op, err)
	}
	if res.MatchedCount == 0 {
		return notFound(op)
	}
	return nil
}

// deleteByID deletes the document with id and reports whether this call
// deleted it. Only one of several concurrent callers sees true: on MongoDB
// and on FerretDB alike the delete of one _id affects one row once.
func deleteByID(ctx context.Context, c *mongo.Collection, op string, id any) (bool, error) {
	res, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return false, wrap(op, err)
	}
	return res.DeletedCount == 1, nil
}

// spentRecord marks a generation token as spent. Leases and idempotency
// claims carry a random token; whoever inserts the token here (exactly one
// caller, by the unique _id) alone decides that generation's fate: it may
// overwrite or delete the document carrying the token, and nobody else
// writes it. This replaces a conditional write ("delete the lease if it is
// still X's"), which FerretDB evaluates on a snapshot and then executes by
// _id alone, so that it may hit a newer document that replaced X's.
type spentRecord struct {
	Token string    `bson:"_id"`
	At    time.Time `bson:"at"`
}

// spend reports whether this call spent token (false: someone else did).
func (s *Store) spend(ctx context.Context, op, token string) (bool, error) {
	_, err := s.spent.InsertOne(ctx, &spentRecord{Token: token, At: ms(s.now())})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap(op, err)
	}
	return true, nil
}

// newToken returns a random generation token.
func newToken() string { return rand.Text() }
