package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

const (
	// devNodeName fixes the node's instance directory (<dir>/<devNodeName>).
	// geth defaults it to the executable name, which would give every test
	// binary its own empty chain.
	devNodeName = "citizencredentials"
	// DevFaucetKeyFile and DevGasLimitFile hold what the dev genesis is
	// derived from; both are written once, 0600, at the first start.
	DevFaucetKeyFile = "faucet.key"
	DevGasLimitFile  = "gaslimit"
	// DefaultDevGasLimit is the block gas limit of a new dev chain.
	DefaultDevGasLimit = 30_000_000
	// devCacheMB keeps geth's database and trie caches (and the WAL it
	// preallocates for them) small: the dev chain holds little state.
	devCacheMB = 16
)

// DevChainID is the chain id (and network id) of the embedded dev chain.
var DevChainID = new(big.Int).Set(params.AllDevChainProtocolChanges.ChainID)

// Dev is an embedded, persistent geth dev chain: a full node with no network,
// proof-of-stake from genesis, driven by a simulated beacon that seals a block
// as soon as a transaction is pending (period 0). Its faucet account, funded
// in the genesis, is the node's member key: it deploys the registry and is
// its founding member.
//
// A block's timestamp is the wall clock, but at least its parent's plus one
// second: while more than one block a second is mined, block times run ahead
// of the clock, and catch up when the chain idles.
type Dev struct {
	dir    string
	stack  *node.Node
	client *ethclient.Client
	key    *ecdsa.PrivateKey

	backend  *eth.Ethereum
	syncSub  event.Subscription // chain head events that trigger syncHeads
	syncDone chan struct{}      // closed when syncHeads returns
	synced   atomic.Uint64      // the highest head known durable

	closeOnce sync.Once
	closeErr  error
}

type devConfig struct {
	gasLimit uint64
}

// DevOption configures OpenDev.
type DevOption func(*devConfig)

// WithGasLimit sets the block gas limit of a new dev chain. It is ignored
// when dir already holds a chain: the genesis, and so the gas limit, is fixed
// at the first start.
func WithGasLimit(gasLimit uint64) DevOption {
	return func(c *devConfig) { c.gasLimit = gasLimit }
}

