package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// scrape returns the /metrics exposition of s.
func (s *testServer) scrape(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(s.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", resp.StatusCode)
	}
	return string(b)
}

// TestOperationMetrics issues, anchors and verifies through the real
// handler and reads the per-operation metrics back from /metrics.
func TestOperationMetrics(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "metrics-office", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	c := s.issueVolunteer(t, b.APIKey, holder)
	bad := s.do(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": map[string]any{"hours": "many"}}})
	if len(bad.Errors) == 0 {
		t.Fatalf("want an invalid issuance, got %+v", bad.Errors)
	}
	s.publishAndAnchor(t)
	if v := s.verify(t, c.Credential); !v.Verified {
		t.Fatalf("not verified: %+v", v.Checks)
	}
	if v := s.verify(t, c.Credential[:len(c.Credential)-4]+"AAAA"); v.Verified {
		t.Fatal("a tampered credential verified")
	}
	// A revocation makes the next publishing round find a changed list.
	revoked := s.issueVolunteer(t, b.APIKey, holder)
	s.must(t, b.APIKey, revokeQ, map[string]any{"id": revoked.ID, "r": "issued in error"}, "revokeCredential", &struct{}{})
	s.publishAndAnchor(t)
	if v := s.verify(t, revoked.Credential); v.Verified {
		t.Fatal("a revoked credential verified")
	}
	got := s.scrape(t)

	for _, tc := range []struct{ name, want string }{
		{"issued/ok", `citizen_credentials_issued_total{format="vc+jwt",outcome="ok"} 2`},
		{"issued/invalid", `citizen_credentials_issued_total{format="vc+jwt",outcome="invalid"} 1`},
		{"issue-latency", `citizen_credential_issue_duration_seconds_count{format="vc+jwt"} 2`},
		{"verified/ok", `citizen_verifications_total{kind="credential",outcome="verified"} 1`},
		{"verified/failed", `citizen_verifications_total{kind="credential",outcome="failed"} 2`},
		{"failed-check/signature", `citizen_verification_failed_checks_total{check="signature",kind="credential"} 1`},
		{"failed-check/status", `citizen_verification_failed_checks_total{check="status",kind="credential"} 1`},
		{"verify-latency", `citizen_verification_duration_seconds_count{kind="credential"} 3`},
		{"published", `citizen_status_versions_published_total `},
		{"publish-round", `citizen_status_publish_rounds_total{outcome="ok"}`},
		{"publish-latency", `citizen_status_publish_duration_seconds_count 1`},
		{"anchored/log", `citizen_anchors_confirmed_total{kind="log_root"}`},
		{"anchor-lag", `citizen_anchor_lag_seconds_count{kind="status_list"}`},
		{"gas", `citizen_anchor_transaction_gas_count `},
		{"process-cpu", `process_cpu_seconds_total `},
		{"process-memory", `process_resident_memory_bytes `},
		{"go-heap", `go_memstats_heap_alloc_bytes `},
		{"go-goroutines", `go_goroutines `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(got, tc.want) {
				t.Errorf("/metrics lacks %q", tc.want)
			}
		})
	}
	t.Run("ok/no-zero-gas", func(t *testing.T) {
		if strings.Contains(got, "citizen_anchor_transaction_gas_sum 0\n") {
			t.Error("anchoring transactions reported no gas")
		}
	})
}
