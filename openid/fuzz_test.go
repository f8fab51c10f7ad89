package openid

import (
	"testing"
	"time"
)

// FuzzVerifyProof feeds arbitrary key proofs to the proof checker: it must
// never panic and never accept a proof it cannot verify.
func FuzzVerifyProof(f *testing.F) {
	f.Add("eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6IkVkRFNBIiwiandrIjp7Imt0eSI6Ik9LUCJ9fQ.e30.c2ln")
	f.Add("eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6IkVkRFNBIiwia2lkIjoiZGlkOmtleTp6Nk1raGFYZ0JaRHZvdERrTDUyNTdmYWl6dGlHaUMyUXRLTEdwYm5uRUd0YTJkb0sifQ.e30.c2ln")
	f.Add("a.b.c")
	i := NewIssuer(nil, nil, nil, nil, "https://citizen.example", make([]byte, 32), WithClock(func() time.Time { return time.Unix(1_800_000_000, 0) }))
	f.Fuzz(func(t *testing.T, proof string) {
		holder, nonce, err := i.verifyProof(proof, "https://citizen.example/bureaus/x", "")
		if err == nil {
			t.Fatalf("accepted an unsigned proof: holder %q nonce %q", holder, nonce)
		}
	})
}

// FuzzCodesAndTokens: only codes and tokens the issuer derived are genuine.
func FuzzCodesAndTokens(f *testing.F) {
	i := NewIssuer(nil, nil, nil, nil, "https://citizen.example", []byte("0123456789abcdef0123456789abcdef"))
	f.Add(i.preAuthorizedCode("offer-1"))
	f.Add(i.accessToken("offer-1", time.Now().Add(time.Hour)))
	f.Add("x.1.y")
	f.Fuzz(func(t *testing.T, s string) {
		if id, ok := i.offerOfCode(s); ok && i.preAuthorizedCode(id) != s {
			t.Fatalf("accepted a forged code %q", s)
		}
		if id, ok := i.offerOfToken(s); ok && !hasPrefixDot(s, id) {
			t.Fatalf("accepted a forged token %q", s)
		}
	})
}

func hasPrefixDot(s, id string) bool { return len(s) > len(id) && s[:len(id)+1] == id+"." }

func TestConfigurationIDs(t *testing.T) {
	cases := []struct {
		name, typ, format, want string
	}{
		{"ok/jwt", "VolunteerServiceCredential", FormatJWTVCJSON, "VolunteerServiceCredential_jwt_vc_json"},
		{"ok/sd-jwt", "VolunteerServiceCredential", FormatDCSDJWT, "VolunteerServiceCredential_dc_sd_jwt"},
		{"fail/ldp", "VolunteerServiceCredential", "ldp_vc", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ConfigurationID(tc.typ, tc.format)
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			if got == "" {
				return
			}
			typ, _, ok := parseConfigurationID(got)
			if !ok || typ != tc.typ {
				t.Fatalf("parse %q: %q %v", got, typ, ok)
			}
		})
	}
}

func TestNonceLifetime(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	i := NewIssuer(nil, nil, nil, nil, "https://citizen.example", []byte("0123456789abcdef0123456789abcdef"),
		WithClock(func() time.Time { return now }), WithNonceTTL(time.Minute))
	n, err := i.Nonce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other := NewIssuer(nil, nil, nil, nil, "https://citizen.example", []byte("another secret, another service!"))
	cases := []struct {
		name  string
		nonce string
		at    time.Duration
		want  bool
	}{
		{"ok/fresh", n, 0, true},
		{"ok/just-before-expiry", n, 59 * time.Second, true},
		{"fail/expired", n, time.Minute, false},
		{"fail/forged-mac", n[:len(n)-2] + "AA", 0, false},
		{"fail/another-services-nonce", func() string { s, _ := other.Nonce(t.Context()); return s }(), 0, false},
		{"fail/not-a-nonce", "abc", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i.now = func() time.Time { return now.Add(tc.at) }
			if _, ok := i.nonceExpiry(tc.nonce); ok != tc.want {
				t.Fatalf("valid %v, want %v", ok, tc.want)
			}
		})
	}
}
