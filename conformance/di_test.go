package conformance

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/dataintegrity"
)

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// intermediates names the intermediate files next to a signed vector.
type intermediates struct {
	canonDoc, proofCanon, proofConfig, docHash, proofHash, combinedHash, sigB58 string
}

func intermediatesFor(signed string) intermediates {
	dir := filepath.Dir(signed)
	j := func(s string) string { return filepath.Join(dir, s) }
	base := filepath.Base(signed)
	suffix := strings.TrimSuffix(strings.TrimPrefix(base, "signed"), ".json") // DataInt, JCS, ECDSAP256, JCSECDSAP256, EdSig
	return intermediates{
		canonDoc:     j("canonDoc" + suffix + ".txt"),
		proofCanon:   j("proofCanon" + suffix + ".txt"),
		proofConfig:  j("proofConfig" + suffix + ".json"),
		docHash:      j("docHash" + suffix + ".txt"),
		proofHash:    j("proofHash" + suffix + ".txt"),
		combinedHash: j("combinedHash" + suffix + ".txt"),
		sigB58:       j("sigBTC58" + suffix + ".txt"),
	}
}

// compareIntermediates computes the signing input of unsigned with the
// vector's proof configuration and compares every intermediate file.
func compareIntermediates(folder string, im intermediates, unsigned map[string]any, pub crypto.PublicKey) (map[string]any, error) {
	cfg, err := readJSON(folder, im.proofConfig)
	if err != nil {
		return nil, err
	}
	in, err := dataintegrity.ProofSigningInput(unsigned, cfg, pub, nil)
	if err != nil {
		return nil, fmt.Errorf("signing input: %v", err)
	}
	for _, c := range []struct {
		file string
		got  string
		hex  bool
	}{
		{im.canonDoc, string(in.CanonicalDocument), false},
		{im.proofCanon, string(in.CanonicalProof), false},
		{im.docHash, hexs(in.DocumentHash), true},
		{im.proofHash, hexs(in.ProofHash), true},
		{im.combinedHash, hexs(in.HashData), true},
	} {
		b, err := readFile(folder, c.file)
		if err != nil {
			return nil, err
		}
		want := string(b)
		got := c.got
		if c.hex {
			want, got = strings.ToLower(strings.TrimSpace(want)), strings.TrimSpace(got)
		} else {
			want, got = strings.TrimRight(want, "\n"), strings.TrimRight(got, "\n")
		}
		if got != want {
			return nil, fmt.Errorf("%s differs:\n got %q\nwant %q", c.file, got, want)
		}
	}
	return cfg, nil
}

// proofOptions turns a proof configuration into AddProof options.
func proofOptions(cfg map[string]any) (dataintegrity.ProofOptions, error) {
	o := dataintegrity.ProofOptions{
		Type:        str(cfg, "type"),
		Cryptosuite: str(cfg, "cryptosuite"),
		Purpose:     str(cfg, "proofPurpose"),
		ID:          str(cfg, "id"),
	}
	if c := str(cfg, "created"); c != "" {
		t, err := time.Parse(time.RFC3339, c)
		if err != nil {
			return o, err
		}
		o.Created = t
	}
	switch p := cfg["previousProof"].(type) {
	case string:
		o.PreviousProof = []string{p}
	case []any:
		for _, x := range p {
			s, _ := x.(string)
			o.PreviousProof = append(o.PreviousProof, s)
		}
	}
	return o, nil
}

func proofValue(doc map[string]any) string {
	switch p := doc["proof"].(type) {
	case map[string]any:
		return str(p, "proofValue")
	case []any:
		if len(p) > 0 {
			m, _ := p[len(p)-1].(map[string]any)
			return str(m, "proofValue")
		}
	}
	return ""
}

