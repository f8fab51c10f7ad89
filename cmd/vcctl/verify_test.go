package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/client"
)

// TestPrintVerificationOutcomes: a pending check is marked PENDING and the
// result's own words about pending anchoring are printed (on stderr: stdout
// ends with the verdict); a proven result says nothing of pending; a failed
// check is marked ✘.
func TestPrintVerificationOutcomes(t *testing.T) {
	msg := func(s string) *string { return &s }
	for _, tc := range []struct {
		name   string
		res    client.VerificationResult
		want   []string
		absent []string
	}{
		{"pending/anchoring", client.VerificationResult{Verified: true, Pending: true,
			Message: "Verified so far, but anchoring is still pending: issuance_anchor will be proven once the anchor is confirmed on chain. Nothing failed.",
			Checks: []client.Check{
				{Name: "signature", Ok: true, Status: client.CheckStatusProven, Message: msg("valid")},
				{Name: "issuance_anchor", Ok: true, Status: client.CheckStatusPending, Message: msg("anchoring is pending: queued")},
			}},
			[]string{"✔ signature        valid", "✔ issuance_anchor  PENDING anchoring is pending: queued", "VERIFIED", "stderr: Verified so far, but anchoring is still pending"},
			[]string{"NOT VERIFIED", "✘"}},
		{"ok/proven", client.VerificationResult{Verified: true, Message: "Verified: every check is proven.",
			Checks: []client.Check{{Name: "issuance_anchor", Ok: true, Status: client.CheckStatusProven, Message: msg("root anchored in block 3")}}},
			[]string{"✔ issuance_anchor  root anchored in block 3", "VERIFIED"},
			[]string{"PENDING", "pending", "NOT VERIFIED"}},
		{"fail/altered", client.VerificationResult{Verified: false, Message: "Not verified: 1 check(s) failed.",
			Checks: []client.Check{{Name: "status_anchor", Ok: false, Status: client.CheckStatusFailed, Message: msg("altered")}}},
			[]string{"✘ status_anchor  altered", "NOT VERIFIED"},
			[]string{"PENDING"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			printVerification(&env{stdout: &stdout, stderr: &stderr}, &tc.res)
			if !strings.HasSuffix(strings.TrimSpace(stdout.String()), "VERIFIED") {
				t.Errorf("stdout does not end with the verdict:\n%s", stdout.String())
			}
			out := stdout.String() + "stderr: " + stderr.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(out, a) {
					t.Errorf("output has %q:\n%s", a, out)
				}
			}
		})
	}
}
