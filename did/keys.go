package did

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/mr-tron/base58"
	"github.com/multiformats/go-varint"

	"github.com/citizencloud/citizencredentials/fault"
)

// Public keys this package decodes and encodes, as crypto.PublicKey values:
//
//	Ed25519     ed25519.PublicKey
//	P-256/384/521  *ecdsa.PublicKey (crypto/elliptic curves)
//	secp256k1   *secp256k1.PublicKey (github.com/decred/dcrd/dcrec/secp256k1/v4)
//	X25519      *ecdh.PublicKey (key agreement only)
//
// RSA and BLS12-381 keys are not supported.

// Multicodec codes of the public key types (https://github.com/multiformats/multicodec).
const (
	codecEd25519   = 0xed
	codecX25519    = 0xec
	codecSecp256k1 = 0xe7
	codecP256      = 0x1200
	codecP384      = 0x1201
	codecP521      = 0x1202
	codecRSA       = 0x1205
	codecBLSG2     = 0xeb
	codecBLSG1G2   = 0xee
)

// KeyType names the algorithm family of a public key for messages: "Ed25519",
// "P-256", "P-384", "P-521", "secp256k1", "X25519", or "unsupported".
func KeyType(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return "Ed25519"
	case *ecdsa.PublicKey:
		if k != nil && k.Curve != nil {
			return k.Curve.Params().Name
		}
	case *secp256k1.PublicKey:
		return "secp256k1"
	case *ecdh.PublicKey:
		if k != nil && k.Curve() == ecdh.X25519() {
			return "X25519"
		}
	}
	return "unsupported"
}

// EncodeMultikey returns the multibase (base58btc, "z") encoding of the
// multicodec-prefixed public key, as used in did:key identifiers and the
// publicKeyMultibase of Multikey verification methods. EC keys are
// compressed.
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	var code uint64
	var raw []byte
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fault.E(fault.Invalid, "Ed25519 public key has %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		code, raw = codecEd25519, k
	case *ecdsa.PublicKey:
		c, err := compressECDSA(k)
		if err != nil {
			return "", err
		}
		switch k.Curve {
		case elliptic.P256():
			code = codecP256
		case elliptic.P384():
			code = codecP384
		case elliptic.P521():
			code = codecP521
		}
		raw = c
	case *secp256k1.PublicKey:
		if k == nil {
			return "", fault.E(fault.Invalid, "nil secp256k1 public key")
		}
		code, raw = codecSecp256k1, k.SerializeCompressed()
	case *ecdh.PublicKey:
		if k == nil || k.Curve() != ecdh.X25519() {
			return "", fault.E(fault.Invalid, "unsupported ECDH key (only X25519)")
		}
		code, raw = codecX25519, k.Bytes()
	default:
		return "", fault.E(fault.Invalid, "unsupported public key type %T", pub)
	}
	buf := append(varint.ToUvarint(code), raw...)
	return "z" + base58.Encode(buf), nil
}

// DecodeMultikey decodes a multibase base58btc ("z...") multicodec-prefixed
// public key. Only the key forms the did:key method specifies are accepted:
// raw 32-byte Ed25519/X25519 keys, compressed P-256/P-384/P-521/secp256k1
// points. Errors are fault Invalid.
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	if len(s) > MaxLength {
		return nil, fault.E(fault.Invalid, "multibase key is too long")
	}
	enc, ok := cutPrefix(s, "z")
	if !ok {
		return nil, fault.E(fault.Invalid, "multibase key must be base58btc (start with \"z\")")
	}
	buf, err := base58.Decode(enc)
	if err != nil || len(buf) == 0 {
		return nil, fault.E(fault.Invalid, "multibase key is not valid base58btc")
	}
	code, n, err := varint.FromUvarint(buf)
	if err != nil {
		return nil, fault.E(fault.Invalid, "multibase key has a malformed multicodec prefix")
	}
	raw := buf[n:]
	switch code {
	case codecEd25519:
		if len(raw) != ed25519.PublicKeySize {
			return nil, fault.E(fault.Invalid, "Ed25519 key has %d bytes, want 32", len(raw))
		}
		return ed25519.PublicKey(bytes.Clone(raw)), nil
	case codecX25519:
		k, err := ecdh.X25519().NewPublicKey(raw)
		if err != nil {
			return nil, fault.E(fault.Invalid, "X25519 key has %d bytes, want 32", len(raw))
		}
		return k, nil
	case codecP256:
		return decompressECDSA(elliptic.P256(), raw)
	case codecP384:
		return decompressECDSA(elliptic.P384(), raw)
	case codecP521:
		return decompressECDSA(elliptic.P521(), raw)
	case codecSecp256k1:
		if len(raw) != 33 {
			return nil, fault.E(fault.Invalid, "secp256k1 key must be a 33-byte compressed point")
		}
		k, err := secp256k1.ParsePubKey(raw)
		if err != nil {
			return nil, fault.E(fault.Invalid, "secp256k1 key is not a valid point")
		}
		return k, nil
	case codecRSA:
		return nil, fault.E(fault.Invalid, "RSA keys are not supported")
	case codecBLSG2, codecBLSG1G2, 0xea:
		return nil, fault.E(fault.Invalid, "BLS12-381 keys are not supported")
	default:
		return nil, fault.E(fault.Invalid, "unsupported multicodec key type 0x%x", code)
	}
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