// OpenDev opens the dev chain in dir, creating it (and a faucet key) at the
// first start. The chain persists across Close and OpenDev. A directory can
// be open only once at a time; OpenDev fails if another Dev holds it.
func OpenDev(ctx context.Context, dir string, opts ...DevOption) (*Dev, error) {
	cfg := devConfig{gasLimit: DefaultDevGasLimit}
	for _, o := range opts {
		o(&cfg)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	key, gasLimit, err := devGenesisInputs(dir, cfg.gasLimit)
	if err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	faucet := crypto.PubkeyToAddress(key.PublicKey)

	stack, err := node.New(&node.Config{
		Name:    devNodeName,
		DataDir: dir,
		P2P: p2p.Config{
			MaxPeers:    0,
			NoDial:      true,
			NoDiscovery: true,
			ListenAddr:  "",
		},
		// No HTTP, WS or IPC endpoint: the chain is reached in process only.
	})
	if err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}

	ethCfg := ethconfig.Defaults
	ethCfg.SyncMode = ethconfig.FullSync // snap sync stops mining after one tx
	ethCfg.NetworkId = DevChainID.Uint64()
	ethCfg.Genesis = devGenesis(gasLimit, faucet)
	ethCfg.StateScheme = "hash" // with NoPruning: survives kill -9 losing only the last blocks
	ethCfg.NoPruning = true
	// No log search index: its indexer makes Close wait (about 15 s after a few
	// transactions under the race detector); eth_getLogs still works unindexed,
	// which is fine for the service (it reads contract state, not logs).
	ethCfg.LogNoHistory = true
	ethCfg.DatabaseCache = devCacheMB
	ethCfg.TrieCleanCache = devCacheMB
	ethCfg.TrieDirtyCache = devCacheMB
	ethCfg.SnapshotCache = devCacheMB
	ethCfg.Miner.GasCeil = gasLimit
	ethCfg.Miner.PendingFeeRecipient = faucet

	backend, err := eth.New(stack, &ethCfg)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{
		LogCacheSize:  ethCfg.FilterLogCacheSize,
		LogQueryLimit: ethCfg.LogQueryLimit,
	})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})

	beacon, err := catalyst.NewSimulatedBeacon(0, faucet, backend)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: simulated beacon: %w", err)
	}
	// The dev API's loop is what seals a block when a transaction arrives;
	// without it a period-0 chain never mines.
	catalyst.RegisterSimulatedBeaconAPIs(stack, beacon)
	stack.RegisterLifecycle(beacon)

	if err := stack.Start(); err != nil {
		stack.Close()
		return nil, fmt.Errorf("dev chain: start: %w", err)
	}
	heads := make(chan core.ChainHeadEvent, 64)
	d := &Dev{
		dir:      dir,
		stack:    stack,
		client:   ethclient.NewClient(stack.Attach()),
		key:      key,
		backend:  backend,
		syncSub:  backend.BlockChain().SubscribeChainHeadEvent(heads),
		syncDone: make(chan struct{}),
	}
	go d.syncHeads(heads)
	if err := ctx.Err(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// syncHeads flushes the chain database's write-ahead log to disk after
// every new head. geth writes with pebble.NoSync and expects to repair an
// unclean shutdown by losing the last blocks: measured on this chain, a
// kill -9 lost 1 to 3 of the last anchors whose receipts had been seen
// (TestDevChainKill9). One fsync per block (a few ms, and blocks are only
// mined on demand) makes a block durable as soon as it is the head, which is
// about when its receipt becomes visible. The anchoring worker's re-check
// covers the remaining window and any external node.
func (d *Dev) syncHeads(heads <-chan core.ChainHeadEvent) {
	defer close(d.syncDone)
	for {
		select {
		case <-heads:
			// Coalesce a burst of heads into one sync.
			for len(heads) > 0 {
				<-heads
			}
			if err := d.Sync(); err != nil {
				slog.Warn("dev chain: sync after a new block failed; a kill -9 may lose it", "err", err)
			}
		case <-d.syncSub.Err():
			return
		}
	}
}

// Sync makes every block up to the current head durable (an fsync of the
// database's write-ahead log, skipped when nothing was mined since the last
// one). The registry calls it before it returns a receipt or an anchor
// (chain.WithDurable), which closes the window between a block becoming
// visible and syncHeads flushing it: with it, no kill -9 lost an anchor
// that a reader had seen.
func (d *Dev) Sync() error {
	head := d.backend.BlockChain().CurrentBlock().Number.Uint64()
	if head <= d.synced.Load() {
		return nil
	}
	if err := d.backend.ChainDb().SyncKeyValue(); err != nil {
		return fmt.Errorf("dev chain: sync: %w", err)
	}
	for {
		old := d.synced.Load()
		if head <= old || d.synced.CompareAndSwap(old, head) {
			return nil
		}
	}
}

// Client returns an in-process JSON-RPC client of the chain. It stops working
// when the Dev is closed.
func (d *Dev) Client() *ethclient.Client { return d.client }

// Key returns the faucet key: funded in the genesis, it deploys the registry
// and so is its founding member.
func (d *Dev) Key() *ecdsa.PrivateKey { return d.key }

// Dir returns the data directory.
func (d *Dev) Dir() string { return d.dir }

// Close stops the node and flushes the chain to disk. It is safe to call more
// than once. Transactions still pending are mined first (for up to
// quiesceWait), so nothing sent just before Close is dropped.
func (d *Dev) Close() error {
	d.closeOnce.Do(func() {
		d.quiesce()
		d.syncSub.Unsubscribe()
		<-d.syncDone
		d.client.Close()
		d.closeErr = d.stack.Close()
	})
	return d.closeErr
}

// Bounds of quiesce.
const (
	quiesceWait   = 5 * time.Second
	quiesceSettle = 25 * time.Millisecond
)

// quiesce waits until the pool holds no executable transaction, and then a
// moment more. geth's simulated beacon seals a block on a goroutine of its
// own as soon as a transaction arrives, and node.Close does not wait for a
// seal in progress: sealing against a stopped chain dereferences a nil head
// (simulated_beacon.go:187) or races on the state database (go-ethereum
// v1.17.10, seen in CI). A transaction leaves the pending set only once the
// block that holds it is the head, so once none is pending the last seal
// has inserted its block; quiesceSettle lets it return.
func (d *Dev) quiesce() {
	deadline := time.Now().Add(quiesceWait)
	for {
		pending, _ := d.backend.TxPool().Stats()
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			slog.Warn("dev chain: closing with transactions still pending", "pending", pending)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(quiesceSettle)
}

// devGenesisInputs loads the faucet key and gas limit of the chain in dir,
// or creates them.
func devGenesisInputs(dir string, gasLimit uint64) (*ecdsa.PrivateKey, uint64, error) {
	keyPath := filepath.Join(dir, DevFaucetKeyFile)
	key, err := LoadKey(keyPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if key, err = crypto.GenerateKey(); err != nil {
			return nil, 0, err
		}
		if err := SaveKey(keyPath, key); err != nil {
			return nil, 0, err
		}
	case err != nil:
		return nil, 0, err
	}

	limitPath := filepath.Join(dir, DevGasLimitFile)
	b, err := os.ReadFile(limitPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := writeFileAtomic(limitPath, []byte(strconv.FormatUint(gasLimit, 10)+"\n"), 0o600); err != nil {
			return nil, 0, err
		}
	case err != nil:
		return nil, 0, err
	default:
		if gasLimit, err = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", limitPath, err)
		}
	}
	return key, gasLimit, nil
}

// devGenesis is geth's developer genesis (the one of geth --dev) without the
// experimental Bogota fork, which AllDevChainProtocolChanges of
// go-ethereum v1.17 switches on at genesis: it brings Amsterdam's
// EIP-8037 state-gas metering, under which a new storage slot costs about
// five times what it costs on mainnet (Osaka) or on a Besu/QBFT network, so
// gas figures measured on the dev chain would mislead; and a fork still in
// flux may be redefined by the next geth release, which would make an
// existing chain directory incompatible. The dev chain runs Osaka.
func devGenesis(gasLimit uint64, faucet common.Address) *core.Genesis {
	g := core.DeveloperGenesisBlock(gasLimit, &faucet)
	cfg := *g.Config
	cfg.AmsterdamTime = nil
	cfg.BogotaTime = nil
	g.Config = &cfg
	return g
}
