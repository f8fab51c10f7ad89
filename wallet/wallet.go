// Package wallet is the citizen's side of the service: a holder key
// (Ed25519 did:key) sealed in a wallet file, DID login and fetching the
// credentials issued to it, choosing credentials for a verifier's
// presentation request with the verifier's own Presentation Exchange engine
// (exchange.Definition), selecting SD-JWT disclosures, and building and
// signing the presentation. cmd/vcctl wires it to flags and output.
package wallet

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/did"
)

// The wallet is one JSON file, mode 0600: the holder's DID, its Ed25519
// private key sealed under a passphrase (argon2id → AES-256-GCM, the DID as
// additional data), the current holder session, and the credentials fetched
// from the service. The passphrase is needed only to sign (login, present);
// the session token is kept in clear because it is short lived and the file
// is readable only by its owner.

// Version is the wallet file format version.
const Version = 1

// File is the file format.
type File struct {
	Version     int          `json:"version"`
	DID         string       `json:"did"`
	KeyID       string       `json:"keyId"` // verification method that signs: did:key:z...#z...
	Key         SealedKey    `json:"key"`
	CreatedAt   time.Time    `json:"createdAt"`
	Session     *Session     `json:"session,omitempty"`
	Credentials []Credential `json:"credentials"`
}

// SealedKey is the private key encrypted under the passphrase.
type SealedKey struct {
	Type       string `json:"type"` // Ed25519; the plaintext is its 32-byte seed
	KDF        string `json:"kdf"`  // argon2id
	Time       uint32 `json:"time"`
	MemoryKiB  uint32 `json:"memoryKiB"`
	Threads    uint8  `json:"threads"`
	Salt       []byte `json:"salt"`
	Cipher     string `json:"cipher"` // AES-256-GCM
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

// Session is a holder session from `wallet login`.
type Session struct {
	URL       string    `json:"url"` // the service it is valid for
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Credential is one credential as myCredentials returned it, with the
// time it was last fetched (its state is as of then).
type Credential struct {
	ID          string     `json:"id"`
	Type        string     `json:"type"`
	IssuerDID   string     `json:"issuerDid"`
	SubjectDID  string     `json:"subjectDid"`
	Format      string     `json:"format"`
	Credential  string     `json:"credential"`
	Hash        string     `json:"hash"`
	State       string     `json:"state"`
	StateReason *string    `json:"stateReason,omitempty"`
	ValidFrom   time.Time  `json:"validFrom"`
	ValidUntil  *time.Time `json:"validUntil,omitempty"`
	IssuedAt    time.Time  `json:"issuedAt"`
	FetchedAt   time.Time  `json:"fetchedAt"`
	Source      string     `json:"source,omitempty"` // the service it was fetched from
}

// FromAPI is a credential as the service's myCredentials returned it,
// fetched from source at now.
func FromAPI(c *client.CredentialFields, source string, now time.Time) Credential {
	return Credential{
		ID: c.Id, Type: c.Type, IssuerDID: c.IssuerDid, SubjectDID: c.SubjectDid, Format: string(c.Format),
		Credential: c.Credential, Hash: c.Hash, State: string(c.State), StateReason: c.StateReason,
		ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, IssuedAt: c.IssuedAt, FetchedAt: now, Source: source,
	}
}

// Key derivation parameters for new wallets (RFC 9106, second recommended
// option); a wallet keeps the parameters it was sealed with.
const (
	kdfTime          = 3
	kdfMemoryKiB     = 64 * 1024
	kdfThreads       = 4
	MinPassphraseLen = 8
)

func aad(holderDID string) []byte { return []byte("vcctl wallet v1\x00" + holderDID) }

// sealKey encrypts the seed of key under passphrase.
func sealKey(key ed25519.PrivateKey, holderDID string, passphrase []byte) (SealedKey, error) {
	s := SealedKey{Type: "Ed25519", KDF: "argon2id", Time: kdfTime, MemoryKiB: kdfMemoryKiB, Threads: kdfThreads, Cipher: "AES-256-GCM"}
	s.Salt = make([]byte, 16)
	if _, err := rand.Read(s.Salt); err != nil {
		return s, err
	}
	aead, err := s.aead(passphrase)
	if err != nil {
		return s, err
	}
	s.Nonce = make([]byte, aead.NonceSize())
	if _, err := rand.Read(s.Nonce); err != nil {
		return s, err
	}
	s.Ciphertext = aead.Seal(nil, s.Nonce, key.Seed(), aad(holderDID))
	return s, nil
}

func (s *SealedKey) aead(passphrase []byte) (cipher.AEAD, error) {
	if s.KDF != "argon2id" || s.Cipher != "AES-256-GCM" {
		return nil, fmt.Errorf("the key is sealed with %s/%s, which this wallet does not know", s.KDF, s.Cipher)
	}
	if s.Time < 1 || s.Time > 64 || s.MemoryKiB < 8*1024 || s.MemoryKiB > 4<<20 || s.Threads < 1 || len(s.Salt) < 16 {
		return nil, errors.New("the key's derivation parameters are out of range")
	}
	kek := argon2.IDKey(passphrase, s.Salt, s.Time, s.MemoryKiB, s.Threads, 32)
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ErrPassphrase means the passphrase does not open the key. It never
// carries the passphrase.
var ErrPassphrase = errors.New("wrong passphrase (or the wallet's key was altered)")

// Unlock decrypts the wallet's key and checks that it is the DID's key.
func (w *File) Unlock(passphrase []byte) (*Key, error) {
	if w.Key.Type != "Ed25519" {
		return nil, fmt.Errorf("the wallet holds a %s key, which this wallet cannot use", w.Key.Type)
	}
	aead, err := w.Key.aead(passphrase)
	if err != nil {
		return nil, err
	}
	if len(w.Key.Nonce) != aead.NonceSize() {
		return nil, errors.New("the wallet's key is damaged (bad nonce)")
	}
	seed, err := aead.Open(nil, w.Key.Nonce, w.Key.Ciphertext, aad(w.DID))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, ErrPassphrase
	}
	key := ed25519.NewKeyFromSeed(seed)
	clear(seed)
	got, err := did.NewKeyDID(key.Public())
	if err != nil || got != w.DID || KeyIDOf(got) != w.KeyID {
		return nil, errors.New("the wallet's key does not belong to its DID; the file was altered")
	}
	return &Key{PrivateKey: key, kid: w.KeyID}, nil
}

// Key signs as the wallet's DID: a credentials.Signer.
type Key struct {
	ed25519.PrivateKey
	kid string
}

func (k *Key) KeyID() string { return k.kid }

var _ crypto.Signer = (*Key)(nil)

// KeyIDOf is the verification method of a did:key: the DID, "#", and the
// multibase key that follows "did:key:".
func KeyIDOf(keyDID string) string {
	return keyDID + "#" + strings.TrimPrefix(keyDID, "did:key:")
}

// New creates a holder key and a wallet sealing it under passphrase (not
// yet saved).
func New(passphrase []byte, now time.Time) (*File, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	holderDID, err := did.NewKeyDID(pub)
	if err != nil {
		return nil, err
	}
	sealed, err := sealKey(priv, holderDID, passphrase)
	if err != nil {
		return nil, err
	}
	return &File{Version: Version, DID: holderDID, KeyID: KeyIDOf(holderDID), Key: sealed, CreatedAt: now.UTC(), Credentials: []Credential{}}, nil
}

// Credential finds a credential by id; the "urn:uuid:" prefix may be left
// out.
func (w *File) Credential(id string) *Credential {
	for i := range w.Credentials {
		c := &w.Credentials[i]
		if c.ID == id || strings.TrimPrefix(c.ID, "urn:uuid:") == id {
			return c
		}
	}
	return nil
}

// Merge stores fetched credentials by id and returns how many were new and
// how many changed state.
func (w *File) Merge(fetched []Credential) (added, changed int) {
	byID := make(map[string]int, len(w.Credentials))
	for i, c := range w.Credentials {
		byID[c.ID] = i
	}
	for _, f := range fetched {
		i, ok := byID[f.ID]
		if !ok {
			byID[f.ID] = len(w.Credentials)
			w.Credentials = append(w.Credentials, f)
			added++
			continue
		}
		if w.Credentials[i].State != f.State {
			changed++
		}
		w.Credentials[i] = f
	}
	sort.SliceStable(w.Credentials, func(i, j int) bool {
		a, b := w.Credentials[i], w.Credentials[j]
		if !a.IssuedAt.Equal(b.IssuedAt) {
			return a.IssuedAt.Before(b.IssuedAt)
		}
		return a.ID < b.ID
	})
	return added, changed
}

// Load reads the wallet file at path. Errors: it does not exist (wrapping
// os.ErrNotExist), or is not a wallet.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w File
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s is not a wallet: %v", path, err)
	}
	if w.Version != Version || w.DID == "" {
		return nil, fmt.Errorf("%s is not a wallet (version %d)", path, w.Version)
	}
	if w.Credentials == nil {
		w.Credentials = []Credential{}
	}
	return &w, nil
}

// Save writes w to path atomically, mode 0600: a reader sees the old file
// or the new one, never a part. With create it refuses to replace an
// existing file (the key in it is the only way to use its credentials).
func (w *File) Save(path string, create bool) error {
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if create {
		// A hard link fails if path exists: never overwrite a wallet.
		return os.Link(tmp.Name(), path)
	}
	return os.Rename(tmp.Name(), path)
}
