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
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/consortium"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph"
	"github.com/citizencloud/citizencredentials/internal/ratelimit"
	"github.com/citizencloud/citizencredentials/keys"
	"github.com/citizencloud/citizencredentials/ledger"
	"github.com/citizencloud/citizencredentials/mongodb"
	"github.com/citizencloud/citizencredentials/onboard"
	"github.com/citizencloud/citizencredentials/openid"
	"github.com/citizencloud/citizencredentials/server"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/status"
	"github.com/citizencloud/citizencredentials/store"
)

// Main is the running service. Tests start it on 127.0.0.1:0 with a
// temporary data dir and talk to URL().
type Main struct {
	Config Config
	Logger *slog.Logger

	store     store.Store
	mongo     *mongo.Client
	dev       *chain.Dev
	conn      *chain.Conn
	status    *status.Service
	worker    *anchor.Worker
	audit     *auditHeads
	ledger    *ledger.Ledger
	cancelBG  context.CancelFunc
	bg        sync.WaitGroup
	listener  net.Listener
	http      *http.Server
	served    chan error
	publicURL string
	closeOnce sync.Once

	// membership says whether this node's account is a consortium member.
	membership *membership

	// cancelRequests cancels the context of every request (at the end of
	// the shutdown grace).
	cancelRequests context.CancelFunc
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
	if err := os.Chmod(c.DataDir, 0o700); err != nil { // whatever the umask or its mode was
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
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is in use by another process: stop it or choose another address with --addr (%w)", c.Addr, err)
	}
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

	registry, workerOpts, err := m.openChain(ctx)
	if err != nil {
		return err
	}
	instance, err := m.instanceID()
	if err != nil {
		return err
	}
	issuanceLog := anchor.NewLog(m.store)
	ops := newOpMetrics()
	m.worker = anchor.NewWorker(m.store, registry, issuanceLog, append([]anchor.WorkerOption{anchor.WithObserver(ops),
		anchor.WithInterval(c.AnchorInterval), anchor.WithBatchSize(c.AnchorBatch),
		anchor.WithConfirmations(c.Confirmations), anchor.WithLogger(m.Logger),
		anchor.WithBackoff(c.AnchorInterval, 5*time.Minute), anchor.WithLease("anchor-worker", instance, 3*c.AnchorInterval+30*time.Second)},
		workerOpts...)...)
	m.status = status.NewService(m.store, listSigner{store: m.store, keys: km},
		status.WithBaseURL(m.publicURL), status.WithListSize(c.StatusListSize), status.WithFreshCredentialIDs(), status.WithLogger(m.Logger), status.WithPublishObserver(ops.publishRound),
		status.WithOnPublish(func(ctx context.Context, v *status.Version) error {
			d, err := anchor.ParseDigest(v.Digest)
			if err == nil {
				err = m.worker.Enqueue(ctx, v.ListID, v.Version, d)
			}
			ops.publishedVersion(err)
			return err
		}))
	// Credentials of other consortium members' bureaus are verified
	// against the chain; did:web DIDs resolve locally first, then there.
	remote := consortium.NewVerifier(registry, consortium.NewFetcher(consortium.AllowPrivate(c.ConsortiumAllowPrivate)), consortium.WithVerifierLogger(m.Logger), consortium.WithConfirmations(c.Confirmations))
	m.ledger, err = ledger.New(ledger.Config{
		Credentials: m.store, Keys: m.store, Status: m.status, Lists: m.store, Anchors: m.store, Reads: m.store,
		Log: issuanceLog, Registry: registry, BaseURL: m.publicURL, Logger: m.Logger, Remote: remote, Member: m.memberLabel(ctx, registry),
	})
	if err != nil {
		return err
	}

	bureaus := onboard.NewBureaus(onboard.Config{Bureaus: m.store, Keys: km, KeyStore: m.store, APIKeys: m.store, Catalog: cat, DIDHost: host, Trust: m.ledger})
	resolver := did.NewLocalRouter(remote.After(did.NewWebResolver(bureaus.ResolveWeb)))
	// Data Integrity credentials of other members name their own citizen
	// context; it is fetched from the member's host like its DID documents.
	loader := dataintegrity.NewContextLoader(cat, dataintegrity.WithContextSource(remote.Context))
	verifier := credentials.NewVerifier(resolver, cat, credentials.WithExtensions(m.ledger), credentials.WithObserver(ops), credentials.WithContextLoader(loader))
	issuer := credentials.NewService(m.store, cat,
		credentials.KeySourceFunc(func(ctx context.Context, id string) (credentials.Signer, error) { return km.Signer(ctx, id) }),
		credentials.WithBatchLimit(c.BatchLimit), credentials.WithStatus(m.status), credentials.WithIssuanceLog(issuanceLog), credentials.WithObserver(ops))
	m.audit = newAuditHeads(issuer, m.worker, m.Logger)
	notifier := graph.NewNotifier()
	requests := exchange.NewRequests(m.store, verifier, exchange.WithDefaultDomain(m.publicURL), exchange.OnResult(notifier.Publish))
	sessions, err := auth.NewSessions(derive(master, "holder-session"), c.SessionTTL)
	if err != nil {
		return err
	}
	authn := auth.NewAuthenticator(m.store, adminToken, sessions)
	didAuth := auth.NewDIDAuth(m.store, resolver, sessions, c.ChallengeTTL)

	openID := openid.NewIssuer(m.store, m.store, bureaus, issuer, m.publicURL, derive(master, "openid4vci"))
	openIDVP := openid.NewPresentations(requests, cat, m.publicURL)

	promReg := prometheus.NewRegistry()
	promReg.MustRegister(ops.collectors()...)
	// The process's CPU time, memory and open files, and the Go runtime's
	// heap, GC and goroutines: what sizing needs beside the operations
	// (vcbench -url divides this CPU time by the operations it sent).
	promReg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	promReg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "citizen_anchor_backlog", Help: "Status list versions and log roots waiting to be anchored on chain.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := m.worker.Backlog(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	limits := graph.Limits{MaxBodyBytes: c.MaxBodyBytes, MaxDepth: c.MaxDepth, MaxComplexity: c.MaxComplexity, Introspection: c.Introspection,
		MaxIssue: c.BatchLimit,
		Document: graph.DocumentLimits{MaxTokens: c.MaxTokens, MaxFields: c.MaxFields, MaxAliases: c.MaxAliases, MaxRootFields: c.MaxRootFields},
		Rate:     graph.RateLimits{AnonymousPerSecond: c.RateAnonymous, AnonymousBurst: c.RateAnonymousBurst, KeyPerSecond: c.RateKey, KeyBurst: c.RateKeyBurst}}
	handler := server.New(server.Config{
		Resolver: &graph.Resolver{Onboarding: bureaus, Issuer: issuer, Verifier: verifier, Verifiers: m.store, DIDAuth: didAuth, Ledger: m.ledger,
			Requests: requests, Notifier: notifier, OpenID: openID, OpenIDVP: openIDVP, RequestURI: func(id string) string { return m.publicURL + "/requests/" + id },
			Governance: registry},
		Auth:       authn,
		Limits:     limits,
		Playground: c.Playground,
		Ready: []server.ReadyCheck{
			{Name: "store", Check: m.store.Ping},
			{Name: "chain", Check: func(ctx context.Context) error { _, err := registry.Head(ctx); return err }},
			{Name: "anchor_backlog", Check: m.backlogReady},
		},
		Registry:    promReg,
		Logger:      m.Logger,
		StatusLists: m.store,
		StatusIndex: m.store,
		Log:         m.ledger,
		Audit:       publicAudit{issuer: issuer, store: m.store},
		PublicURL:   m.publicURL,
		OpenID:      openID,
		OpenIDVP:    openIDVP,

		AnonymousRate: ratelimit.Rate{PerSecond: c.RateAnonymous, Burst: c.RateAnonymousBurst},
	})
	reqCtx, cancelRequests := context.WithCancel(context.Background())
	m.cancelRequests = cancelRequests
	m.http = &http.Server{
		Handler:           handler,
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(ln) }()

	bg, cancel := context.WithCancel(context.Background())
	m.cancelBG = cancel
	m.bg.Go(func() { _ = m.status.Run(bg, c.PublishInterval) })
	m.bg.Go(func() { _ = m.worker.Run(bg) })
	m.bg.Go(func() { m.runReconcile(bg, c.AnchorInterval) })
	m.bg.Go(func() { m.audit.run(bg, c.PublishInterval) })
	m.bg.Go(func() { didAuth.RunPurge(bg, c.ChallengePurge, m.Logger) })

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
		chainDesc := "embedded dev chain in " + filepath.Join(c.DataDir, "chain")
		if c.ChainRPC != "" {
			h, err := hostOf(c.ChainRPC)
			if err != nil {
				h = "(configured)"
			}
			if i := strings.LastIndex(h, "@"); i >= 0 {
				h = h[i+1:] // never print credentials embedded in the URL
			}
			chainDesc = "JSON-RPC node at " + h
		}
		fmt.Fprintf(os.Stderr, ", verifier page %s/verify)\nvcserve: store: %s; chain: %s\nvcserve: operator token (%s): %s\n", m.URL(), store, chainDesc, state, c.AdminTokenFile)
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
				// The grace is over: cancel what still runs and drop the
				// connections; a bounded shutdown is the intended outcome.
				m.Logger.Warn("shutdown grace over: cancelling the requests still running", "grace", m.Config.ShutdownGrace.String())
				m.cancelRequests()
				if err := m.http.Close(); err != nil {
					errs = append(errs, fmt.Errorf("http close: %w", err))
				}
			}
			cancel()
			if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		} else if m.listener != nil {
			_ = m.listener.Close()
		}
		if m.cancelBG != nil {
			m.cancelBG()
			m.bg.Wait()
		}
		if m.dev != nil {
			if err := m.dev.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close chain: %w", err))
			}
		}
		if m.conn != nil {
			_ = m.conn.Close()
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

// backlogReady reports not ready when the anchoring backlog is large (the
// chain has been unreachable for a while); issuance still works.
func (m *Main) backlogReady(ctx context.Context) error {
	n, err := m.worker.Backlog(ctx)
	if err != nil {
		return err
	}
	if n > m.Config.MaxBacklog {
		return fault.E(fault.Unavailable, "%d items wait to be anchored (more than %d): is the chain reachable?", n, m.Config.MaxBacklog)
	}
	return nil
}

// Publish builds and signs new versions of every changed status list now
// (normally done every --publish-interval) and queues them, and the audit
// chain heads that moved, for anchoring.
func (m *Main) Publish(ctx context.Context) (int, error) {
	vs, err := m.status.Publish(ctx)
	if err != nil {
		return len(vs), err
	}
	return len(vs), m.audit.enqueue(ctx)
}

// Anchor runs one anchoring round now (normally every --anchor-interval).
func (m *Main) Anchor(ctx context.Context) (anchor.TickResult, error) {
	return m.worker.TickReport(ctx)
}

// Backlog returns the number of items waiting to be anchored.
func (m *Main) Backlog(ctx context.Context) (int, error) { return m.worker.Backlog(ctx) }

// instanceID names this server in leases. It is kept in the data dir, so a
// restarted server takes its own lease back at once instead of waiting for
// it to expire; replicas have their own data dirs and so their own ids.
func (m *Main) instanceID() (string, error) {
	path := filepath.Join(m.Config.DataDir, "instance.id")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	u, err := uuid.NewRandom()
	if err != nil {
		return "", err
	}
	host, _ := os.Hostname()
	id := host + "/" + u.String()
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("instance id: %w", err)
	}
	return id, nil
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
