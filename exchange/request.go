package exchange

import (
	"context"
	"time"
)

// RequestState is the lifecycle of a presentation request.
type RequestState string

const (
	RequestPending  RequestState = "pending"
	RequestVerified RequestState = "verified"
	RequestFailed   RequestState = "failed"
)

// PresentationRequest is a verifier's request for a presentation.
type PresentationRequest struct {
	ID         string
	VerifierID string
	Challenge  string
	Domain     string
	Purpose    string
	Definition []byte // DIF Presentation Exchange v2 presentation_definition (JSON)
	ExpiresAt  time.Time
	State      RequestState
	Result     []byte // JSON of the VerificationResult once submitted
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// RequestStore persists presentation requests.
type RequestStore interface {
	// CreateRequest inserts r. Returns fault.ErrConflict if r.ID is taken.
	CreateRequest(ctx context.Context, r *PresentationRequest) error
	// Request returns the request with id, or fault.ErrNotFound.
	Request(ctx context.Context, id string) (*PresentationRequest, error)
	// ClaimRequest marks the request as answered; exactly one caller succeeds.
	// Returns fault.ErrConflict if it was already claimed.
	ClaimRequest(ctx context.Context, id string) error
	// SaveRequestResult sets State, Result and UpdatedAt of the request.
	// Returns fault.ErrNotFound if there is none.
	SaveRequestResult(ctx context.Context, id string, s RequestState, result []byte, at time.Time) error
}
