package keys_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/keys"
	"github.com/citizencloud/citizencredentials/sqlite"
)

func newManager(t *testing.T, master []byte) (*keys.Manager, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := keys.NewManager(st, master)
	if err != nil {
		t.Fatal(err)
	}
	return m, st
}

func TestGenerateSignVerify(t *testing.T) {
	ctx := context.Background()
	master := make([]byte, keys.MasterKeySize)
	rand.Read(master)
	m, st := newManager(t, master)
	for _, alg := range []keys.Algorithm{keys.Ed25519, keys.P256} {
		t.Run(string(alg), func(t *testing.T) {
			id := "did:web:example.com#" + string(alg)
			rec, err := m.Generate(ctx, id, "bureau-1", alg)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(rec.Sealed), "d\":") {
				t.Fatal("sealed key looks like plain JSON")
			}
			s, err := m.Signer(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if s.KeyID() != id || s.Algorithm() != alg {
				t.Fatalf("signer %s %s", s.KeyID(), s.Algorithm())
			}
			pub, err := did.ParseJWK(rec.PublicJWK)
			if err != nil {
				t.Fatal(err)
			}
			msg := []byte("hello")
			var opts crypto.SignerOpts = crypto.Hash(0)
			digest := msg
			if alg == keys.P256 {
				h := sha256.Sum256(msg)
				digest, opts = h[:], crypto.SHA256
			}
			sig, err := s.Sign(rand.Reader, digest, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !verify(pub, digest, sig) {
				t.Fatal("signature does not verify with the stored public key")
			}
			if _, err := m.Generate(ctx, id, "bureau-1", alg); !errors.Is(err, fault.ErrConflict) {
				t.Fatalf("duplicate id: %v", err)
			}
		})
	}

	t.Run("fail/wrong-master-key", func(t *testing.T) {
		other := make([]byte, keys.MasterKeySize)
		rand.Read(other)
		m2, err := keys.NewManager(st, other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m2.Signer(ctx, "did:web:example.com#Ed25519"); err == nil || !strings.Contains(err.Error(), "unseal") {
			t.Fatalf("opened with the wrong master key: %v", err)
		}
	})

	t.Run("fail/sealed-key-moved-to-other-id", func(t *testing.T) {
		rec, err := st.Key(ctx, "did:web:example.com#Ed25519")
		if err != nil {
			t.Fatal(err)
		}
		rec.ID = "did:web:evil.example#key-1"
		if _, err := m.Open(rec); err == nil {
			t.Fatal("a sealed key opened under another id (associated data not bound)")
		}
	})

	t.Run("retire", func(t *testing.T) {
		if err := m.Retire(ctx, "did:web:example.com#P-256"); err != nil {
			t.Fatal(err)
		}
		rec, _ := st.Key(ctx, "did:web:example.com#P-256")
		if rec.RetiredAt == nil {
			t.Fatal("not retired")
		}
	})
}

func TestMasterKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "master.key")
	k1, err := keys.LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := keys.LoadOrCreateMasterKey(path)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("reload: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := keys.LoadOrCreateMasterKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key accepted: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("abcd\n"), 0o600)
	if _, err := keys.LoadOrCreateMasterKey(bad); err == nil {
		t.Fatal("short key accepted")
	}
}
