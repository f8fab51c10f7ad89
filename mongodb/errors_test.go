package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/fault"
)

func TestWrap(t *testing.T) {
	const secret = "9f86d081884c7d659a2feaa0c55ad015" // stands for a key hash or idempotency key
	dupInsert := mongo.WriteException{WriteErrors: []mongo.WriteError{{
		Code:    11000,
		Message: `E11000 duplicate key error collection: db.apikeys index: _id_ dup key: { _id: "` + secret + `" }`,
	}}}
	ferretDupUpdate := mongo.CommandError{Code: 1, Name: "InternalError",
		Message: `constraint failed: UNIQUE constraint failed: bureaus_1.slug (2067) "` + secret + `"`}
	other := mongo.CommandError{Code: 2, Name: "BadValue", Message: "bad value " + secret}
	tests := []struct {
		name string
		err  error
		want error // nil: no fault sentinel
	}{
		{"ok/nil", nil, nil},
		{"not-found/no-documents", mongo.ErrNoDocuments, fault.ErrNotFound},
		{"conflict/insert-11000", dupInsert, fault.ErrConflict},
		{"conflict/ferretdb-update-code-1", ferretDupUpdate, fault.ErrConflict},
		{"unavailable/deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), fault.ErrUnavailable},
		{"unavailable/disconnected", mongo.ErrClientDisconnected, fault.ErrUnavailable},
		{"unavailable/not-primary", mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"}, fault.ErrUnavailable},
		{"unavailable/network-label", mongo.CommandError{Labels: []string{"NetworkError"}}, fault.ErrUnavailable},
		{"internal/other-server-error", other, nil},
		{"internal/code-1-not-unique", mongo.CommandError{Code: 1, Message: "something else"}, nil},
	}
	sentinels := []error{fault.ErrNotFound, fault.ErrConflict, fault.ErrUnavailable}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrap("op", tc.err)
			if tc.err == nil {
				if got != nil {
					t.Fatalf("wrap(nil) = %v", got)
				}
				return
			}
			if got == nil {
				t.Fatal("wrap returned nil for an error")
			}
			for _, s := range sentinels {
				if errors.Is(got, s) != (s == tc.want) {
					t.Errorf("errors.Is(%v, %v) = %t", got, s, errors.Is(got, s))
				}
			}
			if strings.Contains(got.Error(), secret) {
				t.Errorf("error text leaks a value: %q", got.Error())
			}
			var ce mongo.CommandError
			if tc.want == nil && !errors.As(got, &ce) {
				t.Errorf("the cause is not reachable with errors.As: %v", got)
			}
		})
	}
}

// TestUnavailable checks that an unreachable server is reported as
// fault.ErrUnavailable, not as an internal error.
func TestUnavailable(t *testing.T) {
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/").SetServerSelectionTimeout(300 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	s := &Store{db: client.Database("x"), apiKeys: client.Database("x").Collection(colAPIKeys)}
	if err := s.Ping(t.Context()); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("Ping: got %v, want ErrUnavailable", err)
	}
	if _, err := s.APIKey(t.Context(), "h"); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("APIKey: got %v, want ErrUnavailable", err)
	}
	if err := s.PutAPIKey(t.Context(), &auth.APIKey{Hash: "h"}); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("PutAPIKey: got %v, want ErrUnavailable", err)
	}
}
