// Package mongotest starts an embedded MongoDB-wire server for tests: a
// FerretDB v1.24 server with its SQLite backend in a temporary directory,
// listening on 127.0.0.1 on a free port. It is a test dependency only; the
// service never runs on FerretDB (DESIGN.md §7 says why).
package mongotest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// newMu serialises ferretdb.New, which writes a package-level variable of
// FerretDB's (the build's package name) and so races with itself when
// parallel tests start servers.
var newMu sync.Mutex

// StartServer starts a FerretDB server for the test and returns its
// mongodb:// URI, usable by other processes too. The server and its data
// are gone when the test ends.
func StartServer(t testing.TB) (uri string) {
	t.Helper()
	dir := t.TempDir()
	newMu.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    slog.New(slog.DiscardHandler), // its default logs every connection and failed command
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: dir + "/"}).String(),
	})
	newMu.Unlock()
	if err != nil {
		t.Fatalf("mongotest: start FerretDB: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx) // returns once ctx is cancelled and everything is closed
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	// MongoDBURI waits until the listener is up.
	return f.MongoDBURI()
}

// Connect returns a client for uri, disconnected when the test ends.
func Connect(t testing.TB, uri string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		t.Fatalf("mongotest: connect: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Disconnect(ctx); err != nil {
			t.Errorf("mongotest: disconnect: %v", err)
		}
	})
	return c
}

var dbSeq atomic.Int64

// Database returns a new, empty database on client, with a name no other
// call in this process returns.
func Database(client *mongo.Client) *mongo.Database {
	return client.Database(fmt.Sprintf("test_%d", dbSeq.Add(1)))
}

// Start starts a FerretDB server for the test, connects to it and returns a
// fresh database. Everything is stopped when the test ends. Tests that need
// many fresh databases start one server with StartServer and Connect and
// call Database for each.
func Start(t testing.TB) *mongo.Database {
	t.Helper()
	return Database(Connect(t, StartServer(t)))
}
