package graph

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph/generated"
	"github.com/citizencloud/citizencredentials/graph/model"
	"github.com/citizencloud/citizencredentials/keys"
)

func (r *bureauResolver) Keys(ctx context.Context, obj *model.Bureau) ([]*model.VerificationKey, error) {
	ks, err := r.Onboarding.Keys(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.VerificationKey, 0, len(ks))
	for _, k := range ks {
		jwk, err := decodeObject(k.PublicJWK)
		if err != nil {
			return nil, err
		}
		alg := model.KeyAlgorithmEd25519
		if k.Algorithm == keys.P256 {
			alg = model.KeyAlgorithmP256
		}
		out = append(out, &model.VerificationKey{ID: k.ID, Algorithm: alg, PublicKeyJwk: jwk, CreatedAt: k.CreatedAt, RetiredAt: k.RetiredAt})
	}
	return out, nil
}

func (r *mutationResolver) CreateBureau(ctx context.Context, input model.CreateBureauInput) (*model.CreateBureauPayload, error) {
	if _, err := auth.Require(ctx, auth.RoleOperator); err != nil {
		return nil, err
	}
	alg := keys.Ed25519
	if input.KeyAlgorithm != nil && *input.KeyAlgorithm == model.KeyAlgorithmP256 {
		alg = keys.P256
	}
	b, secret, err := r.Onboarding.Create(ctx, credentials.CreateBureauInput{Name: input.Name, Slug: input.Slug, AllowedTypes: input.AllowedTypes, Algorithm: alg})
	if err != nil {
		return nil, err
	}
	return &model.CreateBureauPayload{Bureau: bureauModel(b), APIKey: secret}, nil
}

func (r *mutationResolver) RotateBureauKey(ctx context.Context, bureauID string) (*model.Bureau, error) {
	if _, err := auth.Require(ctx, auth.RoleOperator); err != nil {
		return nil, err
	}
	b, err := r.Onboarding.RotateKey(ctx, bureauID)
	if err != nil {
		return nil, err
	}
	return bureauModel(b), nil
}

func (r *mutationResolver) DeactivateBureau(ctx context.Context, bureauID string, reason string) (*model.Bureau, error) {
	if _, err := auth.Require(ctx, auth.RoleOperator); err != nil {
		return nil, err
	}
	b, err := r.Onboarding.Deactivate(ctx, bureauID, reason)
	if err != nil {
		return nil, err
	}
	return bureauModel(b), nil
}

func (r *mutationResolver) CreateVerifier(ctx context.Context, input model.CreateVerifierInput) (*model.CreateVerifierPayload, error) {
	if _, err := auth.Require(ctx, auth.RoleOperator); err != nil {
		return nil, err
	}
	if input.Name == "" || len(input.Name) > 200 {
		return nil, fault.E(fault.Invalid, "name must be 1 to 200 characters")
	}
	u, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	v := &auth.Verifier{ID: u.String(), Name: input.Name, CreatedAt: now}
	if err := r.Verifiers.CreateVerifier(ctx, v); err != nil {
		return nil, err
	}
	secret, key, err := auth.NewAPIKey(auth.RoleVerifier, v.ID, now)
	if err != nil {
		return nil, err
	}
	if err := r.Verifiers.PutAPIKey(ctx, key); err != nil {
		return nil, err
	}
	return &model.CreateVerifierPayload{Verifier: &model.Verifier{ID: v.ID, Name: v.Name, CreatedAt: v.CreatedAt}, APIKey: secret}, nil
}

func (r *queryResolver) Bureau(ctx context.Context, id string) (*model.Bureau, error) {
	if _, err := auth.Require(ctx, auth.RoleOperator); err != nil {
		return nil, err
	}
	b, err := r.Onboarding.Bureau(ctx, id)
	if err != nil {
		return nil, err
	}
	return bureauModel(b), nil
}

func (r *queryResolver) Bureaus(ctx context.Context) ([]*model.Bureau, error) {
	if _, err := auth.Require(ctx, auth.RoleOperator); err != nil {
		return nil, err
	}
	bs, err := r.Onboarding.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Bureau, len(bs))
	for i, b := range bs {
		out[i] = bureauModel(b)
	}
	return out, nil
}

func (r *Resolver) Bureau() generated.BureauResolver { return &bureauResolver{r} }

type bureauResolver struct{ *Resolver }
