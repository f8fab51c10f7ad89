// Command vcbench measures the service end to end through its GraphQL API
// and prints a table of rates and p50/p99 latencies, each row set against
// the raw Ed25519 sign or verify rate measured in the same run (the
// "floor": what the hardware allows for the one signature each operation
// must make or check).
//
// By default it starts a real vcserve in-process (embedded SQLite store and
// dev chain in a temporary directory; -mongo-uri for MongoDB, -ferretdb for
// an embedded FerretDB) and can then publish and anchor on demand. With
// -url it measures a running server (needs the operator token,
// -admin-token-file) and waits for the server's own publish and anchor
// intervals instead.
//
//	go run ./cmd/vcbench [-n 300] [-concurrency 8] [-json] [-cpuprofile f | -profile-dir d]
//	go run ./cmd/vcbench -url https://vc.example -admin-token-file token
//	go run ./cmd/vcbench -scale 1000000      # fill the log, measure at 10k, 100k, 1M
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/citizencloud/citizencredentials/app"
)

// config is what the flags say.
type config struct {
	n, conc, issueConc, batches int
	batchSize                   int
	url, tokenFile              string
	mongoURI                    string
	ferret                      bool
	scale                       int
	jsonOut                     bool
	cpuprofile, profileDir      string
	floorFor                    time.Duration
}

func main() {
	var c config
	flag.IntVar(&c.n, "n", 300, "operations per measured row")
	flag.IntVar(&c.conc, "concurrency", 8, "concurrent clients for verification rows")
	flag.IntVar(&c.issueConc, "issue-concurrency", 16, "concurrent clients for issueCredential rows")
	flag.IntVar(&c.batches, "batches", 3, "batches for the issueCredentials row")
	flag.IntVar(&c.batchSize, "batch-size", 1000, "credentials per issueCredentials batch (at most the server's --batch-limit)")
	flag.StringVar(&c.url, "url", "", "measure a running server at this base URL instead of an in-process one")
	flag.StringVar(&c.tokenFile, "admin-token-file", "", "operator token file (required with -url)")
	flag.StringVar(&c.mongoURI, "mongo-uri", "", "in-process server on this MongoDB instead of the embedded SQLite store")
	flag.BoolVar(&c.ferret, "ferretdb", false, "in-process server on an embedded FerretDB (MongoDB wire protocol, SQLite backend) started for the run")
	flag.IntVar(&c.scale, "scale", 0, "fill the log to this many credentials in batches and measure at 10k, 100k, 1M (or as far as N)")
	flag.BoolVar(&c.jsonOut, "json", false, "print the results as JSON instead of a table")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run (in-process server included) to this file")
	flag.StringVar(&c.profileDir, "profile-dir", "", "write a CPU profile of each row (in-process server included) to this directory")
	flag.DurationVar(&c.floorFor, "floor-time", time.Second, "how long each raw Ed25519 floor is measured")
	flag.Parse()
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vcbench:", err)
		os.Exit(1)
	}
}

func run(c config, out io.Writer) error {
	if c.url != "" && (c.mongoURI != "" || c.ferret) {
		return fmt.Errorf("-url measures a running server: its store is its own (drop -mongo-uri/-ferretdb)")
	}
	if c.url != "" && c.tokenFile == "" {
		return fmt.Errorf("-url needs -admin-token-file (the operator token creates the bench bureau)")
	}
	if c.n < 1 || c.conc < 1 || c.issueConc < 1 || c.batches < 1 || c.batchSize < 1 {
		return fmt.Errorf("-n, -concurrency, -issue-concurrency, -batches and -batch-size must be at least 1")
	}
	if c.cpuprofile != "" && c.profileDir != "" {
		return fmt.Errorf("-cpuprofile and -profile-dir: choose one (one CPU profile runs at a time)")
	}
	if c.profileDir != "" {
		if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
			return err
		}
	}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	t, err := open(ctx, c)
	if err != nil {
		return err
	}
	defer t.close()
	b, err := newBench(ctx, t, c)
	if err != nil {
		return err
	}
	rep := report{Store: t.store, Target: t.desc, N: c.n, Concurrency: c.conc, IssueConcurrency: c.issueConc, Started: time.Now().UTC()}
	rep.Floors = measureFloors(c.floorFor)
	rep.CPUScope = b.cpuScope()
	b.progress("raw Ed25519 on %d goroutines: sign %.0f/s, verify %.0f/s", rep.Floors.Goroutines, rep.Floors.Sign, rep.Floors.Verify)
	if c.scale > 0 {
		rep.Scale, err = b.scale(ctx, c.scale)
	} else {
		rep.Rows, err = b.standard(ctx)
	}
	if err != nil {
		return err
	}
	rep.finish()
	if c.jsonOut {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.print(out)
}

