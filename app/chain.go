package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/keys"
)

// openChain connects to the configured chain: the embedded persistent dev
// chain under <data-dir>/chain, or a JSON-RPC node with --chain-rpc.
func (m *Main) openChain(ctx context.Context) (*chain.Registry, error) {
	c := m.Config
	opts := []chain.Option{chain.WithMaxPollInterval(c.ChainPoll)}
	if c.ChainRPC == "" {
		dev, err := chain.OpenDev(ctx, filepath.Join(c.DataDir, "chain"))
		if err != nil {
			return nil, fmt.Errorf("embedded chain: %w", err)
		}
		m.dev = dev
		opts = append(opts, chain.WithDurable(dev.Sync)) // a block it reported survives kill -9
		reg, err := chain.EnsureRegistry(ctx, dev.Client(), dev.Key(), filepath.Join(c.DataDir, "chain", "registry.address"), opts...)
		if err != nil {
			return nil, fmt.Errorf("registry contract: %w", err)
		}
		return reg, nil
	}
	if c.ChainKeyFile == "" {
		return nil, errors.New("--chain-rpc needs --chain-key (a file with the hex private key of the consortium admin or an allowed anchorer)")
	}
	key, err := chain.LoadKey(c.ChainKeyFile)
	if err != nil {
		return nil, fmt.Errorf("--chain-key: %w", err)
	}
	conn, err := chain.Dial(ctx, c.ChainRPC, key)
	if err != nil {
		return nil, fmt.Errorf("--chain-rpc: %w", err)
	}
	m.conn = conn
	addrFile := c.RegistryAddressFile
	if addrFile == "" {
		addrFile = filepath.Join(c.DataDir, fmt.Sprintf("registry-%s.address", conn.ChainID()))
	}
	reg, err := chain.EnsureRegistry(ctx, conn.Client(), key, addrFile, opts...)
	if err != nil {
		return nil, fmt.Errorf("registry contract: %w", err)
	}
	return reg, nil
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
