// Package graph is the GraphQL API: the schema (graph/schema/*.graphqls),
// thin resolvers that read the caller from the context, call the domain and
// map the result, the one error presenter, and the handler with its limits.
// gqlgen generates graph/generated and graph/model (go generate ./graph).
package graph

//go:generate sh -c "cd .. && go tool gqlgen generate"

import (
	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/consortium"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/graph/generated"
	"github.com/citizencloud/citizencredentials/ledger"
	"github.com/citizencloud/citizencredentials/onboard"
	"github.com/citizencloud/citizencredentials/openid"
)

// Resolver holds the domain services the API calls. It never holds a
// database or chain client.
type Resolver struct {
	Onboarding *onboard.Bureaus
	Issuer     *credentials.Service
	Verifier   *credentials.Verifier
	Verifiers  auth.Store
	DIDAuth    *auth.DIDAuth
	Ledger     *ledger.Ledger
	Requests   *exchange.Requests
	Notifier   *Notifier
	// OpenID is the OpenID4VCI credential issuer (createCredentialOffer).
	OpenID *openid.Issuer
	// OpenIDVP makes presentation requests OpenID4VP authorisation requests.
	OpenIDVP *openid.Presentations
	// RequestURI is where a holder fetches a presentation request.
	RequestURI func(id string) string
	// Governance is the consortium registry as this node's member account
	// reads and signs it; nil when the node is not connected to one (the
	// consortium fields answer UNAVAILABLE).
	Governance consortium.Governance
}

var (
	_ generated.QueryResolver      = &queryResolver{}
	_ generated.MutationResolver   = &mutationResolver{}
	_ generated.BureauResolver     = &bureauResolver{}
	_ generated.ConsortiumResolver = &consortiumResolver{}
)
