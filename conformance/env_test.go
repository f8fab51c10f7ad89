package conformance

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/mr-tron/base58"
	"github.com/multiformats/go-varint"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// clock is the verification time of the suite: after every issuance date
// in the corpus, before every expiry that is not meant to have passed.
var clock = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// positive is a signed JSON-LD vector that verified; the recipes of
// 11-negative are applied to it afterwards.
type positive struct {
	id        string // <folder>/<file>
	doc       map[string]any
	proofOnly bool   // the proof verifies, but not VerifyCredential (issuer binding caveat)
	vp        bool   // a presentation (proofPurpose authentication)
	challenge string // the VP's expected challenge and domain
	domain    string
	v1        bool // VCDM 1.1
	resolver  did.Resolver
}

// env holds what every folder runner shares.
type env struct {
	t         *testing.T
	cat       *credentials.Catalogue
	local     did.Resolver
	positives []positive
}

func newEnv(t *testing.T) *env {
	cat, err := credentials.NewCatalogue("https://citizen.example")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, cat: cat, local: did.NewLocalRouter(nil)}
}

// verifier returns a Verifier over r (nil: did:key and did:jwk only) at the
// suite's clock.
func (e *env) verifier(r did.Resolver, opts ...credentials.VerifierOption) *credentials.Verifier {
	if r == nil {
		r = e.local
	}
	return credentials.NewVerifier(r, e.cat, append([]credentials.VerifierOption{credentials.WithClock(func() time.Time { return clock })}, opts...)...)
}

// staticResolver serves fixed documents and falls back to did:key/did:jwk.
type staticResolver struct {
	docs  map[string]*did.Document
	local did.Resolver
}

func (s staticResolver) Resolve(ctx context.Context, id string) (*did.Document, error) {
	if d, ok := s.docs[id]; ok {
		return d, nil
	}
	if s.local == nil {
		return nil, fault.E(fault.NotFound, "%s is not a test DID", id)
	}
	return s.local.Resolve(ctx, id)
}

// docWith builds a DID document whose methods may assert and authenticate.
func docWith(id string, vms ...did.VerificationMethod) *did.Document {
	d := &did.Document{ID: id}
	for _, vm := range vms {
		d.VerificationMethod = append(d.VerificationMethod, vm)
		d.AssertionMethod = append(d.AssertionMethod, vm.ID)
		d.Authentication = append(d.Authentication, vm.ID)
	}
	return d
}

// signer is a credentials.Signer over an in-memory key.
type signer struct {
	crypto.Signer
	kid string
}

func (s signer) KeyID() string { return s.kid }

// path returns the corpus path of a file of folder.
func path(folder, file string) string { return filepath.Join(vectorsDir, folder, file) }

func readFile(folder, file string) ([]byte, error) { return os.ReadFile(path(folder, file)) }

