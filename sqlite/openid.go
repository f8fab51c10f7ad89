package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/citizencloud/citizencredentials/openid"
)

var _ openid.Store = (*Store)(nil)

// PutOffer inserts o; fault.ErrConflict if o.ID is taken.
func (s *Store) PutOffer(ctx context.Context, o *openid.Offer) error {
	configs, err := json.Marshal(o.Configurations)
	if err != nil {
		return fmt.Errorf("sqlite: put offer: %w", err)
	}
	numeric := 0
	if o.TxCodeNumeric {
		numeric = 1
	}
	_, err = s.dbq().ExecContext(ctx, `INSERT INTO openid_offers (id, bureau_id, type, subject_did, claims, tx_code_hash,
		tx_code_length, tx_code_numeric, configurations, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.BureauID, o.Type, o.SubjectDID, nonNil(o.Claims), o.TxCodeHash, o.TxCodeLength, numeric, string(configs),
		ms(o.ExpiresAt), ms(o.CreatedAt))
	return dbErr("put offer", err)
}

// Offer returns the offer with id, or fault.ErrNotFound.
func (s *Store) Offer(ctx context.Context, id string) (*openid.Offer, error) {
	return get(ctx, s.dbq(), "get offer", func(r scanner) (*openid.Offer, error) {
		var (
			o                openid.Offer
			numeric          int
			configs          string
			expires, created int64
		)
		if err := r.Scan(&o.ID, &o.BureauID, &o.Type, &o.SubjectDID, &o.Claims, &o.TxCodeHash, &o.TxCodeLength,
			&numeric, &configs, &expires, &created); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(configs), &o.Configurations); err != nil {
			return nil, err
		}
		o.TxCodeNumeric, o.ExpiresAt, o.CreatedAt = numeric == 1, fromMS(expires), fromMS(created)
		return &o, nil
	}, `SELECT id, bureau_id, type, subject_did, claims, tx_code_hash, tx_code_length, tx_code_numeric,
		configurations, expires_at, created_at FROM openid_offers WHERE id = ?`, id)
}