// runDIEdDSA: 03-di-eddsa.
func runDIEdDSA(r *runner, e *env) {
	const folder = "03-di-eddsa"
	ix := readIndex(e.t, folder)
	v := e.verifier(nil)
	kp, _ := readJSON(folder, "keyPair.json")
	for _, f := range ix.Files {
		file := str(f, "file")
		if str(f, "polarity") != "positive" {
			continue
		}
		r.run("verify/"+file, func() error {
			doc, err := readJSON(folder, file)
			if err != nil {
				return err
			}
			raw, _ := readFile(folder, file)
			if err := verifyProofOnly(v, doc, string(raw)); err != nil {
				return err
			}
			e.positives = append(e.positives, positive{id: folder + "/" + file, doc: doc, proofOnly: true})
			return nil
		})
		unsignedFile := str(f, "unsigned_input")
		if unsignedFile == "" {
			continue
		}
		r.run("issue/"+file, func() error {
			unsigned, err := readJSON(folder, unsignedFile)
			if err != nil {
				return err
			}
			want, err := readJSON(folder, file)
			if err != nil {
				return err
			}
			key, err := privateFromMultibase(str(kp, "privateKeyMultibase"))
			if err != nil {
				return err
			}
			cfg, err := compareIntermediates(folder, intermediatesFor(file), unsigned, key.Public())
			if err != nil {
				return err
			}
			o, err := proofOptions(cfg)
			if err != nil {
				return err
			}
			s := signer{key, str(cfg, "verificationMethod")}
			var got map[string]any
			if o.Cryptosuite == dataintegrity.SuiteEdDSARDFC2022 {
				got, err = credentials.SignDataIntegrity(unsigned, s, o.Created)
			} else {
				got, err = dataintegrity.AddProof(unsigned, s, nil, o)
			}
			if err != nil {
				return err
			}
			if pv, wantPV := proofValue(got), proofValue(want); pv != wantPV {
				return failf("proofValue %s, want %s", pv, wantPV)
			}
			if !jsonEqual(got, want) {
				return failf("signed document differs:\n got %s\nwant %s", marshal(got), marshal(want))
			}
			return nil
		})
	}
	// Proof sets and chains, re-created in order with the four key pairs.
	r.run("issue/proof-set-chain (set of 2, chain of 4)", func() error {
		const dir = "proof-set-chain/"
		keys, err := readJSON(folder, dir+"multiKeyPairs.json")
		if err != nil {
			return err
		}
		doc, err := readJSON(folder, dir+"unsigned.json")
		if err != nil {
			return err
		}
		steps := []struct{ key, config, signed string }{
			{"keyPair1", "proofSetConfig1.json", "signedProofSet1.json"},
			{"keyPair2", "proofSetConfig2.json", "signedProofSet2.json"},
			{"keyPair3", "proofChainConfig1.json", "signedProofChain1.json"},
			{"keyPair4", "proofChainConfig2.json", "signedProofChain2.json"},
		}
		for _, st := range steps {
			kpm, _ := keys[st.key].(map[string]any)
			key, err := privateFromMultibase(str(kpm, "privateKeyMultibase"))
			if err != nil {
				return err
			}
			cfg, err := readJSON(folder, dir+st.config)
			if err != nil {
				return err
			}
			o, err := proofOptions(cfg)
			if err != nil {
				return err
			}
			doc, err = dataintegrity.AddProof(doc, signer{key, str(cfg, "verificationMethod")}, nil, o)
			if err != nil {
				return fmt.Errorf("%s: %v", st.config, err)
			}
			want, err := readJSON(folder, dir+st.signed)
			if err != nil {
				return err
			}
			if !jsonEqual(doc, want) {
				return failf("%s differs:\n got %s\nwant %s", st.signed, marshal(doc), marshal(want))
			}
		}
		return nil
	})
}