func curveSize(c elliptic.Curve) int { return (c.Params().BitSize + 7) / 8 }

func compressECDSA(k *ecdsa.PublicKey) ([]byte, error) {
	if k == nil || k.Curve == nil {
		return nil, fault.E(fault.Invalid, "nil ECDSA public key")
	}
	switch k.Curve {
	case elliptic.P256(), elliptic.P384(), elliptic.P521():
	default:
		return nil, fault.E(fault.Invalid, "unsupported curve %s", k.Curve.Params().Name)
	}
	u, err := k.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "invalid ECDSA public key")
	}
	size := curveSize(k.Curve)
	out := make([]byte, 1+size)
	out[0] = 0x02 | u[len(u)-1]&1
	copy(out[1:], u[1:1+size])
	return out, nil
}

func decompressECDSA(c elliptic.Curve, raw []byte) (*ecdsa.PublicKey, error) {
	name := c.Params().Name
	size := curveSize(c)
	if len(raw) != 1+size || (raw[0] != 0x02 && raw[0] != 0x03) {
		return nil, fault.E(fault.Invalid, "%s key must be a %d-byte compressed point", name, 1+size)
	}
	x, y := elliptic.UnmarshalCompressed(c, raw)
	if x == nil {
		return nil, fault.E(fault.Invalid, "%s key is not a valid point", name)
	}
	u := make([]byte, 1+2*size)
	u[0] = 4
	x.FillBytes(u[1 : 1+size])
	y.FillBytes(u[1+size:])
	k, err := ecdsa.ParseUncompressedPublicKey(c, u)
	if err != nil {
		return nil, fault.E(fault.Invalid, "%s key is not a valid point", name)
	}
	return k, nil
}

// jwkFields is the public part of a JWK as this package reads it.
type jwkFields struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	Use string `json:"use"`
}

// privateJWKMembers are JWK members that carry private key material.
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"}

func readJWK(b []byte) (jwkFields, map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil || members == nil {
		return jwkFields{}, nil, fault.E(fault.Invalid, "JWK is not a JSON object")
	}
	for _, m := range privateJWKMembers {
		if _, ok := members[m]; ok {
			return jwkFields{}, nil, fault.E(fault.Invalid, "JWK contains private key material (%q); only public keys are accepted", m)
		}
	}
	var f jwkFields
	if err := json.Unmarshal(b, &f); err != nil {
		return jwkFields{}, nil, fault.E(fault.Invalid, "JWK members kty, crv, x, y and use must be strings")
	}
	if f.Kty == "" {
		return jwkFields{}, nil, fault.E(fault.Invalid, "JWK has no kty")
	}
	return f, members, nil
}

// ParseJWK decodes a public JSON Web Key (RFC 7517). Supported: OKP Ed25519
// and X25519, EC P-256, P-384, P-521 and secp256k1. A JWK holding private
// key material is refused. Errors are fault Invalid.
func ParseJWK(b []byte) (crypto.PublicKey, error) {
	f, _, err := readJWK(b)
	if err != nil {
		return nil, err
	}
	return publicFromJWK(f)
}

func b64(s string) ([]byte, error) { return base64.RawURLEncoding.Strict().DecodeString(s) }

