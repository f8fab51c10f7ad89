package crashtest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

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
		return crashPlan{rounds: 3, batch: 20, sample: 8, minUp: 300 * time.Millisecond, maxUp: 2 * time.Second, verifyN: 150}
	}
	return crashPlan{rounds: 20, batch: 50, sample: 20, minUp: 200 * time.Millisecond, maxUp: 3 * time.Second, verifyN: 600}
}

// intervals are the flags every vcserve of these tests runs with: short
// publishing and anchoring rounds, and no per-client rate limits (the
// harness is one client sending thousands of requests from 127.0.0.1).
func intervals() []string {
	return []string{"--publish-interval", publishInterval.String(), "--anchor-interval", anchorInterval.String(),
		"--rate-anonymous", "0", "--rate-key", "0"}
}

// TestKillNineEmbedded runs vcserve on its embedded SQLite store and dev
// chain and kills it with SIGKILL at random moments under load.
func TestKillNineEmbedded(t *testing.T) {
	p := newProc(t, "vcserve", filepath.Join(t.TempDir(), "data"), intervals()...)
	runCrash(t, "sqlite+embedded-chain", p, planFor(t), nil, nil)
}

// TestKillNineFerretDB is the same on the MongoDB adapter over an embedded
// FerretDB server (which lives in the test process and is not killed). It
// takes minutes, so -short skips it.
func TestKillNineFerretDB(t *testing.T) {
	if testing.Short() {
		t.Skip("kills vcserve on FerretDB 20 times; minutes of work")
	}
	uri := mongotest.StartServer(t)
	p := newProc(t, "vcserve", filepath.Join(t.TempDir(), "data"), append(intervals(), "--mongo-uri", uri, "--mongo-db", "crash")...)
	db := mongotest.Connect(t, uri).Database("crash")
	// FerretDB answers a verification in 0.3 to 1 s (its queries scan), so
	// fewer are sampled than on SQLite: 20 kill points stay, and the run
	// fits the CI budget (about 5 minutes instead of 12).
	plan := planFor(t)
	plan.batch, plan.sample, plan.verifyN = 20, 3, 60
	runCrash(t, "ferretdb+embedded-chain", p, plan, func(h *harness) { h.diagnose = func() string { return leaseState(db) } }, nil)
}

// leaseState describes the anchor worker's lease as stored: its holder,
// expiry, and whether its generation token is already spent (a lease whose
// token is spent can only be taken by the one who spent it).
func leaseState(db *mongo.Database) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var lease struct {
		Holder string    `bson:"holder"`
		Until  time.Time `bson:"until"`
		Token  string    `bson:"token"`
	}
	if err := db.Collection("leases").FindOne(ctx, bson.D{{Key: "_id", Value: "anchor-worker"}}).Decode(&lease); err != nil {
		return "anchor-worker lease: " + err.Error()
	}
	n, err := db.Collection("spent_tokens").CountDocuments(ctx, bson.D{{Key: "_id", Value: lease.Token}})
	if err != nil {
		return "spent tokens: " + err.Error()
	}
	return fmt.Sprintf("anchor-worker lease held by %s until %s (%s ago), its token spent: %v", lease.Holder, lease.Until.Format(time.RFC3339), time.Since(lease.Until).Round(time.Second), n > 0)
}

// TestChainNodeOutages runs vcserve against a separate chain node reached
// over JSON-RPC and takes the node down and up again under load; every
// other round vcserve is killed too. Revocations made while the node is
// down must be anchored once it is back.
func TestChainNodeOutages(t *testing.T) {
	node := chaintest.StartNode(t)
	p := newProc(t, "vcserve", filepath.Join(t.TempDir(), "data"), append(intervals(), "--chain-rpc", node.URL(), "--chain-key", node.KeyFile())...)
	plan := planFor(t)
	runCrash(t, "sqlite+chain-node-outages", p, plan, nil, func(h *harness, round int) bool {
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
func runCrash(t *testing.T, name string, p *proc, plan crashPlan, setup func(*harness), disrupt func(h *harness, round int) (kill bool)) {
	start := time.Now()
	p.start()
	h := newHarness(t, p, plan.batch)
	if setup != nil {
		setup(h)
	}
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
