package dataintegrity

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strconv"
	"strings"

	"github.com/mr-tron/base58"

	"github.com/citizencloud/citizencredentials/canon"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// This file verifies ecdsa-sd-2023 derived proofs (W3C Data Integrity
// ECDSA Cryptosuites v1.0, §3.6 "Verify Derived Proof"): the holder
// reveals some statements of a credential; the issuer's base signature
// covers the mandatory statements and an ephemeral key that signed each
// other statement. Only P-256 issuer keys (SHA-256) are supported. Base
// proofs are refused: only the holder may use them.

// sdDerived is a parsed derived proofValue.
type sdDerived struct {
	baseSignature []byte
	publicKey     []byte // multikey bytes (0x80 0x24 + compressed P-256 point)
	signatures    [][]byte
	labelMap      map[string]string // c14nN → uXXXX
	mandatory     []int
}

func parseSDDerived(pv string) (*sdDerived, error) {
	bad := func(what string) error {
		return proofErr("the ecdsa-sd-2023 derived proofValue is malformed (%s)", what)
	}
	if !strings.HasPrefix(pv, "u") {
		return nil, bad("not multibase base64url")
	}
	b, err := base64.RawURLEncoding.DecodeString(pv[1:])
	if err != nil || len(b) < 3 || b[0] != 0xd9 || b[1] != 0x5d || b[2] != 0x01 {
		return nil, bad("no derived proof header")
	}
	d := cborDecoder{b: b[3:]}
	v, err := d.value(0)
	if err != nil || len(d.b) != 0 {
		return nil, bad("CBOR")
	}
	arr, ok := v.([]any)
	if !ok || len(arr) != 5 {
		return nil, bad("not a 5-element array")
	}
	out := &sdDerived{labelMap: map[string]string{}}
	if out.baseSignature, ok = arr[0].([]byte); !ok || len(out.baseSignature) != 64 {
		return nil, bad("base signature")
	}
	if out.publicKey, ok = arr[1].([]byte); !ok || len(out.publicKey) != 35 || out.publicKey[0] != 0x80 || out.publicKey[1] != 0x24 {
		return nil, bad("ephemeral public key")
	}
	sigs, ok := arr[2].([]any)
	if !ok {
		return nil, bad("signatures")
	}
	for _, s := range sigs {
		sb, ok := s.([]byte)
		if !ok || len(sb) != 64 {
			return nil, bad("signature")
		}
		out.signatures = append(out.signatures, sb)
	}
	lm, ok := arr[3].(map[uint64]any)
	if !ok {
		return nil, bad("label map")
	}
	for k, v := range lm {
		vb, ok := v.([]byte)
		if !ok {
			return nil, bad("label")
		}
		out.labelMap["c14n"+strconv.FormatUint(k, 10)] = "u" + base64.RawURLEncoding.EncodeToString(vb)
	}
	mi, ok := arr[4].([]any)
	if !ok {
		return nil, bad("mandatory indexes")
	}
	for _, x := range mi {
		n, ok := x.(uint64)
		if !ok || n > canon.MaxQuads {
			return nil, bad("mandatory index")
		}
		out.mandatory = append(out.mandatory, int(n))
	}
	return out, nil
}

