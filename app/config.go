package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// ErrHelp is returned by ParseFlags after printing the usage for -h.
var ErrHelp = errors.New("help requested")

// Config is everything vcserve reads from flags and the environment.
type Config struct {
	Addr           string        // listen address
	PublicURL      string        // base URL others reach us at; defaults to http://<addr>
	DataDir        string        // embedded store, keys, tokens
	MongoURI       string        // non-empty: use MongoDB instead of SQLite
	MongoDatabase  string        // database name on MongoDB
	AdminTokenFile string        // default <data-dir>/admin.token
	MasterKeyFile  string        // default <data-dir>/master.key
	Playground     bool          // GraphQL playground at /
	Introspection  bool          // allow introspection queries
	MaxBodyBytes   int64         // GraphQL request body limit
	MaxDepth       int           // GraphQL depth limit
	MaxComplexity  int           // GraphQL complexity limit
	BatchLimit     int           // credentials one request may issue (all issueCredential(s) fields together)
	SessionTTL     time.Duration // holder session lifetime
	ChallengeTTL   time.Duration // DID-auth challenge lifetime
	ShutdownGrace  time.Duration // how long in-flight requests may take at shutdown
	Quiet          bool          // no start-up banner (tests)

	// Limits on one GraphQL request, checked before it runs.
	MaxTokens     int // document: lexical tokens (checked before parsing)
	MaxFields     int // operation: fields, each fragment counted every time it is spread
	MaxAliases    int // operation: aliases, likewise
	MaxRootFields int // operation: top-level fields, likewise
	// Rate limits (token buckets): anonymous mutations, verifications and
	// costly public HTTP routes (server/ratelimit.go)
	// per client IP; mutations per API key or holder session. 0 turns one off.
	RateAnonymous      float64
	RateAnonymousBurst int
	RateKey            float64
	RateKeyBurst       int
	ChallengePurge     time.Duration // how often expired DID-auth challenges are deleted

	ChainRPC            string        // empty: embedded dev chain under <data-dir>/chain
	ChainKeyFile        string        // hex private key for --chain-rpc
	RegistryAddressFile string        // where the registry address is kept (default under data-dir)
	RegistryAddress     string        // non-empty: join this consortium registry instead of deploying one
	MemberName          string        // this node's member name in a registry it founds (default: the public URL's host)
	ChainPoll           time.Duration // receipt poll interval cap
	PublishInterval     time.Duration // status list publishing period
	AnchorInterval      time.Duration // anchoring period (one tx per round)
	AnchorBatch         int           // status list versions per anchoring tx
	Confirmations       uint64        // blocks on top before an anchor counts as confirmed
	MaxBacklog          int           // /readyz fails above this anchoring backlog
	StatusListSize      int           // entries per status list
	// ConsortiumAllowPrivate lets remote verification fetch from member
	// hosts on loopback, private and link-local addresses (development).
	ConsortiumAllowPrivate bool
}

// DefaultConfig is what `go run ./cmd/vcserve` uses.
func DefaultConfig() Config {
	return Config{
		Addr: "127.0.0.1:8080", DataDir: "./data", MongoDatabase: "citizen",
		Playground: true, Introspection: true,
		MaxBodyBytes: 4 << 20, MaxDepth: 12, MaxComplexity: 10000, BatchLimit: 1000,
		MaxTokens: 20000, MaxFields: 500, MaxAliases: 200, MaxRootFields: 50,
		RateAnonymous: 50, RateAnonymousBurst: 500, RateKey: 1000, RateKeyBurst: 5000, ChallengePurge: time.Minute,
		SessionTTL: 15 * time.Minute, ChallengeTTL: 5 * time.Minute, ShutdownGrace: 15 * time.Second,
		ChainPoll: 50 * time.Millisecond, PublishInterval: 5 * time.Second, AnchorInterval: 5 * time.Second,
		AnchorBatch: 200, Confirmations: 1, MaxBacklog: 10000, StatusListSize: 131072,
	}
}