// runDIECDSA: 04-di-ecdsa.
func runDIECDSA(r *runner, e *env) {
	const folder = "04-di-ecdsa"
	ix := readIndex(e.t, folder)
	v := e.verifier(nil)
	for _, f := range ix.Files {
		file := str(f, "file")
		pol := str(f, "polarity")
		switch {
		case strings.Contains(file, "ecdsa-sd-2023/") && strings.HasSuffix(file, "addSignedSDBase.json"):
			r.run("verify-rejects-base-proof/"+file, func() error {
				doc, err := readJSON(folder, file)
				if err != nil {
					return err
				}
				err = proofsOK(v, doc, dataintegrity.ProofExpectations{})
				if err == nil || !strings.Contains(err.Error(), "base proof") {
					return failf("an ecdsa-sd-2023 base proof must be refused as such: err = %v", err)
				}
				return nil
			})
			continue
		case pol != "positive":
			continue
		}
		r.run("verify/"+file, func() error {
			doc, err := readJSON(folder, file)
			if err != nil {
				return err
			}
			raw, _ := readFile(folder, file)
			if err := verifyProofOnly(v, doc, string(raw)); err != nil {
				return err
			}
			e.positives = append(e.positives, positive{id: folder + "/" + file, doc: doc, proofOnly: true})
			return nil
		})
		unsignedFile := str(f, "unsigned_input")
		if unsignedFile == "" {
			continue
		}
		r.run("issue/"+file, func() error {
			unsigned, err := readJSON(folder, unsignedFile)
			if err != nil {
				return err
			}
			kpFile := "p256KeyPair.json"
			if strings.Contains(file, "p384") {
				kpFile = "p384KeyPair.json"
			}
			kp, err := readJSON(folder, kpFile)
			if err != nil {
				return err
			}
			key, err := privateFromMultibase(str(kp, "secretKeyMultibase"))
			if err != nil {
				return err
			}
			cfg, err := compareIntermediates(folder, intermediatesFor(file), unsigned, key.Public())
			if err != nil {
				return err
			}
			o, err := proofOptions(cfg)
			if err != nil {
				return err
			}
			got, err := dataintegrity.AddProof(unsigned, signer{key, str(cfg, "verificationMethod")}, nil, o)
			if err != nil {
				return err
			}
			// ECDSA is randomised: the new signature must verify.
			return proofsOK(v, got, dataintegrity.ProofExpectations{})
		})
	}
}

// runEd25519Signature2020: 06.
func runEd25519Signature2020(r *runner, e *env) {
	const folder = "06-ed25519signature2020"
	const file = "Ed25519Signature2020/signedEdSig.json"
	v := e.verifier(nil)
	r.run("verify/"+file, func() error {
		doc, err := readJSON(folder, file)
		if err != nil {
			return err
		}
		raw, _ := readFile(folder, file)
		if err := verifyProofOnly(v, doc, string(raw)); err != nil {
			return err
		}
		e.positives = append(e.positives, positive{id: folder + "/" + file, doc: doc, proofOnly: true})
		return nil
	})
	r.run("issue/"+file, func() error {
		unsigned, err := readJSON(folder, "unsigned.json")
		if err != nil {
			return err
		}
		want, err := readJSON(folder, file)
		if err != nil {
			return err
		}
		kp, err := readJSON(folder, "keyPair.json")
		if err != nil {
			return err
		}
		key, err := privateFromMultibase(str(kp, "privateKeyMultibase"))
		if err != nil {
			return err
		}
		// The proof configuration lists the document's contexts after the
		// suite context is added, as signing does.
		withCtx := copyJSON(unsigned)
		withCtx["@context"] = want["@context"]
		cfg, err := compareIntermediates(folder, intermediatesFor(file), withCtx, key.Public())
		if err != nil {
			return err
		}
		o, err := proofOptions(cfg)
		if err != nil {
			return err
		}
		got, err := dataintegrity.AddProof(unsigned, signer{key, str(cfg, "verificationMethod")}, nil, o)
		if err != nil {
			return err
		}
		if !jsonEqual(got, want) {
			return failf("signed document differs:\n got %s\nwant %s", marshal(got), marshal(want))
		}
		return nil
	})
}
