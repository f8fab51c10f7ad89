package crashtest_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/mongodb/mongotest"
)

// Intervals of the background publisher and anchor worker in the crash
// tests: short, so that kills land in publishing and anchoring as often as
// in issuance and revocation.
const (
	publishInterval = 200 * time.Millisecond
	anchorInterval  = 300 * time.Millisecond
)

// crashPlan is how much a crash test does.
type crashPlan struct {
	rounds  int // kill points (or outages)
	batch   int // credentials per issueCredentials call
	sample  int // credentials verified after each restart
	minUp   time.Duration
	maxUp   time.Duration
	verifyN int // credentials verified at the end
}

func planFor(t *testing.T) crashPlan {
	if testing.Short() {
		return crashPlan{rounds: 4, batch: 20, sample: 8, minUp: 300 * time.Millisecond, maxUp: 2 * time.Second, verifyN: 150}
	}
	return crashPlan{rounds: 24, batch: 50, sample: 20, minUp: 200 * time.Millisecond, maxUp: 3 * time.Second, verifyN: 600}
}

func intervals() []string {
	return []string{"--publish-interval", publishInterval.String(), "--anchor-interval", anchorInterval.String()}
}

// TestKillNineEmbedded runs vcserve on its embedded SQLite store and dev
// chain and kills it with SIGKILL at random moments under load.
func TestKillNineEmbedded(t *testing.T) {
	p := newProc(t, "vcserve", filepath.Join(t.TempDir(), "data"), intervals()...)
	runCrash(t, "sqlite+embedded-chain", p, planFor(t), nil)
}

// TestKillNineFerretDB is the same on the MongoDB adapter over an embedded
// FerretDB server (which lives in the test process and is not killed).
func TestKillNineFerretDB(t *testing.T) {
	uri := mongotest.StartServer(t)
	p := newProc(t, "vcserve", filepath.Join(t.TempDir(), "data"), append(intervals(), "--mongo-uri", uri, "--mongo-db", "crash")...)
	runCrash(t, "ferretdb+embedded-chain", p, planFor(t), nil)
}

// TestChainNodeOutages runs vcserve against a separate chain node reached
// over JSON-RPC and takes the node down and up again under load; every
// other round vcserve is killed too. Revocations made while the node is
// down must be anchored once it is back.
func TestChainNodeOutages(t *testing.T) {
	node := chaintest.StartNode(t)
	p := newProc(t, "vcserve", filepath.Join(t.TempDir(), "data"), append(intervals(), "--chain-rpc", node.URL(), "--chain-key", node.KeyFile())...)
	plan := planFor(t)
	runCrash(t, "sqlite+chain-node-outages", p, plan, func(h *harness, round int) bool {
		time.Sleep(h.randDuration(plan.minUp, plan.maxUp))
		node.Stop()
		h.outages++
		time.Sleep(h.randDuration(500*time.Millisecond, 3*time.Second))
		node.Start()
		time.Sleep(h.randDuration(100*time.Millisecond, plan.maxUp))
		return round%2 == 1
	})
}

// runCrash drives load against p for plan.rounds rounds. A round runs the
// load, then (disrupt == nil, or disrupt says so) kills p at a random
// moment and starts it again; then it checks what must hold after a
// restart and waits for anchoring to settle.
func runCrash(t *testing.T, name string, p *proc, plan crashPlan, disrupt func(h *harness, round int) (kill bool)) {
	start := time.Now()
	p.start()
	h := newHarness(t, p, plan.batch)
	defer func() {
		h.summary(name, time.Since(start))
		if t.Failed() {
			t.Logf("%s log tail:\n%s", p.name, p.logTail())
		}
	}()
	for round := range plan.rounds {
		if dl, ok := t.Deadline(); ok && time.Until(dl) < 6*time.Minute {
			t.Errorf("only %d of %d rounds fit before the test deadline", round, plan.rounds)
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		wait := h.load(ctx, []*proc{p}, 1, 1, 0)
		kill := true
		if disrupt != nil {
			kill = disrupt(h, round)
		} else {
			time.Sleep(h.randDuration(plan.minUp, plan.maxUp))
		}
		if kill {
			p.kill()
			h.killPoints++
		}
		cancel()
		wait()
		if kill {
			p.start()
			h.restarts++
		}
		h.checkStored(p)
		items := h.settle(p, publishInterval+anchorInterval)
		h.checkAnchors(items)
		h.verifyAll(p, h.sample(plan.sample))
	}
	stored := h.checkStored(p)
	items := h.settle(p, publishInterval+anchorInterval)
	h.checkAnchors(items)
	h.checkVersions(p, items, len(stored))
	h.verifyAll(p, h.sample(plan.verifyN))
}
