package mongodb

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/citizencloud/citizencredentials/mongodb/mongotest"
	"github.com/citizencloud/citizencredentials/store"
	"github.com/citizencloud/citizencredentials/storetest"
)

var _ store.Store = (*Store)(nil)

// TestStore runs the shared behavioural suite against FerretDB: one server,
// a fresh database per subtest.
func TestStore(t *testing.T) {
	client := mongotest.Connect(t, mongotest.StartServer(t))
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return open(t, client)
	})
}

func BenchmarkStore(b *testing.B) {
	client := mongotest.Connect(b, mongotest.StartServer(b))
	storetest.Bench(b, func(b *testing.B) storetest.Store { return open(b, client) })
}

// open returns a Store on a fresh database of client, dropped when the test
// ends.
func open(t testing.TB, client *mongo.Client) *Store {
	t.Helper()
	db := mongotest.Database(client)
	s, err := New(t.Context(), db)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("drop database: %v", err)
		}
	})
	return s
}

// TestNewTwice checks that index creation is idempotent: every replica calls
// New on the same database at start-up.
func TestNewTwice(t *testing.T) {
	db := mongotest.Start(t)
	for i := range 2 {
		s, err := New(t.Context(), db)
		if err != nil {
			t.Fatalf("New #%d: %v", i+1, err)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}
}