// ParseFlags reads flags, with VCSERVE_* environment variables as defaults
// (e.g. VCSERVE_MONGO_URI for --mongo-uri).
func (m *Main) ParseFlags(args []string) error {
	c := DefaultConfig()
	fs := flag.NewFlagSet("vcserve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (host:port)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "base URL clients reach the service at; names the bureaus' did:web DIDs (default http://<addr>)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "data directory: embedded store, master key, admin token")
	fs.StringVar(&c.MongoURI, "mongo-uri", c.MongoURI, "MongoDB connection string; if set, MongoDB replaces the embedded store")
	fs.StringVar(&c.MongoDatabase, "mongo-db", c.MongoDatabase, "MongoDB database name")
	fs.StringVar(&c.AdminTokenFile, "admin-token-file", c.AdminTokenFile, "operator token file, created 0600 if missing (default <data-dir>/admin.token)")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", c.MasterKeyFile, "key-encryption master key file, created 0600 if missing (default <data-dir>/master.key)")
	fs.BoolVar(&c.Playground, "playground", c.Playground, "serve the GraphQL playground at /")
	fs.BoolVar(&c.Introspection, "introspection", c.Introspection, "allow GraphQL introspection")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "maximum GraphQL request body size")
	fs.IntVar(&c.MaxDepth, "max-depth", c.MaxDepth, "maximum GraphQL query depth")
	fs.IntVar(&c.MaxComplexity, "max-complexity", c.MaxComplexity, "maximum GraphQL query complexity")
	fs.IntVar(&c.BatchLimit, "batch-limit", c.BatchLimit, "maximum credentials one request issues (all issueCredential and issueCredentials fields together)")
	fs.IntVar(&c.MaxTokens, "max-tokens", c.MaxTokens, "maximum lexical tokens in a GraphQL document (checked before parsing)")
	fs.IntVar(&c.MaxFields, "max-fields", c.MaxFields, "maximum fields in a GraphQL operation, each fragment counted every time it is spread")
	fs.IntVar(&c.MaxAliases, "max-aliases", c.MaxAliases, "maximum aliases in a GraphQL operation")
	fs.IntVar(&c.MaxRootFields, "max-root-fields", c.MaxRootFields, "maximum top-level fields in a GraphQL operation")
	fs.Float64Var(&c.RateAnonymous, "rate-anonymous", c.RateAnonymous, "anonymous mutations, verifications and costly public HTTP requests (OpenID, /log/proof, ...) per second per client IP (0: no limit)")
	fs.IntVar(&c.RateAnonymousBurst, "rate-anonymous-burst", c.RateAnonymousBurst, "burst allowed above --rate-anonymous")
	fs.Float64Var(&c.RateKey, "rate-key", c.RateKey, "mutations per second per API key or holder session (0: no limit)")
	fs.IntVar(&c.RateKeyBurst, "rate-key-burst", c.RateKeyBurst, "burst allowed above --rate-key")
	fs.DurationVar(&c.ChallengePurge, "challenge-purge", c.ChallengePurge, "how often expired DID-auth challenges are deleted")
	fs.DurationVar(&c.SessionTTL, "session-ttl", c.SessionTTL, "holder session lifetime")
	fs.DurationVar(&c.ChallengeTTL, "challenge-ttl", c.ChallengeTTL, "how long a holder has to answer a DID-auth challenge")
	fs.StringVar(&c.ChainRPC, "chain-rpc", c.ChainRPC, "JSON-RPC URL of an EVM node (geth, Besu/QBFT...); empty: the embedded dev chain under <data-dir>/chain")
	fs.StringVar(&c.ChainKeyFile, "chain-key", c.ChainKeyFile, "file with the hex private key that signs registry transactions (with --chain-rpc)")
	fs.StringVar(&c.RegistryAddressFile, "registry-address-file", c.RegistryAddressFile, "file holding the registry contract address; the contract is deployed and the file written at first start")
	fs.StringVar(&c.RegistryAddress, "registry-address", c.RegistryAddress, "0x address of an existing consortium registry (version 2) to join instead of deploying one; a member must admit this node's account (vcctl consortium propose)")
	fs.StringVar(&c.MemberName, "member-name", c.MemberName, "this node's member name when it founds a consortium registry (default: the host of --public-url)")
	fs.DurationVar(&c.PublishInterval, "publish-interval", c.PublishInterval, "how often changed status lists are published as new versions")
	fs.DurationVar(&c.AnchorInterval, "anchor-interval", c.AnchorInterval, "how often pending anchors are sent (one transaction per round)")
	fs.IntVar(&c.AnchorBatch, "anchor-batch", c.AnchorBatch, "status list versions per anchoring transaction")
	fs.Uint64Var(&c.Confirmations, "confirmations", c.Confirmations, "blocks an anchoring transaction needs before it counts as confirmed")
	fs.IntVar(&c.MaxBacklog, "max-backlog", c.MaxBacklog, "/readyz reports not ready above this many unanchored items")
	fs.IntVar(&c.StatusListSize, "status-list-size", c.StatusListSize, "entries per status list (131072 = 16 KiB, the spec minimum)")
	fs.BoolVar(&c.ConsortiumAllowPrivate, "consortium-allow-private", c.ConsortiumAllowPrivate, "development only: let remote verification fetch from consortium member hosts on loopback, private and link-local addresses")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", c.ShutdownGrace, "time in-flight requests get at shutdown")
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		env := "VCSERVE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		f.Usage += " [$" + env + "]"
		if v, ok := os.LookupEnv(env); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				// The value is not repeated: it may be a connection string.
				envErr = fmt.Errorf("$%s is not a valid value for --%s (%s)", env, f.Name, flagValueKind(f))
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fmt.Println("Usage: vcserve [flags]\n\nRuns the Citizen Credentials service.\n\nFlags:")
			fs.PrintDefaults()
			return ErrHelp
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see vcserve -h)", fs.Arg(0))
	}
	return m.SetConfig(c)
}

