package openid

import (
	"context"
	"time"
)

// Offer is a credential offer as stored: what the bureau asked to issue and
// to whom, until it expires. The pre-authorized code is not stored: it is
// derived from the offer id with the issuer's secret (see Issuer).
type Offer struct {
	ID             string    // random, base64url; names the offer in its credential_offer_uri
	BureauID       string    // the offering bureau
	Type           string    // catalogue type
	SubjectDID     string    // optional: only a proof key of this DID may receive the credential
	Claims         []byte    // subject claims (JSON object)
	TxCodeHash     string    // hex SHA-256 of offer id and transaction code; empty: no transaction code
	TxCodeLength   int       // number of characters of the transaction code
	TxCodeNumeric  bool      // the transaction code is digits only
	Configurations []string  // credential_configuration_ids offered
	ExpiresAt      time.Time // UTC; the pre-authorized code is refused after it
	CreatedAt      time.Time // UTC
}

// Store persists credential offers. Implementations: sqlite.Store and
// mongodb.Store (storetest holds the behaviour both must show).
type Store interface {
	// PutOffer inserts o. Returns fault.ErrConflict if o.ID is taken.
	PutOffer(ctx context.Context, o *Offer) error
	// Offer returns the offer with id, or fault.ErrNotFound.
	Offer(ctx context.Context, id string) (*Offer, error)
}
