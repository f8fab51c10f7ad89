package main

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
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
// from the service. The passphrase is needed only to sign (wallet login,
// wallet present); the session token is kept in clear because it is short
// lived and the file is readable only by its owner.

const walletVersion = 1

// walletFile is the file format.
type walletFile struct {
	Version     int                `json:"version"`
	DID         string             `json:"did"`
	KeyID       string             `json:"keyId"` // verification method that signs: did:key:z...#z...
	Key         sealedKey          `json:"key"`
	CreatedAt   time.Time          `json:"createdAt"`
	Session     *walletSession     `json:"session,omitempty"`
	Credentials []walletCredential `json:"credentials"`
}

// sealedKey is the private key encrypted under the passphrase.
type sealedKey struct {
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

// walletSession is a holder session from `wallet login`.
type walletSession struct {
	URL       string    `json:"url"` // the service it is valid for
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// walletCredential is one credential as myCredentials returned it, with the
// time it was last fetched (its state is as of then).
type walletCredential struct {
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

func credentialFromAPI(c *client.CredentialFields, source string, now time.Time) walletCredential {
	return walletCredential{
		ID: c.Id, Type: c.Type, IssuerDID: c.IssuerDid, SubjectDID: c.SubjectDid, Format: string(c.Format),
		Credential: c.Credential, Hash: c.Hash, State: string(c.State), StateReason: c.StateReason,
		ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, IssuedAt: c.IssuedAt, FetchedAt: now, Source: source,
	}
}

// Key derivation parameters for new wallets (RFC 9106, second recommended
// option); a wallet keeps the parameters it was sealed with.
const (
	kdfTime      = 3
	kdfMemoryKiB = 64 * 1024
	kdfThreads   = 4
	minPassLen   = 8
)

func walletAAD(holderDID string) []byte { return []byte("vcctl wallet v1\x00" + holderDID) }

// sealKey encrypts the seed of key under passphrase.
func sealKey(key ed25519.PrivateKey, holderDID string, passphrase []byte) (sealedKey, error) {
	s := sealedKey{Type: "Ed25519", KDF: "argon2id", Time: kdfTime, MemoryKiB: kdfMemoryKiB, Threads: kdfThreads, Cipher: "AES-256-GCM"}
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
	s.Ciphertext = aead.Seal(nil, s.Nonce, key.Seed(), walletAAD(holderDID))
	return s, nil
}

func (s *sealedKey) aead(passphrase []byte) (cipher.AEAD, error) {
	if s.KDF != "argon2id" || s.Cipher != "AES-256-GCM" {
		return nil, fmt.Errorf("the key is sealed with %s/%s, which this vcctl does not know", s.KDF, s.Cipher)
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

// errPassphrase means the passphrase does not open the key. It never
// carries the passphrase.
var errPassphrase = errors.New("wrong passphrase (or the wallet's key was altered)")

// unlock decrypts the wallet's key and checks that it is the DID's key.
func (w *walletFile) unlock(passphrase []byte) (*holderKey, error) {
	if w.Key.Type != "Ed25519" {
		return nil, fmt.Errorf("the wallet holds a %s key, which this vcctl cannot use", w.Key.Type)
	}
	aead, err := w.Key.aead(passphrase)
	if err != nil {
		return nil, err
	}
	if len(w.Key.Nonce) != aead.NonceSize() {
		return nil, errors.New("the wallet's key is damaged (bad nonce)")
	}
	seed, err := aead.Open(nil, w.Key.Nonce, w.Key.Ciphertext, walletAAD(w.DID))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errPassphrase
	}
	key := ed25519.NewKeyFromSeed(seed)
	clear(seed)
	got, err := did.NewKeyDID(key.Public())
	if err != nil || got != w.DID || keyIDOf(got) != w.KeyID {
		return nil, errors.New("the wallet's key does not belong to its DID; the file was altered")
	}
	return &holderKey{PrivateKey: key, kid: w.KeyID}, nil
}

// holderKey signs as the wallet's DID: a credentials.Signer.
type holderKey struct {
	ed25519.PrivateKey
	kid string
}

func (k *holderKey) KeyID() string { return k.kid }

var _ crypto.Signer = (*holderKey)(nil)

// keyIDOf is the verification method of a did:key: the DID, "#", and the
// multibase key that follows "did:key:".
func keyIDOf(keyDID string) string {
	return keyDID + "#" + strings.TrimPrefix(keyDID, "did:key:")
}

// newWallet creates the key and the sealed wallet (not yet saved).
func newWallet(passphrase []byte, now time.Time) (*walletFile, error) {
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
	return &walletFile{Version: walletVersion, DID: holderDID, KeyID: keyIDOf(holderDID), Key: sealed, CreatedAt: now.UTC(), Credentials: []walletCredential{}}, nil
}

// credential finds a credential by id; the "urn:uuid:" prefix may be left
// out.
func (w *walletFile) credential(id string) *walletCredential {
	for i := range w.Credentials {
		c := &w.Credentials[i]
		if c.ID == id || strings.TrimPrefix(c.ID, "urn:uuid:") == id {
			return c
		}
	}
	return nil
}

// merge stores fetched credentials by id and returns how many were new and
// how many changed state.
func (w *walletFile) merge(fetched []walletCredential) (added, changed int) {
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

// ---- flags, paths, passphrase ---------------------------------------------

// walletFlags are the flags every wallet command takes.
type walletFlags struct {
	path, passFile string
}

func (f *walletFlags) define(fs *flag.FlagSet, signs bool) {
	fs.StringVar(&f.path, "wallet", "", "wallet file (default $VCCTL_WALLET, or vcctl/wallet.json in the user's config directory)")
	if signs {
		fs.StringVar(&f.passFile, "passphrase-file", "", "read the wallet passphrase from this file (- for standard input; default $VCCTL_PASSPHRASE)")
	}
}

func defineWallet(fs *flag.FlagSet) any {
	f := &walletFlags{}
	f.define(fs, false)
	return f
}

func defineWalletSigning(fs *flag.FlagSet) any {
	f := &walletFlags{}
	f.define(fs, true)
	return f
}

// walletPath is --wallet, $VCCTL_WALLET, or <config dir>/vcctl/wallet.json.
func (e *env) walletPath(f *walletFlags) (string, error) {
	if f.path != "" {
		return f.path, nil
	}
	if p := e.getenv("VCCTL_WALLET"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no wallet file: pass --wallet FILE or set VCCTL_WALLET (%v)", err)
	}
	return filepath.Join(dir, "vcctl", "wallet.json"), nil
}

// passphrase reads the passphrase from --passphrase-file or
// $VCCTL_PASSPHRASE. There is no interactive prompt: vcctl has no way to
// turn off the terminal's echo, and a passphrase must not be shown.
func (e *env) passphrase(f *walletFlags) ([]byte, error) {
	var p []byte
	switch {
	case f.passFile != "":
		b, err := e.readInput(f.passFile)
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		p = []byte(strings.TrimRight(string(b), "\r\n"))
	case e.getenv("VCCTL_PASSPHRASE") != "":
		p = []byte(e.getenv("VCCTL_PASSPHRASE"))
	default:
		return nil, errors.New("needs the wallet passphrase: set VCCTL_PASSPHRASE or pass --passphrase-file FILE")
	}
	if len(p) == 0 {
		return nil, errors.New("the passphrase is empty")
	}
	return p, nil
}

// hasPassphrase reports whether a passphrase source is configured.
func (e *env) hasPassphrase(f *walletFlags) bool {
	return f.passFile != "" || e.getenv("VCCTL_PASSPHRASE") != ""
}

// loadWallet reads the wallet file.
func (e *env) loadWallet(path string) (*walletFile, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no wallet at %s: create one with 'vcctl wallet init' (or pass --wallet FILE)", path)
	}
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(e.stderr, "vcctl: warning: %s is readable by others (mode %04o); run chmod 600 %s\n", path, st.Mode().Perm(), path)
	}
	var w walletFile
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s is not a vcctl wallet: %v", path, err)
	}
	if w.Version != walletVersion || w.DID == "" {
		return nil, fmt.Errorf("%s is not a vcctl wallet (version %d)", path, w.Version)
	}
	if w.Credentials == nil {
		w.Credentials = []walletCredential{}
	}
	return &w, nil
}

// saveWallet writes w atomically, mode 0600. With create it refuses to
// replace an existing file.
func saveWallet(path string, w *walletFile, create bool) error {
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		return writeNewFile(path, b)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
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
	return os.Rename(tmp.Name(), path)
}