// SetConfig validates c, fills defaults that depend on other fields, and
// makes it the configuration Run uses.
func (m *Main) SetConfig(c Config) error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: %v", c.Addr, err)
	}
	if c.DataDir == "" {
		return errors.New("--data-dir must not be empty")
	}
	if c.AdminTokenFile == "" {
		c.AdminTokenFile = filepath.Join(c.DataDir, "admin.token")
	}
	if c.MasterKeyFile == "" {
		c.MasterKeyFile = filepath.Join(c.DataDir, "master.key")
	}
	if c.BatchLimit < 1 || c.MaxDepth < 1 || c.MaxComplexity < 1 || c.MaxBodyBytes < 1024 ||
		c.MaxTokens < 1 || c.MaxFields < 1 || c.MaxAliases < 1 || c.MaxRootFields < 1 || c.ChallengePurge <= 0 {
		return errors.New("limits must be positive (and --max-body-bytes at least 1024)")
	}
	if c.RegistryAddress != "" && !common.IsHexAddress(c.RegistryAddress) {
		return fmt.Errorf("--registry-address %q: want a 0x-prefixed hex address of 20 bytes", c.RegistryAddress)
	}
	if c.RateAnonymous < 0 || c.RateKey < 0 || c.RateAnonymousBurst < 0 || c.RateKeyBurst < 0 {
		return errors.New("--rate-* must not be negative")
	}
	m.Config = c
	return nil
}

// flagValueKind names what a flag expects, for an error that cannot quote the
// value it refused.
func flagValueKind(f *flag.Flag) string {
	switch f.Value.(flag.Getter).Get().(type) {
	case bool:
		return "true or false"
	case time.Duration:
		return "a duration such as 5s or 1m"
	case int, int64, uint64:
		return "an integer"
	case float64:
		return "a number"
	default:
		return "a string"
	}
}
