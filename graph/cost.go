package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph/generated"
	"github.com/citizencloud/citizencredentials/graph/model"
)

// verifyWeight is the complexity of one verification: it checks
// signatures, resolves DIDs and reads status lists and the chain.
const verifyWeight = 20

// complexity makes the complexity estimate count what a field can return:
// a list field costs its page size times its elements, a verification
// costs verifyWeight.
func complexity(catalogueSize int) generated.ComplexityRoot {
	var c generated.ComplexityRoot
	page := func(first *int, def int) int {
		if first != nil && *first > 0 {
			return *first
		}
		return def
	}
	c.Query.Credentials = func(child int, _ *model.CredentialFilter, _ *string, first *int) int {
		return 1 + child*page(first, defaultPageSize)
	}
	c.Query.MyCredentials = func(child int, first *int, _ *string) int {
		return 1 + child*page(first, defaultHolderPage)
	}
	c.Query.Anchors = func(child int, first *int, _ *string) int {
		return 1 + child*page(first, defaultPageSize)
	}
	c.Query.CredentialTypes = func(child int) int { return 1 + child*max(catalogueSize, 1) }
	c.Query.VerifyCredential = func(child int, _ string) int { return verifyWeight + child }
	c.Query.VerifyPresentation = func(child int, _ string, _ *string, _ *string) int { return verifyWeight + child }
	c.Mutation.SubmitPresentation = func(child int, _ string, _ string) int { return verifyWeight + child }
	return c
}

// batchLimit counts the credentials one request asks to issue, over every
// issueCredential and issueCredentials field together, and refuses the
// request before anything runs when they are more than the limit.
type batchLimit int

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = batchLimit(0)

func (batchLimit) ExtensionName() string                   { return "BatchLimit" }
func (batchLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (b batchLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	n := 0
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		switch f.Name {
		case "issueCredential":
			n++
		case "issueCredentials":
			if v, ok := f.ArgumentMap(oc.Variables)["inputs"].([]any); ok {
				n += len(v)
			}
		}
	}
	if n > int(b) {
		err := gqlerror.Errorf("the request issues %d credentials; at most %d are allowed per request (all issueCredential and issueCredentials fields together)", n, int(b))
		errcode.Set(err, "BATCH_LIMIT_EXCEEDED")
		return err
	}
	return nil
}

// cancelOnDisconnect stops resolving fields once the request's context is
// done (the client went away, or the server is shutting down).
type cancelOnDisconnect struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = cancelOnDisconnect{}

func (cancelOnDisconnect) ExtensionName() string                   { return "CancelOnDisconnect" }
func (cancelOnDisconnect) Validate(graphql.ExecutableSchema) error { return nil }
func (cancelOnDisconnect) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, errCanceled
	}
	return next(ctx)
}

var errCanceled = fault.E(fault.Unavailable, "the request was cancelled before it finished")
