package app

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/credentials"
)

// opMetrics exports what the domain services report through their
// observer hooks (credentials.Observer, anchor.Observer, status publishing)
// as Prometheus metrics, so vcbench's figures can be watched on a live
// service. Label values are never taken from a request: formats, outcomes
// (fault codes) and check names come from the service's own code, and
// check names are further bounded (maxCheckLabels, then "other").
type opMetrics struct {
	issued        *prometheus.CounterVec
	issueSeconds  *prometheus.HistogramVec
	verified      *prometheus.CounterVec
	failedChecks  *prometheus.CounterVec
	verifySeconds *prometheus.HistogramVec
	published     prometheus.Counter
	publishFailed prometheus.Counter
	publishRounds *prometheus.CounterVec
	publishSecs   prometheus.Histogram
	anchored      *prometheus.CounterVec
	anchorLag     *prometheus.HistogramVec
	anchorGas     prometheus.Histogram
	anchorsPerTx  prometheus.Histogram

	mu     sync.Mutex
	checks map[string]bool
}

const maxCheckLabels = 48

func newOpMetrics() *opMetrics {
	lat := prometheus.ExponentialBuckets(0.0005, 2, 16) // 0.5 ms .. 16 s
	return &opMetrics{
		issued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citizen_credentials_issued_total", Help: "Credential issuances tried, by format and outcome (ok or the error code).",
		}, []string{"format", "outcome"}),
		issueSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "citizen_credential_issue_duration_seconds", Help: "Time to issue one credential (a batch item counts alone), by format.", Buckets: lat,
		}, []string{"format"}),
		verified: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citizen_verifications_total", Help: "Verifications by kind (credential, presentation) and outcome (verified, failed).",
		}, []string{"kind", "outcome"}),
		failedChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citizen_verification_failed_checks_total", Help: "Failed checks of verifications, by kind and check name.",
		}, []string{"kind", "check"}),
		verifySeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "citizen_verification_duration_seconds", Help: "Time to verify, by kind.", Buckets: lat,
		}, []string{"kind"}),
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "citizen_status_versions_published_total", Help: "Status list versions handed to anchoring: each version published, and a list's current version on its first use by this process.",
		}),
		publishFailed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "citizen_status_versions_queue_failures_total", Help: "Published status list versions that could not be queued for anchoring (retried by the reconciler).",
		}),
		publishRounds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citizen_status_publish_rounds_total", Help: "Publishing rounds that found changed status lists, by outcome (ok, or the error code of the first failure).",
		}, []string{"outcome"}),
		publishSecs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "citizen_status_publish_duration_seconds", Help: "Time of a publishing round that found changed status lists (sign and store every new version).", Buckets: lat,
		}),
		anchored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citizen_anchors_confirmed_total", Help: "Anchors confirmed on chain at the configured depth, by kind (status_list, log_root).",
		}, []string{"kind"}),
		anchorLag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "citizen_anchor_lag_seconds", Help: "Time from queueing an anchor to its confirmation on chain, by kind.",
			Buckets: prometheus.ExponentialBuckets(0.5, 2, 14), // 0.5 s .. ~68 min
		}, []string{"kind"}),
		anchorGas: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "citizen_anchor_transaction_gas", Help: "Gas used per confirmed anchoring transaction.",
			Buckets: prometheus.ExponentialBuckets(25_000, 2, 12), // 25k .. ~51M
		}),
		anchorsPerTx: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "citizen_anchor_transaction_anchors", Help: "Anchors (status versions and log roots) per confirmed anchoring transaction.",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500},
		}),
		checks: map[string]bool{},
	}
}

func (m *opMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.issued, m.issueSeconds, m.verified, m.failedChecks, m.verifySeconds,
		m.published, m.publishFailed, m.publishRounds, m.publishSecs, m.anchored, m.anchorLag, m.anchorGas, m.anchorsPerTx}
}

var (
	_ credentials.Observer = (*opMetrics)(nil)
	_ anchor.Observer      = (*opMetrics)(nil)
)

// Issued implements credentials.Observer.
func (m *opMetrics) Issued(f credentials.Format, outcome string, d time.Duration) {
	m.issued.WithLabelValues(string(f), outcome).Inc()
	if outcome == "ok" {
		m.issueSeconds.WithLabelValues(string(f)).Observe(d.Seconds())
	}
}

// Verified implements credentials.Observer.
func (m *opMetrics) Verified(kind string, res *credentials.Result, d time.Duration) {
	outcome := "failed"
	if res != nil && res.Verified {
		outcome = "verified"
	}
	m.verified.WithLabelValues(kind, outcome).Inc()
	m.verifySeconds.WithLabelValues(kind).Observe(d.Seconds())
	if res == nil {
		return
	}
	seen := map[string]bool{}
	for _, c := range res.Checks {
		if c.OK {
			continue
		}
		name := m.checkLabel(c.Name)
		if !seen[name] { // a presentation may fail one check for several credentials
			seen[name] = true
			m.failedChecks.WithLabelValues(kind, name).Inc()
		}
	}
}

// checkLabel bounds the check label set.
func (m *opMetrics) checkLabel(name string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.checks[name] {
		return name
	}
	if len(m.checks) >= maxCheckLabels || len(name) > 40 {
		return "other"
	}
	m.checks[name] = true
	return name
}

// Confirmed implements anchor.Observer.
func (m *opMetrics) Confirmed(kind anchor.ItemKind, lag time.Duration) {
	m.anchored.WithLabelValues(string(kind)).Inc()
	m.anchorLag.WithLabelValues(string(kind)).Observe(lag.Seconds())
}

// Transaction implements anchor.Observer.
func (m *opMetrics) Transaction(gasUsed uint64, anchors int) {
	m.anchorGas.Observe(float64(gasUsed))
	m.anchorsPerTx.Observe(float64(anchors))
}

// publishRound implements the status service's publish observer.
func (m *opMetrics) publishRound(dirty, published int, d time.Duration, err error) {
	m.publishRounds.WithLabelValues(credentials.Outcome(err)).Inc()
	m.publishSecs.Observe(d.Seconds())
}

// publishedVersion counts one published status list version, and a
// failure to queue it for anchoring.
func (m *opMetrics) publishedVersion(err error) {
	m.published.Inc()
	if err != nil {
		m.publishFailed.Inc()
	}
}
