package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// Floors are the raw Ed25519 rates of this machine, measured in the run on
// as many goroutines as there are usable CPUs.
type Floors struct {
	Goroutines int     `json:"goroutines"`
	Sign       float64 `json:"ed25519SignPerSec"`
	Verify     float64 `json:"ed25519VerifyPerSec"`
}

// measureFloors signs and verifies a credential-sized message for d each.
func measureFloors(d time.Duration) Floors {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	pub := priv.Public().(ed25519.PublicKey)
	msg := make([]byte, 700) // about a vc+jwt signing input
	sig := ed25519.Sign(priv, msg)
	g := runtime.GOMAXPROCS(0)
	rate := func(op func()) float64 {
		var n atomic.Int64
		stop := time.Now().Add(d)
		start := time.Now()
		var wg sync.WaitGroup
		for range g {
			wg.Go(func() {
				for time.Now().Before(stop) {
					for range 16 {
						op()
					}
					n.Add(16)
				}
			})
		}
		wg.Wait()
		return float64(n.Load()) / time.Since(start).Seconds()
	}
	return Floors{
		Goroutines: g,
		Sign:       rate(func() { ed25519.Sign(priv, msg) }),
		Verify: rate(func() {
			if !ed25519.Verify(pub, msg, sig) {
				panic("vcbench: ed25519 floor: signature does not verify")
			}
		}),
	}
}