// verifySDDerived verifies an ecdsa-sd-2023 derived proof over unsecured
// with the issuer key pub.
func verifySDDerived(loader *ContextLoader, unsecured, proof map[string]any, pub *ecdsa.PublicKey, vmID string) error {
	if pub.Curve != elliptic.P256() {
		return proofErr("ecdsa-sd-2023 is supported with P-256 keys only")
	}
	pv, _ := proof["proofValue"].(string)
	d, err := parseSDDerived(pv)
	if err != nil {
		return err
	}
	// proofHash: the canonical proof configuration.
	opts := withoutKeys(proof, "proofValue")
	if c, ok := unsecured["@context"]; ok {
		opts["@context"] = c
	}
	pc, err := rdfcCanon(loader, opts, "the proof configuration", sha256.New)
	if err != nil {
		return err
	}
	proofHash := sha256.Sum256(pc)
	// The revealed statements, relabelled with the issuer's HMAC labels.
	ds, err := loader.toRDF(copyJSON(unsecured).(map[string]any), "the document")
	if err != nil {
		return err
	}
	lines, err := canon.RDFCLines(ds, sha256.New, func(c14n string) (string, error) {
		l, ok := d.labelMap[c14n]
		if !ok {
			return "", proofErr("the derived proof's label map has no label for %s", c14n)
		}
		return l, nil
	})
	if err != nil {
		return err
	}
	isMandatory := map[int]bool{}
	for _, i := range d.mandatory {
		if i >= len(lines) {
			return proofErr("a mandatory statement index is out of range")
		}
		isMandatory[i] = true
	}
	mh := sha256.New()
	var nonMandatory []string
	for i, l := range lines {
		if isMandatory[i] {
			mh.Write([]byte(l))
		} else {
			nonMandatory = append(nonMandatory, l)
		}
	}
	// The base signature covers proofHash || ephemeral key || mandatoryHash.
	toVerify := append(append(proofHash[:], d.publicKey...), mh.Sum(nil)...)
	if !verifyP256(pub, toVerify, d.baseSignature) {
		return proofErr("the ecdsa-sd-2023 base signature does not verify with %s: the disclosed statements or the proof were altered", truncate(vmID, 200))
	}
	eph, err := did.DecodeMultikey("z" + base58.Encode(d.publicKey))
	if err != nil {
		return proofErr("the derived proof's ephemeral key is invalid")
	}
	ek, ok := eph.(*ecdsa.PublicKey)
	if !ok || ek.Curve != elliptic.P256() {
		return proofErr("the derived proof's ephemeral key is not a P-256 key")
	}
	if len(d.signatures) != len(nonMandatory) {
		return proofErr("the derived proof has %d statement signatures for %d disclosed non-mandatory statements", len(d.signatures), len(nonMandatory))
	}
	for i, l := range nonMandatory {
		if !verifyP256(ek, []byte(l), d.signatures[i]) {
			return proofErr("a disclosed statement's signature does not verify: the revealed document was altered")
		}
	}
	return nil
}

func verifyP256(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	h := sha256.Sum256(msg)
	return len(sig) == 64 && ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
}

// cborDecoder reads the subset of CBOR (RFC 8949) the ecdsa-sd-2023 proof
// values use: unsigned integers, byte strings, arrays and maps with
// unsigned integer keys, definite lengths only.
type cborDecoder struct{ b []byte }

const maxCBORItems = 1 << 16

func (d *cborDecoder) head() (major byte, arg uint64, err error) {
	if len(d.b) == 0 {
		return 0, 0, fault.E(fault.Invalid, "truncated CBOR")
	}
	ib := d.b[0]
	d.b = d.b[1:]
	major, info := ib>>5, ib&0x1f
	switch {
	case info < 24:
		return major, uint64(info), nil
	case info <= 27:
		n := 1 << (info - 24)
		if len(d.b) < n {
			return 0, 0, fault.E(fault.Invalid, "truncated CBOR")
		}
		for _, c := range d.b[:n] {
			arg = arg<<8 | uint64(c)
		}
		d.b = d.b[n:]
		return major, arg, nil
	}
	return 0, 0, fault.E(fault.Invalid, "unsupported CBOR encoding")
}

func (d *cborDecoder) value(depth int) (any, error) {
	if depth > 8 {
		return nil, fault.E(fault.Invalid, "CBOR nests too deep")
	}
	major, arg, err := d.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		return arg, nil
	case 2:
		if arg > uint64(len(d.b)) {
			return nil, fault.E(fault.Invalid, "truncated CBOR")
		}
		v := d.b[:arg]
		d.b = d.b[arg:]
		return v, nil
	case 4:
		if arg > maxCBORItems {
			return nil, fault.E(fault.Invalid, "CBOR array too long")
		}
		out := make([]any, 0, arg)
		for i := uint64(0); i < arg; i++ {
			x, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case 5:
		if arg > maxCBORItems {
			return nil, fault.E(fault.Invalid, "CBOR map too long")
		}
		out := make(map[uint64]any, arg)
		for i := uint64(0); i < arg; i++ {
			k, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			ku, ok := k.(uint64)
			if !ok {
				return nil, fault.E(fault.Invalid, "CBOR map keys must be unsigned integers")
			}
			x, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			out[ku] = x
		}
		return out, nil
	}
	return nil, fault.E(fault.Invalid, "unsupported CBOR major type %d", major)
}
