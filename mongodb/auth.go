package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/keys"
)

var (
	_ exchange.RequestStore = (*Store)(nil)
	_ keys.Store            = (*Store)(nil)
	_ auth.Store            = (*Store)(nil)
	_ auth.ChallengeStore   = (*Store)(nil)
)

type requestRecord struct {
	ID         string    `bson:"_id"`
	VerifierID string    `bson:"verifierId"`
	Challenge  string    `bson:"challenge"`
	Domain     string    `bson:"domain"`
	Purpose    string    `bson:"purpose"`
	Definition []byte    `bson:"definition"`
	ExpiresAt  time.Time `bson:"expiresAt"`
	State      string    `bson:"state"`
	Result     []byte    `bson:"result,omitempty"`
	CreatedAt  time.Time `bson:"createdAt"`
	UpdatedAt  time.Time `bson:"updatedAt"`
}

func fromRequest(r *exchange.PresentationRequest) *requestRecord {
	return &requestRecord{
		ID: r.ID, VerifierID: r.VerifierID, Challenge: r.Challenge, Domain: r.Domain, Purpose: r.Purpose,
		Definition: r.Definition, ExpiresAt: ms(r.ExpiresAt), State: string(r.State), Result: r.Result,
		CreatedAt: ms(r.CreatedAt), UpdatedAt: ms(r.UpdatedAt),
	}
}

func (r *requestRecord) toDomain() *exchange.PresentationRequest {
	return &exchange.PresentationRequest{
		ID: r.ID, VerifierID: r.VerifierID, Challenge: r.Challenge, Domain: r.Domain, Purpose: r.Purpose,
		Definition: r.Definition, ExpiresAt: utc(r.ExpiresAt), State: exchange.RequestState(r.State), Result: r.Result,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
}

// CreateRequest inserts r. Returns fault.ErrConflict if r.ID is taken.
func (s *Store) CreateRequest(ctx context.Context, r *exchange.PresentationRequest) error {
	_, err := s.requests.InsertOne(ctx, fromRequest(r))
	return wrap("create presentation request", err)
}

// Request returns the request with id, or fault.ErrNotFound.
func (s *Store) Request(ctx context.Context, id string) (*exchange.PresentationRequest, error) {
	r, err := findOne[requestRecord](ctx, s.requests, "presentation request", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// requestClaimRecord says that a request was answered. Claiming inserts it:
// the unique _id lets exactly one caller through, on every backend (a
// conditional update of the request's state would not, on FerretDB).
type requestClaimRecord struct {
	ID string    `bson:"_id"` // the request id
	At time.Time `bson:"at"`
}

// ClaimRequest marks the request as answered; exactly one caller succeeds.
// Returns fault.ErrNotFound if there is no such request, fault.ErrConflict
// if it was already claimed.
func (s *Store) ClaimRequest(ctx context.Context, id string) error {
	const op = "claim presentation request"
	ok, err := s.exists(ctx, s.requests, op, id)
	if err != nil {
		return err
	}
	if !ok {
		return notFound(op)
	}
	_, err = s.requestClaims.InsertOne(ctx, &requestClaimRecord{ID: id, At: ms(s.now())})
	return wrap(op, err)
}

// SaveRequestResult sets State, Result and UpdatedAt of the request.
// Returns fault.ErrNotFound if there is none.
func (s *Store) SaveRequestResult(ctx context.Context, id string, st exchange.RequestState, result []byte, at time.Time) error {
	return updateByID(ctx, s.requests, "save presentation result", id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "state", Value: string(st)},
		{Key: "result", Value: result},
		{Key: "updatedAt", Value: ms(at)},
	}}})
}

type keyRecord struct {
	ID        string     `bson:"_id"`
	Owner     string     `bson:"owner"`
	Algorithm string     `bson:"algorithm"`
	PublicJWK []byte     `bson:"publicJwk"`
	Sealed    []byte     `bson:"sealed"`
	CreatedAt time.Time  `bson:"createdAt"`
	RetiredAt *time.Time `bson:"retiredAt,omitempty"`
}

func fromKey(k *keys.Record) *keyRecord {
	return &keyRecord{
		ID: k.ID, Owner: k.Owner, Algorithm: string(k.Algorithm), PublicJWK: k.PublicJWK, Sealed: k.Sealed,
		CreatedAt: ms(k.CreatedAt), RetiredAt: ptrTime(k.RetiredAt),
	}
}

func (r *keyRecord) toDomain() *keys.Record {
	return &keys.Record{
		ID: r.ID, Owner: r.Owner, Algorithm: keys.Algorithm(r.Algorithm), PublicJWK: r.PublicJWK, Sealed: r.Sealed,
		CreatedAt: utc(r.CreatedAt), RetiredAt: fromPtrTime(r.RetiredAt),
	}
}

// PutKey inserts k. Returns fault.ErrConflict if k.ID is taken.
func (s *Store) PutKey(ctx context.Context, k *keys.Record) error {
	_, err := s.keys.InsertOne(ctx, fromKey(k))
	return wrap("put key", err)
}