func publicFromJWK(f jwkFields) (crypto.PublicKey, error) {
	switch f.Kty {
	case "OKP":
		x, err := b64(f.X)
		if err != nil {
			return nil, fault.E(fault.Invalid, "JWK x is not base64url")
		}
		switch f.Crv {
		case "Ed25519":
			if len(x) != ed25519.PublicKeySize {
				return nil, fault.E(fault.Invalid, "Ed25519 JWK x has %d bytes, want 32", len(x))
			}
			return ed25519.PublicKey(x), nil
		case "X25519":
			k, err := ecdh.X25519().NewPublicKey(x)
			if err != nil {
				return nil, fault.E(fault.Invalid, "X25519 JWK x has %d bytes, want 32", len(x))
			}
			return k, nil
		default:
			return nil, fault.E(fault.Invalid, "unsupported OKP curve %q", truncate(f.Crv))
		}
	case "EC":
		x, errX := b64(f.X)
		y, errY := b64(f.Y)
		if errX != nil || errY != nil {
			return nil, fault.E(fault.Invalid, "JWK x or y is not base64url")
		}
		var c elliptic.Curve
		switch f.Crv {
		case "P-256":
			c = elliptic.P256()
		case "P-384":
			c = elliptic.P384()
		case "P-521":
			c = elliptic.P521()
		case "secp256k1":
			if len(x) != 32 || len(y) != 32 {
				return nil, fault.E(fault.Invalid, "secp256k1 JWK coordinates must have 32 bytes")
			}
			k, err := secp256k1.ParsePubKey(append(append([]byte{4}, x...), y...))
			if err != nil {
				return nil, fault.E(fault.Invalid, "secp256k1 JWK is not a valid point")
			}
			return k, nil
		default:
			return nil, fault.E(fault.Invalid, "unsupported EC curve %q", truncate(f.Crv))
		}
		size := curveSize(c)
		if len(x) != size || len(y) != size {
			return nil, fault.E(fault.Invalid, "%s JWK coordinates must have %d bytes", f.Crv, size)
		}
		k, err := ecdsa.ParseUncompressedPublicKey(c, append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fault.E(fault.Invalid, "%s JWK is not a valid point", f.Crv)
		}
		return k, nil
	case "RSA":
		return nil, fault.E(fault.Invalid, "RSA keys are not supported")
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWK key type %q", truncate(f.Kty))
	}
}

// JWKFromPublic returns the public JWK of pub as compact JSON with members in
// lexicographic order (crv, kty, x, y), which is also the RFC 7638
// thumbprint input for EC and OKP keys.
func JWKFromPublic(pub crypto.PublicKey) ([]byte, error) {
	enc := base64.RawURLEncoding.EncodeToString
	var m map[string]string
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fault.E(fault.Invalid, "Ed25519 public key has %d bytes, want 32", len(k))
		}
		m = map[string]string{"kty": "OKP", "crv": "Ed25519", "x": enc(k)}
	case *ecdh.PublicKey:
		if k == nil || k.Curve() != ecdh.X25519() {
			return nil, fault.E(fault.Invalid, "unsupported ECDH key (only X25519)")
		}
		m = map[string]string{"kty": "OKP", "crv": "X25519", "x": enc(k.Bytes())}
	case *ecdsa.PublicKey:
		if _, err := compressECDSA(k); err != nil {
			return nil, err
		}
		u, err := k.Bytes()
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "invalid ECDSA public key")
		}
		size := curveSize(k.Curve)
		m = map[string]string{"kty": "EC", "crv": k.Curve.Params().Name, "x": enc(u[1 : 1+size]), "y": enc(u[1+size:])}
	case *secp256k1.PublicKey:
		if k == nil {
			return nil, fault.E(fault.Invalid, "nil secp256k1 public key")
		}
		u := k.SerializeUncompressed()
		m = map[string]string{"kty": "EC", "crv": "secp256k1", "x": enc(u[1:33]), "y": enc(u[33:])}
	default:
		return nil, fault.E(fault.Invalid, "unsupported public key type %T", pub)
	}
	return json.Marshal(m) // map keys are sorted
}

// truncate shortens untrusted text before it goes into a message.
func truncate(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// keyFromBase58 decodes a legacy publicKeyBase58 value for the given
// verification method type.
func keyFromBase58(vmType, s string) (crypto.PublicKey, error) {
	raw, err := base58.Decode(s)
	if err != nil || len(raw) == 0 {
		return nil, fault.E(fault.Invalid, "publicKeyBase58 is not valid base58")
	}
	switch vmType {
	case "Ed25519VerificationKey2018", "Ed25519VerificationKey2020":
		if len(raw) != ed25519.PublicKeySize {
			return nil, fault.E(fault.Invalid, "Ed25519 key has %d bytes, want 32", len(raw))
		}
		return ed25519.PublicKey(raw), nil
	case "EcdsaSecp256k1VerificationKey2019":
		k, err := secp256k1.ParsePubKey(raw)
		if err != nil {
			return nil, fault.E(fault.Invalid, "secp256k1 key is not a valid point")
		}
		return k, nil
	case "X25519KeyAgreementKey2019":
		k, err := ecdh.X25519().NewPublicKey(raw)
		if err != nil {
			return nil, fault.E(fault.Invalid, "X25519 key has %d bytes, want 32", len(raw))
		}
		return k, nil
	}
	return nil, fault.E(fault.Invalid, "publicKeyBase58 is not supported for type %q", truncate(vmType))
}
