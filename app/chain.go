package app

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/citizencloud/citizencredentials/anchor"

	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/keys"
)

// openChain connects to the configured chain: the embedded persistent dev
// chain under <data-dir>/chain, or a JSON-RPC node with --chain-rpc. With
// --registry-address it joins that consortium registry; otherwise it uses
// the registry named in the address file, deploying one with this node as
// founding member at first start (and replacing a registry of the previous
// release). It returns the worker options the registry calls for: a full
// re-check of the anchor outbox after a switch from a previous registry.
func (m *Main) openChain(ctx context.Context) (*chain.Registry, []anchor.WorkerOption, error) {
	c := m.Config
	opts := []chain.Option{chain.WithMaxPollInterval(c.ChainPoll)}
	var (
		client   *ethclient.Client
		key      *ecdsa.PrivateKey
		addrFile = c.RegistryAddressFile
	)
	if c.ChainRPC == "" {
		dev, err := chain.OpenDev(ctx, filepath.Join(c.DataDir, "chain"))
		if err != nil {
			return nil, nil, fmt.Errorf("embedded chain: %w", err)
		}
		m.dev = dev
		opts = append(opts, chain.WithDurable(dev.Sync)) // a block it reported survives kill -9
		client, key = dev.Client(), dev.Key()
		if addrFile == "" {
			addrFile = filepath.Join(c.DataDir, "chain", "registry.address")
		}
	} else {
		if c.ChainKeyFile == "" {
			return nil, nil, errors.New("--chain-rpc needs --chain-key (a file with the hex private key of this node's member account)")
		}
		k, err := chain.LoadKey(c.ChainKeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("--chain-key: %w", err)
		}
		conn, err := chain.Dial(ctx, c.ChainRPC, k)
		if err != nil {
			return nil, nil, fmt.Errorf("--chain-rpc: %w", err)
		}
		m.conn = conn
		client, key = conn.Client(), k
		if addrFile == "" {
			addrFile = filepath.Join(c.DataDir, fmt.Sprintf("registry-%s.address", conn.ChainID()))
		}
	}

	var reg *chain.Registry
	if c.RegistryAddress != "" {
		addr := common.HexToAddress(c.RegistryAddress) // checked by SetConfig
		r, err := chain.Join(ctx, client, key, addr, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("--registry-address %s: %w (give the address of a consortium registry, version %d)", addr, err, chain.Version)
		}
		if err := writeAddress(addrFile, addr); err != nil {
			return nil, nil, err
		}
		reg = r
	} else {
		name := c.MemberName
		if name == "" {
			h, err := hostOf(m.publicURL)
			if err != nil {
				return nil, nil, err
			}
			name = h
		}
		r, setup, err := chain.EnsureRegistry(ctx, client, key, addrFile, chain.Founder{Name: name, BaseURL: m.publicURL}, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("registry contract: %w", err)
		}
		if note := setup.Note(); note != "" {
			m.Logger.Warn("registry: " + note)
			if !c.Quiet {
				fmt.Fprintln(os.Stderr, "vcserve: "+note+".")
			}
		} else if setup.Deployed {
			m.Logger.Info("registry: deployed a consortium registry with this node as founding member", "address", setup.Address, "member", name)
		}
		reg = r
	}

	// After a switch from a previous registry every confirmed anchor is
	// read back from the new one (and sent again) until that has been done
	// once; the marker file records it.
	var workerOpts []anchor.WorkerOption
	prev, done := addrFile+".v1", addrFile+".v1.reanchored"
	if fileExists(prev) && !fileExists(done) {
		workerOpts = append(workerOpts, anchor.WithFullRecheck(func(context.Context) error {
			return os.WriteFile(done, []byte(reg.Address().Hex()+"\n"), 0o644)
		}))
	}
	m.membership = newMembership(reg, m.Logger)
	if m.membership.check(ctx) {
		// Verifiers fetch this node's DID documents, status lists and log
		// proofs under the base URL the registry holds for it.
		if me, ok, err := reg.Member(ctx, reg.From()); err == nil && ok && me.BaseURL != m.publicURL {
			m.Logger.Warn("consortium: the registry holds another base URL for this member than --public-url; other members fetch this node's lists and proofs there",
				"registry_base_url", me.BaseURL, "public_url", m.publicURL, "account", reg.From().Hex())
		}
	}
	return reg, workerOpts, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeAddress records the registry address a node joined in its address
// file, so that a later start without --registry-address stays in it.
func writeAddress(path string, addr common.Address) error {
	if b, err := os.ReadFile(path); err == nil && common.HexToAddress(strings.TrimSpace(string(b))) == addr {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("registry address file: %w", err)
	}
	if err := os.WriteFile(path, []byte(addr.Hex()+"\n"), 0o644); err != nil {
		return fmt.Errorf("registry address file: %w", err)
	}
	return nil
}

// membership tracks whether this node's account is an active member of the
// consortium and logs when that changes (once, not at every check).
type membership struct {
	reg    *chain.Registry
	logger *slog.Logger

	mu    sync.Mutex
	known bool // a check has answered
	was   bool // the last answer
}

func newMembership(reg *chain.Registry, logger *slog.Logger) *membership {
	return &membership{reg: reg, logger: logger}
}

// check asks the chain and reports whether the node is an active member;
// false as well when the chain cannot be reached.
func (ms *membership) check(ctx context.Context) bool {
	ok, err := ms.reg.IsMember(ctx)
	if err != nil {
		return false
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	switch {
	case !ok && (!ms.known || ms.was):
		ms.logger.Error("consortium: this node is not a member, so it cannot anchor or register its bureaus until admitted",
			"account", ms.reg.From().Hex(), "registry", ms.reg.Address().Hex(), "reason", chain.NotMemberMessage(ms.reg.From()))
	case ok && ms.known && !ms.was:
		ms.logger.Info("consortium: this node is now an active member", "account", ms.reg.From().Hex())
	}
	ms.known, ms.was = true, ok
	return ok
}

// runReconcile reconciles the bureaus' trust entries on chain every
// interval while this node is a member; while it is not, it waits (the
// membership logs that once).
func (m *Main) runReconcile(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if m.membership.check(ctx) {
			if n, err := m.ledger.Reconcile(ctx); err != nil && ctx.Err() == nil {
				m.Logger.Warn("trust reconciliation incomplete; retrying", "err", err)
			} else if n > 0 {
				m.Logger.Info("trust entries written on chain", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listSigner signs status list credentials with the bureau's current key.
type listSigner struct {
	store credentials.Store
	keys  *keys.Manager
}

func (s listSigner) IssuerDID(ctx context.Context, bureauID string) (string, error) {
	b, err := s.store.Bureau(ctx, bureauID)
	if err != nil {
		return "", err
	}
	return b.DID, nil
}

func (s listSigner) SignStatusList(ctx context.Context, bureauID string, cred map[string]any) (string, error) {
	b, err := s.store.Bureau(ctx, bureauID)
	if err != nil {
		return "", err
	}
	signer, err := s.keys.Signer(ctx, b.KeyID)
	if err != nil {
		return "", err
	}
	return jose.SignCredential(cred, signer)
}

// memberLabel is how the checks of this node's own credentials name its
// member: the name the registry holds for its account, else (not admitted
// yet, or the chain is down at start) --member-name or the public host.
func (m *Main) memberLabel(ctx context.Context, reg *chain.Registry) string {
	if mem, ok, err := reg.Member(ctx, reg.Self()); err == nil && ok {
		return mem.Label()
	}
	if m.Config.MemberName != "" {
		return m.Config.MemberName
	}
	h, err := hostOf(m.publicURL)
	if err != nil {
		return reg.Self().Hex()
	}
	return h
}
