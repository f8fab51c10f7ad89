package chain

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Conn is a connection to an external EVM node with the key that signs the
// registry's transactions.
type Conn struct {
	client  *ethclient.Client
	key     *ecdsa.PrivateKey
	chainID *big.Int
}

// Dial connects to the JSON-RPC endpoint rpcURL (http(s), ws(s) or an IPC
// path) and checks that the node answers. key signs transactions; it is the
// node's member account in the consortium registry, and must hold funds
// unless the network has free gas. Errors: fault.ErrUnavailable when the node cannot be
// reached.
func Dial(ctx context.Context, rpcURL string, key *ecdsa.PrivateKey) (*Conn, error) {
	if key == nil {
		return nil, fmt.Errorf("dial %s: no key", rpcURL)
	}
	rc, err := rpc.DialContext(ctx, rpcURL)
	if err != nil {
		return nil, mapErr(err, "dial "+rpcURL)
	}
	client := ethclient.NewClient(rc)
	id, err := client.ChainID(ctx)
	if err != nil {
		client.Close()
		return nil, mapErr(err, "dial "+rpcURL)
	}
	return &Conn{client: client, key: key, chainID: id}, nil
}

// Client returns the JSON-RPC client.
func (c *Conn) Client() *ethclient.Client { return c.client }

// Key returns the signing key.
func (c *Conn) Key() *ecdsa.PrivateKey { return c.key }

// ChainID returns the chain id the node reported when dialled.
func (c *Conn) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// Close closes the connection.
func (c *Conn) Close() error {
	c.client.Close()
	return nil
}

// LoadKey reads a secp256k1 private key stored as hex (64 digits, an optional
// 0x prefix and surrounding white space allowed), the format of geth's
// --dev key files and of SaveKey. Errors wrap os.ErrNotExist when the file is
// missing.
func LoadKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	s := strings.TrimSpace(string(b))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	key, err := crypto.HexToECDSA(s)
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	return key, nil
}

// SaveKey writes key as hex to path with mode 0600, atomically.
func SaveKey(path string, key *ecdsa.PrivateKey) error {
	data := hex.EncodeToString(crypto.FromECDSA(key)) + "\n"
	if err := writeFileAtomic(path, []byte(data), 0o600); err != nil {
		return fmt.Errorf("save key: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so readers see the old or the new file, never a
// partial one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
