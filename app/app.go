// Package app wires the Citizen Credentials service from a Config: store
// (SQLite or MongoDB), keys, DID resolution, credential services and the
// HTTP/GraphQL server. cmd/vcserve only parses flags and calls it; tests
// start it on 127.0.0.1:0 with a temporary data dir.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/graph"
	"github.com/citizencloud/citizencredentials/keys"
	"github.com/citizencloud/citizencredentials/mongodb"
	"github.com/citizencloud/citizencredentials/server"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/storetest"
)

// Main is the running service. Tests start it on 127.0.0.1:0 with a
// temporary data dir and talk to URL().
type Main struct {
	Config Config
	Logger *slog.Logger

	store     storetest.Store
	mongo     *mongo.Client
	listener  net.Listener
	http      *http.Server
	served    chan error
	publicURL string
	closeOnce sync.Once
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}

// URL is the base URL the service listens on (valid after Run).
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Run opens the store, wires the services and starts serving. It returns
// once the service accepts requests; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	c := m.Config
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	master, err := keys.LoadOrCreateMasterKey(c.MasterKeyFile)
	if err != nil {
		return err
	}
	km, err := keys.NewManager(m.store, master)
	if err != nil {
		return err
	}
	adminToken, created, err := auth.LoadOrCreateToken(c.AdminTokenFile)
	if err != nil {
		return fmt.Errorf("admin token: %w", err)
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	m.listener = ln
	m.publicURL = strings.TrimRight(c.PublicURL, "/")
	if m.publicURL == "" {
		m.publicURL = m.URL()
	}
	host, err := hostOf(m.publicURL)
	if err != nil {
		return err
	}

	cat, err := credentials.NewCatalogue(m.publicURL)
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	bureaus := credentials.NewBureaus(m.store, km, m.store, m.store, cat, host, nil)
	resolver := did.NewLocalRouter(did.NewWebResolver(bureaus.ResolveWeb))
	verifier := credentials.NewVerifier(resolver, cat)
	issuer := credentials.NewService(m.store, cat,
		credentials.KeySourceFunc(func(ctx context.Context, id string) (credentials.Signer, error) { return km.Signer(ctx, id) }),
		credentials.WithBatchLimit(c.BatchLimit))
	sessions, err := auth.NewSessions(derive(master, "holder-session"), c.SessionTTL)
	if err != nil {
		return err
	}
	authn := auth.NewAuthenticator(m.store, adminToken, sessions)
	didAuth := auth.NewDIDAuth(m.store, resolver, sessions, c.ChallengeTTL)

	handler := server.New(server.Config{
		Resolver:   &graph.Resolver{Onboarding: bureaus, Issuer: issuer, Verifier: verifier, Verifiers: m.store, DIDAuth: didAuth},
		Auth:       authn,
		Limits:     graph.Limits{MaxBodyBytes: c.MaxBodyBytes, MaxDepth: c.MaxDepth, MaxComplexity: c.MaxComplexity, Introspection: c.Introspection},
		Playground: c.Playground,
		Ready:      []server.ReadyCheck{{Name: "store", Check: m.store.Ping}},
		Logger:     m.Logger,
	})
	m.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(ln) }()

	if !c.Quiet {
		store := "embedded SQLite in " + c.DataDir
		if c.MongoURI != "" {
			store = "MongoDB database " + c.MongoDatabase
		}
		state := "existing"
		if created {
			state = "new"
		}
		fmt.Fprintf(os.Stderr, "vcserve: listening on %s (GraphQL %s/graphql", m.URL(), m.URL())
		if c.Playground {
			fmt.Fprintf(os.Stderr, ", playground %s/", m.URL())
		}
		fmt.Fprintf(os.Stderr, ")\nvcserve: store: %s\nvcserve: operator token (%s): %s\n", store, state, c.AdminTokenFile)
	}
	return nil
}

func (m *Main) openStore(ctx context.Context) error {
	c := m.Config
	switch {
	case c.MongoURI != "":
		cl, err := mongo.Connect(options.Client().ApplyURI(c.MongoURI).SetServerSelectionTimeout(10 * time.Second))
		if err != nil {
			return fmt.Errorf("mongodb: %w", err)
		}
		m.mongo = cl
		st, err := mongodb.New(ctx, cl.Database(c.MongoDatabase))
		if err != nil {
			return fmt.Errorf("mongodb: %w", err)
		}
		m.store = st
	default:
		st, err := sqlite.Open(ctx, c.DataDir)
		if err != nil {
			return err
		}
		m.store = st
	}
	return nil
}

// Close stops accepting requests, lets in-flight ones finish (up to the
// shutdown grace), then closes the store.
func (m *Main) Close() error {
	var errs []error
	m.closeOnce.Do(func() {
		if m.http != nil {
			ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownGrace)
			if err := m.http.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("http shutdown: %w", err))
			}
			cancel()
			if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		} else if m.listener != nil {
			_ = m.listener.Close()
		}
		if m.store != nil {
			if err := m.store.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close store: %w", err))
			}
		}
		if m.mongo != nil {
			if err := m.mongo.Disconnect(context.Background()); err != nil {
				errs = append(errs, err)
			}
		}
	})
	return errors.Join(errs...)
}

// derive makes an independent secret for purpose from the master key.
func derive(master []byte, purpose string) []byte {
	h := hmac.New(sha256.New, master)
	h.Write([]byte("citizen-credentials/" + purpose))
	return h.Sum(nil)
}

func hostOf(u string) (string, error) {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	if !ok || rest == "" {
		return "", fmt.Errorf("--public-url %q: want http(s)://host[:port]", u)
	}
	host, _, _ := strings.Cut(rest, "/")
	return host, nil
}