// target is the server under test.
type target struct {
	url, token  string
	store, desc string
	m           *app.Main // nil with -url
	dir         string
	ferret      context.CancelFunc
	ferretDone  chan struct{}
}

func open(ctx context.Context, c config) (*target, error) {
	if c.url != "" {
		tok, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("admin token: %w", err)
		}
		u, err := url.Parse(c.url)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("-url %q: want http(s)://host[:port]", c.url)
		}
		return &target{url: strings.TrimRight(c.url, "/"), token: strings.TrimSpace(string(tok)), store: "server's own", desc: "running server at " + u.Host}, nil
	}
	dir, err := os.MkdirTemp("", "vcbench-")
	if err != nil {
		return nil, err
	}
	t := &target{dir: dir, store: "embedded SQLite", desc: "in-process vcserve, embedded dev chain"}
	mongoURI := c.mongoURI
	if mongoURI != "" {
		t.store = "MongoDB"
	}
	if c.ferret {
		if mongoURI, err = t.startFerret(ctx); err != nil {
			t.close()
			return nil, err
		}
		t.store = "MongoDB wire (embedded FerretDB on SQLite)"
	}
	if err := t.start(ctx, mongoURI); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// start runs the in-process server on t.dir (again, for a restart).
func (t *target) start(ctx context.Context, mongoURI string) error {
	m := app.NewMain()
	m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c := app.DefaultConfig()
	c.Addr, c.DataDir, c.Quiet = "127.0.0.1:0", t.dir, true
	// vcbench publishes and anchors itself, so the rows time them alone.
	c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour
	// All clients come from one address: the per-client rate limits would
	// measure the limiter, not the service.
	c.RateAnonymous, c.RateKey = 0, 0
	c.MongoURI = mongoURI
	if mongoURI != "" {
		c.MongoDatabase = "vcbench"
	}
	if err := m.SetConfig(c); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		return err
	}
	tok, err := os.ReadFile(filepath.Join(t.dir, "admin.token"))
	if err != nil {
		_ = m.Close()
		return err
	}
	t.m, t.url, t.token = m, m.URL(), strings.TrimSpace(string(tok))
	return nil
}

// startFerret starts FerretDB with its SQLite backend in the run's
// directory. It is the test server of mongodb/mongotest, started here
// without the testing package.
func (t *target) startFerret(ctx context.Context) (string, error) {
	fdir := filepath.Join(t.dir, "ferretdb")
	if err := os.MkdirAll(fdir, 0o700); err != nil {
		return "", err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    slog.New(slog.DiscardHandler),
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: fdir + "/"}).String(),
	})
	if err != nil {
		return "", fmt.Errorf("start FerretDB: %w", err)
	}
	fctx, cancel := context.WithCancel(ctx)
	t.ferret, t.ferretDone = cancel, make(chan struct{})
	go func() {
		defer close(t.ferretDone)
		if err := f.Run(fctx); err != nil && fctx.Err() == nil {
			fmt.Fprintln(os.Stderr, "vcbench: FerretDB stopped:", err)
		}
	}()
	return f.MongoDBURI(), nil
}

func (t *target) close() {
	if t.m != nil {
		if err := t.m.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "vcbench: close server:", err)
		}
	}
	if t.ferret != nil {
		t.ferret()
		<-t.ferretDone
	}
	if t.dir != "" {
		os.RemoveAll(t.dir)
	}
}
