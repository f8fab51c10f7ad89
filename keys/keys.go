package keys

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// MasterKeySize is the size of the AES-256 master key in bytes.
const MasterKeySize = 32

// LoadOrCreateMasterKey reads the master key from path (64 hex characters),
// creating it with mode 0600 from crypto/rand if the file does not exist.
// A file that is readable by group or others is refused.
func LoadOrCreateMasterKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, MasterKeySize)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create master key: %w", err)
		}
		if _, err := fmt.Fprintf(f, "%x\n", key); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("master key %s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	var key []byte
	if _, err := fmt.Sscanf(string(b), "%x", &key); err != nil || len(key) != MasterKeySize {
		return nil, fmt.Errorf("master key %s: want %d hex-encoded bytes", path, MasterKeySize)
	}
	return key, nil
}

// Manager generates keys, seals private keys under the master key and opens
// them as signers. It is safe for concurrent use.
type Manager struct {
	store Store
	aead  cipher.AEAD
	now   func() time.Time
}

// NewManager returns a Manager that seals keys with masterKey (32 bytes).
func NewManager(store Store, masterKey []byte) (*Manager, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("master key: want %d bytes, got %d", MasterKeySize, len(masterKey))
	}
	block, err := aes.NewCipher(masterKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Manager{store: store, aead: aead, now: func() time.Time { return time.Now().UTC() }}, nil
}

// Generate creates a key pair for owner under id, stores it sealed and
// returns the record. Errors: fault.ErrConflict if id is taken.
func (m *Manager) Generate(ctx context.Context, id, owner string, alg Algorithm) (*Record, error) {
	var (
		priv []byte
		pub  crypto.PublicKey
	)
	switch alg {
	case Ed25519:
		p, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		priv, pub = k.Seed(), p
	case P256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, err
		}
		priv, pub = der, &k.PublicKey
	default:
		return nil, fault.E(fault.Invalid, "unsupported key algorithm %q", alg)
	}
	jwk, err := PublicJWK(pub)
	if err != nil {
		return nil, err
	}
	rec := &Record{
		ID:        id,
		Owner:     owner,
		Algorithm: alg,
		PublicJWK: jwk,
		Sealed:    m.seal(id, priv),
		CreatedAt: m.now().Truncate(time.Millisecond),
	}
	clear(priv)
	if err := m.store.PutKey(ctx, rec); err != nil {
		return nil, fmt.Errorf("store key: %w", err)
	}
	return rec, nil
}

// Signer opens the key with id. Errors: fault.ErrNotFound.
func (m *Manager) Signer(ctx context.Context, id string) (*Signer, error) {
	rec, err := m.store.Key(ctx, id)
	if err != nil {
		return nil, err
	}
	return m.Open(rec)
}

// Open unseals rec into a signer.
func (m *Manager) Open(rec *Record) (*Signer, error) {
	priv, err := m.open(rec.ID, rec.Sealed)
	if err != nil {
		return nil, err
	}
	defer clear(priv)
	var s crypto.Signer
	switch rec.Algorithm {
	case Ed25519:
		if len(priv) != ed25519.SeedSize {
			return nil, fmt.Errorf("key %s: bad sealed seed length", rec.ID)
		}
		s = ed25519.NewKeyFromSeed(priv)
	case P256:
		k, err := x509.ParsePKCS8PrivateKey(priv)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", rec.ID, err)
		}
		ek, ok := k.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("key %s: not an ECDSA key", rec.ID)
		}
		s = ek
	default:
		return nil, fmt.Errorf("key %s: unsupported algorithm %q", rec.ID, rec.Algorithm)
	}
	return &Signer{Signer: s, id: rec.ID, alg: rec.Algorithm}, nil
}

// Retire marks the key as rotated out. Errors: fault.ErrNotFound.
func (m *Manager) Retire(ctx context.Context, id string) error {
	return m.store.RetireKey(ctx, id, m.now().Truncate(time.Millisecond))
}

func (m *Manager) seal(id string, plaintext []byte) []byte {
	nonce := make([]byte, m.aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return m.aead.Seal(nonce, nonce, plaintext, []byte(id))
}

func (m *Manager) open(id string, sealed []byte) ([]byte, error) {
	n := m.aead.NonceSize()
	if len(sealed) < n {
		return nil, fmt.Errorf("key %s: sealed key too short", id)
	}
	p, err := m.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return nil, fmt.Errorf("key %s: cannot unseal (wrong master key?)", id)
	}
	return p, nil
}

// Signer is an opened key: a crypto.Signer that knows its verification
// method id and algorithm.
type Signer struct {
	crypto.Signer
	id  string
	alg Algorithm
}

// KeyID returns the verification method id (a DID URL).
func (s *Signer) KeyID() string { return s.id }

// Algorithm returns the key algorithm.
func (s *Signer) Algorithm() Algorithm { return s.alg }

// PublicJWK encodes an Ed25519 or P-256 public key as a JWK (JSON).
func PublicJWK(pub crypto.PublicKey) ([]byte, error) { return did.JWKFromPublic(pub) }