// Row is one measured operation.
type Row struct {
	Name        string  `json:"name"`
	Ops         int     `json:"ops"` // credentials (a batch counts its items)
	Calls       int     `json:"calls"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	PerSec      float64 `json:"perSec"`
	P50ms       float64 `json:"p50ms"` // per call
	P99ms       float64 `json:"p99ms"`
	// Floor names the raw rate the row is set against ("sign", "verify"
	// or "" for rows bounded by the chain or the store); FloorRatio is
	// PerSec divided by it.
	Floor      string  `json:"floor,omitempty"`
	FloorRatio float64 `json:"floorRatio,omitempty"`
	Note       string  `json:"note,omitempty"`
	// CPUMicrosPerOp is the CPU time spent per operation by what the
	// report's CPUScope names.
	CPUMicrosPerOp float64 `json:"cpuMicrosPerOp,omitempty"`

	lat []time.Duration
}

// measure runs f for calls 0..calls-1 over conc workers; each call counts
// per operations.
func measure(name string, calls, per, conc int, f func(i int) error) (Row, error) {
	r := Row{Name: name, Calls: calls, Ops: calls * per, Concurrency: conc, lat: make([]time.Duration, calls)}
	var (
		wg   sync.WaitGroup
		next = make(chan int)
		mu   sync.Mutex
		ferr error
	)
	start := time.Now()
	// The clients' goroutines (and the HTTP connections they dial, which
	// inherit the label) carry side=client in CPU profiles, so that with
	// an in-process server `go tool pprof -tagignore side=client` shows the
	// server's share alone.
	client := pprof.Labels("side", "client")
	for range min(conc, calls) {
		wg.Go(func() {
			pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), client))
			for i := range next {
				t := time.Now()
				err := f(i)
				r.lat[i] = time.Since(t)
				if err != nil {
					mu.Lock()
					if ferr == nil {
						ferr = fmt.Errorf("%s #%d: %w", name, i, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range calls {
		next <- i
	}
	close(next)
	wg.Wait()
	total := time.Since(start)
	r.Seconds = total.Seconds()
	r.PerSec = float64(r.Ops) / total.Seconds()
	s := slices.Clone(r.lat)
	slices.Sort(s)
	pct := func(p float64) float64 {
		return float64(s[min(len(s)-1, int(float64(len(s))*p))]) / float64(time.Millisecond)
	}
	r.P50ms, r.P99ms = pct(0.50), pct(0.99)
	return r, ferr
}

// Checkpoint is one point of a -scale run.
type Checkpoint struct {
	Credentials    int     `json:"credentials"`
	IssuePerSec    float64 `json:"issuePerSec"`    // batches of 1,000, over the last segment
	VerifyPerSec   float64 `json:"verifyPerSec"`   // verifyCredential vc+jwt of fresh credentials
	VerifyP99ms    float64 `json:"verifyP99ms"`    // per call
	SettleSeconds  float64 `json:"settleSeconds"`  // publish and anchor before verifying
	RSSMiB         float64 `json:"rssMiB"`         // in-process runs only: resident set of vcbench and the server
	RestartSeconds float64 `json:"restartSeconds"` // in-process runs, last checkpoint: close and start to ready
}

type report struct {
	Target           string       `json:"target"`
	Store            string       `json:"store"`
	N                int          `json:"n"`
	Concurrency      int          `json:"concurrency"`
	IssueConcurrency int          `json:"issueConcurrency"`
	CPUs             int          `json:"cpus"`
	GoVersion        string       `json:"goVersion"`
	Started          time.Time    `json:"started"`
	Seconds          float64      `json:"seconds"`
	Floors           Floors       `json:"floors"`
	CPUScope         string       `json:"cpuScope"` // whose CPU time the rows' CPU per operation counts
	Rows             []Row        `json:"rows,omitempty"`
	Scale            []Checkpoint `json:"scale,omitempty"`
}

func (r *report) finish() {
	r.CPUs, r.GoVersion = runtime.NumCPU(), runtime.Version()
	r.Seconds = time.Since(r.Started).Seconds()
	for i := range r.Rows {
		row := &r.Rows[i]
		switch row.Floor {
		case "sign":
			row.FloorRatio = row.PerSec / r.Floors.Sign
		case "verify":
			row.FloorRatio = row.PerSec / r.Floors.Verify
		}
	}
}

func (r *report) print(out io.Writer) error {
	fmt.Fprintf(out, "vcbench: %s, %s store, %d CPUs, %s; %.0f s\n", r.Target, r.Store, r.CPUs, r.GoVersion, r.Seconds)
	fmt.Fprintf(out, "floor: raw Ed25519 on %d goroutines: sign %.0f/s, verify %.0f/s\n", r.Floors.Goroutines, r.Floors.Sign, r.Floors.Verify)
	fmt.Fprintf(out, "CPU µs/op: CPU time of the %s per operation\n\n", r.CPUScope)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	if len(r.Rows) > 0 {
		fmt.Fprintln(w, "operation\tconc\tops\tops/s\tp50 ms\tp99 ms\tof floor\tCPU µs/op\t")
		for _, row := range r.Rows {
			ratio := "-"
			if row.Floor != "" {
				ratio = fmt.Sprintf("%.1f%% %s", 100*row.FloorRatio, row.Floor)
			}
			rate := fmt.Sprintf("%.1f", row.PerSec)
			if row.Ops == 1 {
				rate = "-" // a single timed step: its latency is the figure
			}
			cpu := "-"
			if row.CPUMicrosPerOp > 0 {
				cpu = fmt.Sprintf("%.0f", row.CPUMicrosPerOp)
			}
			fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%.1f\t%.1f\t%s\t%s\t\n", row.Name, row.Concurrency, row.Ops, rate, row.P50ms, row.P99ms, ratio, cpu)
		}
	}
	if len(r.Scale) > 0 {
		fmt.Fprintln(w, "credentials\tissue/s\tverify/s\tverify p99 ms\tsettle s\tRSS MiB\trestart s\t")
		for _, c := range r.Scale {
			fmt.Fprintf(w, "%d\t%.0f\t%.0f\t%.1f\t%.1f\t%.0f\t%.2f\t\n", c.Credentials, c.IssuePerSec, c.VerifyPerSec, c.VerifyP99ms, c.SettleSeconds, c.RSSMiB, c.RestartSeconds)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, row := range r.Rows {
		if row.Note != "" {
			fmt.Fprintf(out, "  %s: %s\n", row.Name, row.Note)
		}
	}
	return nil
}

// mustJSON is for request bodies built from our own values.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("vcbench: marshal request: %v", err))
	}
	return b
}
