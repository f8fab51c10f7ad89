package storetest

import (
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/openid"
)

func offer(id string) *openid.Offer {
	return &openid.Offer{
		ID:             id,
		BureauID:       "b1",
		Type:           "VolunteerServiceCredential",
		SubjectDID:     "did:example:holder",
		Claims:         []byte(`{"hours":12}`),
		TxCodeHash:     "ab12",
		TxCodeLength:   6,
		TxCodeNumeric:  true,
		Configurations: []string{"VolunteerServiceCredential_jwt_vc_json", "VolunteerServiceCredential_dc_sd_jwt"},
		ExpiresAt:      at(10 * time.Minute),
		CreatedAt:      at(0),
	}
}

func openidCases() []testCase {
	return []testCase{
		{"openid/offer-create-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			o := offer("o1")
			ok(t, "PutOffer", s.PutOffer(ctx, o))
			got, err := s.Offer(ctx, "o1")
			ok(t, "Offer", err)
			same(t, "Offer", got, o)
			conflict(t, "PutOffer same id", s.PutOffer(ctx, offer("o1")))
			_, err = s.Offer(ctx, "nope")
			notFound(t, "Offer", err)
		}},
		{"openid/offer-without-tx-code-or-subject", func(t *testing.T, s Store) {
			ctx := t.Context()
			o := offer("o2")
			o.SubjectDID, o.TxCodeHash, o.TxCodeLength, o.TxCodeNumeric = "", "", 0, false
			o.Configurations = []string{"VolunteerServiceCredential_dc_sd_jwt"}
			ok(t, "PutOffer", s.PutOffer(ctx, o))
			got, err := s.Offer(ctx, "o2")
			ok(t, "Offer", err)
			same(t, "Offer", got, o)
		}},
	}
}