// Key returns the key with id, or fault.ErrNotFound.
func (s *Store) Key(ctx context.Context, id string) (*keys.Record, error) {
	r, err := findOne[keyRecord](ctx, s.keys, "key", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// KeysOf lists the keys of owner ordered by CreatedAt then ID, retired
// included. An owner has a handful of keys (one per rotation).
func (s *Store) KeysOf(ctx context.Context, owner string) ([]*keys.Record, error) {
	rs, err := findAll[keyRecord](ctx, s.keys, "keys of owner", bson.D{{Key: "owner", Value: owner}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]*keys.Record, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// RetireKey sets RetiredAt of the key with id. Returns fault.ErrNotFound if
// there is none.
func (s *Store) RetireKey(ctx context.Context, id string, at time.Time) error {
	return updateByID(ctx, s.keys, "retire key", id, bson.D{{Key: "$set", Value: bson.D{{Key: "retiredAt", Value: ms(at)}}}})
}

type apiKeyRecord struct {
	Hash      string     `bson:"_id"`
	Role      string     `bson:"role"`
	OwnerID   string     `bson:"ownerId"`
	CreatedAt time.Time  `bson:"createdAt"`
	RevokedAt *time.Time `bson:"revokedAt,omitempty"`
}

func fromAPIKey(k *auth.APIKey) *apiKeyRecord {
	return &apiKeyRecord{Hash: k.Hash, Role: string(k.Role), OwnerID: k.OwnerID, CreatedAt: ms(k.CreatedAt), RevokedAt: ptrTime(k.RevokedAt)}
}

func (r *apiKeyRecord) toDomain() *auth.APIKey {
	return &auth.APIKey{Hash: r.Hash, Role: auth.Role(r.Role), OwnerID: r.OwnerID, CreatedAt: utc(r.CreatedAt), RevokedAt: fromPtrTime(r.RevokedAt)}
}

// PutAPIKey inserts k. Returns fault.ErrConflict if k.Hash is taken.
func (s *Store) PutAPIKey(ctx context.Context, k *auth.APIKey) error {
	_, err := s.apiKeys.InsertOne(ctx, fromAPIKey(k))
	return wrap("put api key", err)
}

// APIKey returns the key with hash, or fault.ErrNotFound. It is on every
// authenticated request's path, hence keyed by _id.
func (s *Store) APIKey(ctx context.Context, hash string) (*auth.APIKey, error) {
	r, err := findOne[apiKeyRecord](ctx, s.apiKeys, "api key", bson.D{{Key: "_id", Value: hash}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// RevokeAPIKeys sets RevokedAt on every key of owner that is not yet
// revoked. Concurrent revocations may both write RevokedAt; the last one
// stays, which is harmless (both revoke).
func (s *Store) RevokeAPIKeys(ctx context.Context, owner string, at time.Time) error {
	_, err := s.apiKeys.UpdateMany(ctx,
		bson.D{{Key: "ownerId", Value: owner}, {Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: ms(at)}}}})
	return wrap("revoke api keys", err)
}

type verifierRecord struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	CreatedAt time.Time `bson:"createdAt"`
}

// CreateVerifier inserts v. Returns fault.ErrConflict if v.ID is taken.
func (s *Store) CreateVerifier(ctx context.Context, v *auth.Verifier) error {
	_, err := s.verifiers.InsertOne(ctx, &verifierRecord{ID: v.ID, Name: v.Name, CreatedAt: ms(v.CreatedAt)})
	return wrap("create verifier", err)
}

// Verifier returns the verifier with id, or fault.ErrNotFound.
func (s *Store) Verifier(ctx context.Context, id string) (*auth.Verifier, error) {
	r, err := findOne[verifierRecord](ctx, s.verifiers, "verifier", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return &auth.Verifier{ID: r.ID, Name: r.Name, CreatedAt: utc(r.CreatedAt)}, nil
}

type challengeRecord struct {
	Nonce     string    `bson:"_id"`
	DID       string    `bson:"did"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// PutChallenge inserts c. Returns fault.ErrConflict if c.Nonce is taken.
func (s *Store) PutChallenge(ctx context.Context, c *auth.Challenge) error {
	_, err := s.challenges.InsertOne(ctx, &challengeRecord{Nonce: c.Nonce, DID: c.DID, ExpiresAt: ms(c.ExpiresAt)})
	return wrap("put challenge", err)
}

// TakeChallenge deletes the challenge with nonce and returns it; exactly one
// caller can take a given challenge (DeleteOne on _id with DeletedCount ==
// 1; FerretDB's FindOneAndDelete ignores how many rows its delete removed
// and hands the document to every racer). Returns fault.ErrNotFound
// if there is none. Nonces are random and never re-inserted, so the document
// read is the one deleted.
func (s *Store) TakeChallenge(ctx context.Context, nonce string) (*auth.Challenge, error) {
	const op = "take challenge"
	r, err := findOne[challengeRecord](ctx, s.challenges, op, bson.D{{Key: "_id", Value: nonce}})
	if err != nil {
		return nil, err
	}
	took, err := deleteByID(ctx, s.challenges, op, nonce)
	if err != nil {
		return nil, err
	}
	if !took {
		return nil, notFound(op)
	}
	return &auth.Challenge{Nonce: r.Nonce, DID: r.DID, ExpiresAt: utc(r.ExpiresAt)}, nil
}

// PurgeChallenges deletes the challenges that expired before t (served by
// the index on expiresAt).
func (s *Store) PurgeChallenges(ctx context.Context, t time.Time) (int, error) {
	res, err := s.challenges.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: ms(t)}}}})
	if err != nil {
		return 0, wrap("purge challenges", err)
	}
	return int(res.DeletedCount), nil
}