func readJSON(folder, file string) (map[string]any, error) {
	b, err := readFile(folder, file)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// index is a folder's index.json.
type index struct {
	Files []map[string]any `json:"files"`
	raw   map[string]any
}

func readIndex(t *testing.T, folder string) index {
	b, err := readFile(folder, "index.json")
	if err != nil {
		t.Fatalf("%s: %v", folder, err)
	}
	var ix index
	if err := json.Unmarshal(b, &ix); err != nil {
		t.Fatalf("%s/index.json: %v", folder, err)
	}
	_ = json.Unmarshal(b, &ix.raw)
	return ix
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// privateFromMultibase decodes a multibase private key (ed25519-priv
// 0x1300, p256-priv 0x1306, p384-priv 0x1307).
func privateFromMultibase(s string) (crypto.Signer, error) {
	if !strings.HasPrefix(s, "z") {
		return nil, fmt.Errorf("not base58btc: %q", s)
	}
	b, err := base58.Decode(s[1:])
	if err != nil {
		return nil, err
	}
	code, n, err := varint.FromUvarint(b)
	if err != nil {
		return nil, err
	}
	raw := b[n:]
	switch code {
	case 0x1300:
		return ed25519.NewKeyFromSeed(raw), nil
	case 0x1306:
		return ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
	case 0x1307:
		return ecdsa.ParseRawPrivateKey(elliptic.P384(), raw)
	}
	return nil, fmt.Errorf("unsupported private key multicodec 0x%x", code)
}

// privateFromJWK decodes a private JWK (OKP Ed25519, EC P-256/384/521).
func privateFromJWK(m map[string]any) (crypto.Signer, error) {
	d, err := base64.RawURLEncoding.DecodeString(str(m, "d"))
	if err != nil {
		return nil, err
	}
	switch str(m, "crv") {
	case "Ed25519":
		return ed25519.NewKeyFromSeed(d), nil
	case "P-256":
		return ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	case "P-384":
		return ecdsa.ParseRawPrivateKey(elliptic.P384(), d)
	case "P-521":
		return ecdsa.ParseRawPrivateKey(elliptic.P521(), d)
	}
	return nil, fmt.Errorf("unsupported private JWK curve %q", str(m, "crv"))
}

// publicFromJWK decodes a public JWK, RSA included (which did/ refuses).
func publicFromJWK(m map[string]any) (crypto.PublicKey, error) {
	b, _ := json.Marshal(m)
	if str(m, "kty") == "RSA" {
		k, err := jwk.ParseKey(b)
		if err != nil {
			return nil, err
		}
		var pub rsa.PublicKey
		if err := k.Raw(&pub); err != nil {
			return nil, err
		}
		return &pub, nil
	}
	return did.ParseJWK(b)
}

// sameKey compares public keys by their multikey encoding (or modulus for
// RSA).
func sameKey(a, b crypto.PublicKey) bool {
	if ra, ok := a.(*rsa.PublicKey); ok {
		rb, ok := b.(*rsa.PublicKey)
		return ok && ra.N.Cmp(rb.N) == 0 && ra.E == rb.E
	}
	ma, errA := did.EncodeMultikey(a)
	mb, errB := did.EncodeMultikey(b)
	return errA == nil && errB == nil && ma == mb
}

// jsonEqual compares two JSON values structurally.
func jsonEqual(a, b any) bool {
	norm := func(v any) any {
		raw, _ := json.Marshal(v)
		var out any
		_ = json.Unmarshal(raw, &out)
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func copyJSON(m map[string]any) map[string]any {
	raw, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// hexOf reads a hex intermediate file.
func hexOf(folder, file string) (string, error) {
	b, err := readFile(folder, file)
	if err != nil {
		return "", err
	}
	return strings.ToLower(strings.TrimSpace(string(b))), nil
}

func hexs(b []byte) string { return hex.EncodeToString(b) }

// checks renders verification checks for messages.
func checks(res *credentials.Result) string {
	var parts []string
	for _, c := range res.Checks {
		mark := "ok"
		if !c.OK {
			mark = "FAIL"
		}
		parts = append(parts, fmt.Sprintf("%s=%s (%s)", c.Name, mark, c.Message))
	}
	return strings.Join(parts, "; ")
}

// check returns the named check of res.
func check(res *credentials.Result, name string) (credentials.Check, bool) {
	for _, c := range res.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return credentials.Check{}, false
}

// proofsOK verifies every proof of doc and reports the first failure.
func proofsOK(v *credentials.Verifier, doc map[string]any, exp dataintegrity.ProofExpectations) error {
	res, err := v.VerifyProofs(context.Background(), doc, exp)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Err != nil {
			return fmt.Errorf("proof %d (%s by %s): %v", r.Index, r.Suite(), r.VerificationMethod, fault.Message(r.Err))
		}
	}
	return nil
}

// verifyFull requires VerifyCredential to verify raw completely.
func verifyFull(v *credentials.Verifier, raw string) error {
	res := v.VerifyCredential(context.Background(), raw)
	if !res.Verified {
		return fmt.Errorf("not verified: %s", checks(res))
	}
	return nil
}

// verifyProofOnly is for vectors whose proof key is not the issuer's (the
// corpus's issuer binding caveat): every proof must verify, and
// VerifyCredential must refuse the signature for exactly that reason.
func verifyProofOnly(v *credentials.Verifier, doc map[string]any, raw string) error {
	if err := proofsOK(v, doc, dataintegrity.ProofExpectations{}); err != nil {
		return err
	}
	res := v.VerifyCredential(context.Background(), raw)
	sig, _ := check(res, credentials.CheckSignature)
	if sig.OK || !strings.Contains(sig.Message, "no proof is by a key of the issuer") {
		return fmt.Errorf("VerifyCredential should refuse the signature for the issuer binding only: %s", checks(res))
	}
	return nil
}

// secp256k1Verify checks a JOSE ES256K signature (r||s) over a SHA-256 digest.
func secp256k1Key(m map[string]any) (*secp256k1.PublicKey, error) {
	pub, err := publicFromJWK(m)
	if err != nil {
		return nil, err
	}
	k, ok := pub.(*secp256k1.PublicKey)
	if !ok {
		return nil, fmt.Errorf("not a secp256k1 key")
	}
	return k, nil
}
