package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/citizencloud/citizencredentials/openid"
)

var _ openid.Store = (*Store)(nil)

// colOffers holds OpenID4VCI credential offers, read only by _id (so it
// needs no secondary index). Single use of an offer's pre-authorized code
// is a document in challenges.
const colOffers = "openid_offers"

type offerRecord struct {
	ID             string    `bson:"_id"`
	BureauID       string    `bson:"bureauId"`
	Type           string    `bson:"type"`
	SubjectDID     string    `bson:"subjectDid"`
	Claims         []byte    `bson:"claims"`
	TxCodeHash     string    `bson:"txCodeHash"`
	TxCodeLength   int       `bson:"txCodeLength"`
	TxCodeNumeric  bool      `bson:"txCodeNumeric"`
	Configurations []string  `bson:"configurations"`
	ExpiresAt      time.Time `bson:"expiresAt"`
	CreatedAt      time.Time `bson:"createdAt"`
}

// PutOffer inserts o. Returns fault.ErrConflict if o.ID is taken.
func (s *Store) PutOffer(ctx context.Context, o *openid.Offer) error {
	_, err := s.db.Collection(colOffers).InsertOne(ctx, &offerRecord{
		ID: o.ID, BureauID: o.BureauID, Type: o.Type, SubjectDID: o.SubjectDID, Claims: o.Claims,
		TxCodeHash: o.TxCodeHash, TxCodeLength: o.TxCodeLength, TxCodeNumeric: o.TxCodeNumeric,
		Configurations: o.Configurations, ExpiresAt: ms(o.ExpiresAt), CreatedAt: ms(o.CreatedAt),
	})
	return wrap("put offer", err)
}

// Offer returns the offer with id, or fault.ErrNotFound.
func (s *Store) Offer(ctx context.Context, id string) (*openid.Offer, error) {
	r, err := findOne[offerRecord](ctx, s.db.Collection(colOffers), "get offer", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return &openid.Offer{
		ID: r.ID, BureauID: r.BureauID, Type: r.Type, SubjectDID: r.SubjectDID, Claims: r.Claims,
		TxCodeHash: r.TxCodeHash, TxCodeLength: r.TxCodeLength, TxCodeNumeric: r.TxCodeNumeric,
		Configurations: r.Configurations, ExpiresAt: utc(r.ExpiresAt), CreatedAt: utc(r.CreatedAt),
	}, nil
}
