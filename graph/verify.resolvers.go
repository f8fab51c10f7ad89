package graph

import (
	"context"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph/generated"
	"github.com/citizencloud/citizencredentials/graph/model"
)

// maxCredentialSize bounds a pasted credential (the body limit bounds it too).
const maxCredentialSize = 256 << 10

func (r *queryResolver) VerifyCredential(ctx context.Context, credential string) (*model.VerificationResult, error) {
	if len(credential) > maxCredentialSize {
		return nil, fault.E(fault.Invalid, "credential is larger than %d bytes", maxCredentialSize)
	}
	return resultModel(r.Verifier.VerifyCredential(ctx, credential)), nil
}

func (r *Resolver) Mutation() generated.MutationResolver { return &mutationResolver{r} }

func (r *Resolver) Query() generated.QueryResolver { return &queryResolver{r} }

type mutationResolver struct{ *Resolver }
type queryResolver struct{ *Resolver }
