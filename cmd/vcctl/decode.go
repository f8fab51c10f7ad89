package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// decoded is a secured credential read for display and matching, without
// verifying it (the service verifies; the wallet only needs to know what it
// holds).
type decoded struct {
	format string         // "vc+jwt", "vc+sd-jwt", "Data Integrity (eddsa-rdfc-2022)", ...
	doc    map[string]any // the credential; for an SD-JWT with every disclosure applied
	// SD-JWT only: the claims the holder may leave out, as paths such as
	// "credentialSubject.hours", in document order.
	disclosable []string
	sd          bool
}

// decodeCredential reads a compact vc+jwt (or VCDM 1.1 JWT), an SD-JWT
// ("<jwt>~<disclosure>~...~") or a Data Integrity credential (JSON).
func decodeCredential(raw string) (*decoded, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil, errors.New("empty credential")
	case raw[0] == '{':
		var doc map[string]any
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		f := "Data Integrity"
		if p, ok := doc["proof"].(map[string]any); ok {
			if cs, ok := p["cryptosuite"].(string); ok {
				f += " (" + cs + ")"
			}
		}
		return &decoded{format: f, doc: doc}, nil
	case strings.Contains(raw, "~"):
		return decodeSDJWT(raw)
	}
	hdr, payload, err := decodeJWS(raw)
	if err != nil {
		return nil, err
	}
	typ, _ := hdr["typ"].(string)
	if vc, ok := payload["vc"].(map[string]any); ok {
		return &decoded{format: "JWT VC (VCDM 1.1)", doc: vc}, nil
	}
	if typ == "" {
		typ = "JWT"
	}
	return &decoded{format: typ, doc: payload}, nil
}

// decodeJWS returns the protected header and payload of a compact JWS.
func decodeJWS(raw string) (hdr, payload map[string]any, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("not a compact JWS (header.payload.signature)")
	}
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return nil, nil, fmt.Errorf("JWS header: %v", err)
	}
	if err := decodeSegment(parts[1], &payload); err != nil {
		return nil, nil, fmt.Errorf("JWS payload: %v", err)
	}
	return hdr, payload, nil
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return errors.New("not base64url")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// decodeSDJWT applies every disclosure of an SD-JWT to its payload (SD-JWT
// §7.1, sha-256 only) and records which claims were selectively
// disclosable.
func decodeSDJWT(raw string) (*decoded, error) {
	parts := strings.Split(raw, "~")
	hdr, payload, err := decodeJWS(parts[0])
	if err != nil {
		return nil, fmt.Errorf("SD-JWT: %v", err)
	}
	if alg, ok := payload["_sd_alg"].(string); ok && alg != "sha-256" {
		return nil, fmt.Errorf("SD-JWT digests use %s; only sha-256 is supported", alg)
	}
	byDigest := map[string][]any{}
	for i, d := range parts[1 : len(parts)-1] { // the last part is the key-binding JWT, or empty
		if d == "" {
			continue
		}
		var arr []any
		if err := decodeSegment(d, &arr); err != nil || (len(arr) != 2 && len(arr) != 3) {
			return nil, fmt.Errorf("SD-JWT disclosure #%d is malformed", i+1)
		}
		sum := sha256.Sum256([]byte(d))
		byDigest[base64.RawURLEncoding.EncodeToString(sum[:])] = arr
	}
	typ, _ := hdr["typ"].(string)
	if typ == "" {
		typ = "SD-JWT"
	}
	dec := &decoded{format: typ, sd: true}
	doc, _ := applyDisclosures(payload, "", byDigest, &dec.disclosable).(map[string]any)
	delete(doc, "_sd_alg")
	dec.doc = doc
	return dec, nil
}

func applyDisclosures(v any, path string, byDigest map[string][]any, paths *[]string) any {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if k == "_sd" {
				continue
			}
			out[k] = applyDisclosures(val, join(k), byDigest, paths)
		}
		digests, _ := x["_sd"].([]any)
		var names []string
		for _, d := range digests {
			ds, _ := d.(string)
			arr, ok := byDigest[ds]
			if !ok || len(arr) != 3 {
				continue // a decoy digest, or a disclosure left out
			}
			name, _ := arr[1].(string)
			if name == "" {
				continue
			}
			out[name] = applyDisclosures(arr[2], join(name), byDigest, paths)
			names = append(names, name)
		}
		sort.Strings(names)
		for _, n := range names {
			*paths = append(*paths, join(n))
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for i, el := range x {
			if m, ok := el.(map[string]any); ok && len(m) == 1 {
				if ds, ok := m["..."].(string); ok {
					arr, found := byDigest[ds]
					if !found || len(arr) != 2 {
						continue
					}
					p := path + "[" + strconv.Itoa(len(out)) + "]"
					*paths = append(*paths, p)
					out = append(out, applyDisclosures(arr[1], p, byDigest, paths))
					continue
				}
			}
			out = append(out, applyDisclosures(el, path+"["+strconv.Itoa(i)+"]", byDigest, paths))
		}
		return out
	}
	return v
}

// subjectClaims returns the (first) credentialSubject without its id.
func (d *decoded) subjectClaims() map[string]any {
	var sub map[string]any
	switch s := d.doc["credentialSubject"].(type) {
	case map[string]any:
		sub = s
	case []any:
		if len(s) > 0 {
			sub, _ = s[0].(map[string]any)
		}
	}
	out := map[string]any{}
	for k, v := range sub {
		if k != "id" {
			out[k] = v
		}
	}
	return out
}

// types returns the credential's type list.
func (d *decoded) types() []string { return stringList(d.doc["type"]) }

func stringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// disclosableClaims returns the names of the subject claims the holder may
// leave out ("hours", "address.city").
func (d *decoded) disclosableClaims() []string {
	var out []string
	for _, p := range d.disclosable {
		if rest, ok := strings.CutPrefix(p, "credentialSubject."); ok {
			out = append(out, rest)
		}
	}
	return out
}
