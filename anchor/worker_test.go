package anchor_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
)

// flaky wraps the real registry for failure injection only: while down
// every call fails as an unreachable node does; with anchorDown only
// Anchor fails; with drop, Anchor reports a transaction that never reaches
// the chain. Everything else goes to the real chain.
type flaky struct {
	anchor.Registry
	mu                     sync.Mutex
	down, anchorDown, drop bool
	sent                   []sentTx // Anchor calls that reached the chain
}

type sentTx struct {
	tx    string
	lists []anchor.StatusAnchor
	log   *anchor.LogAnchor
}

func (f *flaky) set(fn func(f *flaky)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *flaky) isDown() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.down
}

var errDown = fault.Wrap(fault.Unavailable, errors.New("connection refused"), fault.ErrUnavailable.Msg)

func (f *flaky) Anchor(ctx context.Context, lists []anchor.StatusAnchor, log *anchor.LogAnchor) (string, error) {
	f.mu.Lock()
	down, drop := f.down || f.anchorDown, f.drop
	f.mu.Unlock()
	if down {
		return "", errDown
	}
	if drop {
		var b [32]byte
		rand.Read(b[:])
		return "0x" + hex.EncodeToString(b[:]), nil
	}
	tx, err := f.Registry.Anchor(ctx, lists, log)
	if err == nil {
		f.mu.Lock()
		f.sent = append(f.sent, sentTx{tx, lists, log})
		f.mu.Unlock()
	}
	return tx, err
}

func (f *flaky) sentTxs() []sentTx {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentTx(nil), f.sent...)
}

func (f *flaky) Receipt(ctx context.Context, tx string) (*anchor.Receipt, error) {
	if f.isDown() {
		return nil, errDown
	}
	return f.Registry.Receipt(ctx, tx)
}

func (f *flaky) StatusAnchor(ctx context.Context, id string, v uint64) (anchor.Anchored, bool, error) {
	if f.isDown() {
		return anchor.Anchored{}, false, errDown
	}
	return f.Registry.StatusAnchor(ctx, id, v)
}

func (f *flaky) LogRoot(ctx context.Context, size uint64) (anchor.Anchored, bool, error) {
	if f.isDown() {
		return anchor.Anchored{}, false, errDown
	}
	return f.Registry.LogRoot(ctx, size)
}

func (f *flaky) Head(ctx context.Context) (uint64, error) {
	if f.isDown() {
		return 0, errDown
	}
	return f.Registry.Head(ctx)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	st    *sqlite.Store
	dev   *chain.Dev
	reg   *chain.Registry
	fl    *flaky
	log   *anchor.Log
	clk   *clock
	w     *anchor.Worker
	ctx   context.Context
	t     *testing.T
	quiet *slog.Logger
}

func newEnv(t *testing.T, opts ...anchor.WorkerOption) *env {
	t.Helper()
	dev, reg := chaintest.Open(t)
	e := &env{st: openStore(t), dev: dev, reg: reg, clk: &clock{t: time.Now().UTC()}, ctx: context.Background(), t: t,
		quiet: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.fl = &flaky{Registry: reg}
	e.log = anchor.NewLog(e.st)
	e.w = e.worker("replica-1", opts...)
	return e
}

func (e *env) worker(holder string, opts ...anchor.WorkerOption) *anchor.Worker {
	base := []anchor.WorkerOption{
		anchor.WithClock(e.clk.now), anchor.WithLogger(e.quiet),
		anchor.WithLease(anchor.DefaultLeaseName, holder, time.Minute),
		anchor.WithBackoff(time.Second, 8*time.Second), anchor.WithSubmitTimeout(30 * time.Second),
	}
	return anchor.NewWorker(e.st, e.fl, e.log, append(base, opts...)...)
}

// tick runs one round and waits until its transaction is mined.
func (e *env) tick(w *anchor.Worker) anchor.TickResult {
	e.t.Helper()
	res, err := w.TickReport(e.ctx)
	if err != nil {
		e.t.Fatalf("tick: %v", err)
	}
	if res.TxHash != "" && !e.fl.dropping() {
		ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
		defer cancel()
		if _, err := e.reg.Wait(ctx, res.TxHash); err != nil {
			e.t.Fatalf("wait for %s: %v", res.TxHash, err)
		}
	}
	return res
}

func (f *flaky) dropping() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.drop }

func (e *env) item(id string) *anchor.Item {
	e.t.Helper()
	it, err := e.st.Item(e.ctx, id)
	if err != nil {
		e.t.Fatalf("item %s: %v", id, err)
	}
	return it
}

func (e *env) backlog() int {
	e.t.Helper()
	n, err := e.w.Backlog(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func digest(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func (e *env) enqueue(list string, version int) [32]byte {
	e.t.Helper()
	d := digest(fmt.Sprintf("%s v%d", list, version))
	if err := e.w.Enqueue(e.ctx, list, version, d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) appendLeaves(n int) {
	e.t.Helper()
	size, _ := e.log.Size(e.ctx)
	for i := int(size); i < int(size)+n; i++ {
		if _, err := e.log.Append(e.ctx, fmt.Sprintf("urn:uuid:%d", i), credHash(i)); err != nil {
			e.t.Fatal(err)
		}
	}
}

// onChainStatus asserts what the chain holds for a list version.
func (e *env) onChainStatus(list string, version uint64, want [32]byte) anchor.Anchored {
	e.t.Helper()
	a, ok, err := e.reg.StatusAnchor(e.ctx, list, version)
	if err != nil || !ok || a.Digest != want {
		e.t.Fatalf("chain for %s v%d: %x ok=%v err=%v; want %x", list, version, a.Digest, ok, err, want)
	}
	return a
}

// TestWorkerOneTransaction: one status version and the log root go out in
// a single transaction and are confirmed by the chain's state.
func TestWorkerOneTransaction(t *testing.T) {
	e := newEnv(t)
	d := e.enqueue("list-a", 1)
	if err := e.w.Enqueue(e.ctx, "list-a", 1, d); err != nil {
		t.Fatalf("idempotent enqueue: %v", err)
	}
	if err := e.w.Enqueue(e.ctx, "list-a", 1, digest("other")); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("enqueue with another digest: %v", err)
	}
	e.appendLeaves(5)

	res := e.tick(e.w)
	sent := e.fl.sentTxs()
	if res.Submitted != 2 || len(sent) != 1 || len(sent[0].lists) != 1 || sent[0].log == nil || sent[0].log.TreeSize != 5 {
		t.Fatalf("tick %+v, sent %+v", res, sent)
	}
	if it := e.item("status:list-a:1"); it.State != anchor.Submitted || it.TxHash != res.TxHash {
		t.Fatalf("after submit: %+v", it)
	}
	res = e.tick(e.w)
	if res.Confirmed != 2 || res.Submitted != 0 {
		t.Fatalf("second tick %+v", res)
	}
	rc, err := e.reg.Receipt(e.ctx, sent[0].tx)
	if err != nil || !rc.Success {
		t.Fatalf("receipt %+v, %v", rc, err)
	}
	a := e.onChainStatus("list-a", 1, d)
	for _, id := range []string{"status:list-a:1", "log:5"} {
		it := e.item(id)
		if it.State != anchor.Confirmed || it.Block != rc.Block || it.Block != a.Block || it.BlockTime.IsZero() {
			t.Fatalf("%s: %+v (receipt block %d)", id, it, rc.Block)
		}
	}
	root, _ := e.log.Root(e.ctx, 5)
	if lr, ok, _ := e.reg.LogRoot(e.ctx, 5); !ok || lr.Digest != root {
		t.Fatalf("log root on chain %x, want %x", lr.Digest, root)
	}
	if n := e.backlog(); n != 0 {
		t.Fatalf("backlog %d", n)
	}
	// Nothing new: an idle tick sends nothing.
	if res := e.tick(e.w); res.Submitted != 0 || len(e.fl.sentTxs()) != 1 {
		t.Fatalf("idle tick %+v", res)
	}
	// The log grew: the next root goes out alone.
	e.appendLeaves(2)
	if res := e.tick(e.w); res.Submitted != 1 || e.fl.sentTxs()[1].log.TreeSize != 7 {
		t.Fatalf("tick after growth %+v", res)
	}
}

// TestWorkerChainDown: while the chain is down items stay pending and the
// backlog is reported; once it is back they are anchored.
func TestWorkerChainDown(t *testing.T) {
	e := newEnv(t)
	e.fl.set(func(f *flaky) { f.down = true })
	d1 := e.enqueue("list-a", 1)
	d2 := e.enqueue("list-b", 1)
	e.appendLeaves(3)
	for range 3 {
		if _, err := e.w.TickReport(e.ctx); !errors.Is(err, fault.ErrUnavailable) {
			t.Fatalf("tick with the chain down: %v", err)
		}
	}
	if n := e.backlog(); n != 2 {
		t.Fatalf("backlog %d, want 2", n)
	}
	if it := e.item("status:list-a:1"); it.State != anchor.Pending {
		t.Fatalf("item while down: %+v", it)
	}

	// The node answers reads but refuses transactions: items back off.
	e.fl.set(func(f *flaky) { f.down, f.anchorDown = false, true })
	if _, err := e.w.TickReport(e.ctx); !errors.Is(err, fault.ErrUnavailable) {
		t.Fatalf("tick with anchoring down: %v", err)
	}
	it := e.item("status:list-a:1")
	if it.State != anchor.Pending || it.Attempts != 1 || !it.NextAttempt.After(e.clk.now()) || it.LastError != "chain unavailable" {
		t.Fatalf("item after failed submit: %+v", it)
	}
	if n := e.backlog(); n != 3 { // two versions and the log root
		t.Fatalf("backlog %d, want 3", n)
	}

	e.fl.set(func(f *flaky) { f.anchorDown = false })
	if res := e.tick(e.w); res.Submitted != 0 {
		t.Fatalf("submitted before the backoff elapsed: %+v", res)
	}
	e.clk.add(2 * time.Second)
	if res := e.tick(e.w); res.Submitted != 3 {
		t.Fatalf("tick after recovery %+v", res)
	}
	if res := e.tick(e.w); res.Confirmed != 3 {
		t.Fatalf("confirm tick %+v", res)
	}
	e.onChainStatus("list-a", 1, d1)
	e.onChainStatus("list-b", 1, d2)
	if n := e.backlog(); n != 0 {
		t.Fatalf("backlog %d after recovery", n)
	}
}

// TestWorkerResubmission covers the crash windows between submitting and
// confirming; every version ends up anchored exactly once.
func TestWorkerResubmission(t *testing.T) {
	e := newEnv(t)

	// 1. A previous process sent the transaction and died before recording
	// it: the items are still pending. The chain's state confirms them
	// without a new transaction.
	d1 := e.enqueue("list-a", 1)
	tx, err := e.reg.Anchor(e.ctx, []anchor.StatusAnchor{{ListID: "list-a", Version: 1, Digest: d1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := e.reg.Wait(e.ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	restarted := e.worker("replica-1")
	if res := e.tick(restarted); res.Confirmed != 1 || res.Submitted != 0 || len(e.fl.sentTxs()) != 0 {
		t.Fatalf("tick after restart %+v (sent %d)", res, len(e.fl.sentTxs()))
	}
	if it := e.item("status:list-a:1"); it.State != anchor.Confirmed || it.Block != rc.Block {
		t.Fatalf("recovered item %+v, receipt block %d", it, rc.Block)
	}

	// 2. The node accepted a transaction that never got mined (dropped, or
	// lost with the last blocks of a crashed node): after the submit
	// timeout the items are sent again.
	d2 := e.enqueue("list-a", 2)
	e.fl.set(func(f *flaky) { f.drop = true })
	res := e.tick(restarted)
	if res.Submitted != 1 {
		t.Fatalf("dropped submit %+v", res)
	}
	e.fl.set(func(f *flaky) { f.drop = false })
	if res := e.tick(restarted); res.Submitted != 0 || res.Requeued != 0 {
		t.Fatalf("resubmitted before the timeout: %+v", res)
	}
	e.clk.add(31 * time.Second)
	res = e.tick(restarted)
	if res.Requeued != 1 || res.Submitted != 1 {
		t.Fatalf("resubmission tick %+v", res)
	}
	if res := e.tick(restarted); res.Confirmed != 1 {
		t.Fatalf("confirm after resubmission %+v", res)
	}
	a2 := e.onChainStatus("list-a", 2, d2)

	// 3. A confirmed item that some replica still thinks pending is
	// confirmed again from the chain, and a duplicate transaction with
	// the same digest is a no-op: the anchor stays where it was.
	it := e.item("status:list-a:2")
	it.State, it.TxHash, it.Block = anchor.Pending, "", 0
	if err := e.st.UpdateItem(e.ctx, it); err != nil {
		t.Fatal(err)
	}
	before := len(e.fl.sentTxs())
	if res := e.tick(restarted); res.Confirmed != 1 || len(e.fl.sentTxs()) != before {
		t.Fatalf("re-confirm %+v", res)
	}
	dup, err := e.reg.Anchor(e.ctx, []anchor.StatusAnchor{{ListID: "list-a", Version: 2, Digest: d2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rc, err := e.reg.Wait(e.ctx, dup); err != nil || !rc.Success {
		t.Fatalf("duplicate anchor: %+v, %v", rc, err)
	}
	if a := e.onChainStatus("list-a", 2, d2); a.Block != a2.Block {
		t.Fatalf("duplicate moved the anchor from block %d to %d", a2.Block, a.Block)
	}
	for _, id := range []string{"status:list-a:1", "status:list-a:2"} {
		if it := e.item(id); it.State != anchor.Confirmed {
			t.Fatalf("%s: %+v", id, it)
		}
	}
	if n := e.backlog(); n != 0 {
		t.Fatalf("backlog %d", n)
	}
}

// TestWorkerConflictDoesNotPoisonBatch: a version the chain holds with a
// different digest is held back; the rest of the batch is anchored.
func TestWorkerConflictDoesNotPoisonBatch(t *testing.T) {
	e := newEnv(t)
	tx, err := e.reg.Anchor(e.ctx, []anchor.StatusAnchor{{ListID: "list-x", Version: 1, Digest: digest("forged")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.Wait(e.ctx, tx); err != nil {
		t.Fatal(err)
	}
	e.enqueue("list-x", 1)
	good := e.enqueue("list-y", 1)
	if res := e.tick(e.w); res.Submitted != 1 {
		t.Fatalf("tick %+v", res)
	}
	e.tick(e.w)
	e.onChainStatus("list-y", 1, good)
	if it := e.item("status:list-x:1"); it.State != anchor.Pending || it.LastError == "" {
		t.Fatalf("conflicting item %+v", it)
	}
	if n := e.backlog(); n != 1 {
		t.Fatalf("backlog %d", n)
	}
}

func TestWorkerLeaseAndDepth(t *testing.T) {
	e := newEnv(t, anchor.WithConfirmations(2))
	other := e.worker("replica-2", anchor.WithConfirmations(2))
	e.enqueue("list-a", 1)
	res := e.tick(e.w)
	if res.Submitted != 1 {
		t.Fatalf("tick %+v", res)
	}
	if res, err := other.TickReport(e.ctx); err != nil || !res.Idle {
		t.Fatalf("second replica while the lease is held: %+v, %v", res, err)
	}
	// Mined but one block deep: not confirmed yet.
	if res := e.tick(e.w); res.Confirmed != 0 {
		t.Fatalf("confirmed at depth 1: %+v", res)
	}
	e.enqueue("list-b", 1) // its transaction adds a block
	e.tick(e.w)
	if res := e.tick(e.w); res.Confirmed != 1 {
		t.Fatalf("confirm tick %+v", res)
	}
	if it := e.item("status:list-a:1"); it.State != anchor.Confirmed {
		t.Fatalf("list-a at depth 2: %+v", it)
	}
}

// TestEvidence builds a bundle from the stores, checks it against the
// chain alone (also after a JSON round trip), and sees it fail when the
// credential or a status list digest is altered.
func TestEvidence(t *testing.T) {
	e := newEnv(t)
	const cred = "eyJhbGciOiJFZERTQSJ9.eyJpZCI6InVybjp1dWlkOmV2aWRlbmNlIn0.c2ln"
	e.appendLeaves(6)
	if _, err := e.log.Append(e.ctx, "urn:uuid:evidence", anchor.CredentialHash([]byte(cred))); err != nil {
		t.Fatal(err)
	}
	e.appendLeaves(3)
	listCred := `{"type":["VerifiableCredential","BitstringStatusListCredential"]}`
	if err := e.w.Enqueue(e.ctx, "list-a", 1, anchor.CredentialHash([]byte(listCred))); err != nil {
		t.Fatal(err)
	}
	e.tick(e.w)
	e.tick(e.w)

	ev, err := anchor.NewEvidence(e.ctx, e.st, e.log, "urn:uuid:evidence", cred,
		[]anchor.ListVersion{{ListID: "list-a", Version: 1, Credential: listCred}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.LeafIndex != 6 || ev.TreeSize != 10 || ev.LogAnchor == nil || ev.LogAnchor.Block == 0 ||
		len(ev.StatusLists) != 1 || ev.StatusLists[0].Anchor == nil {
		t.Fatalf("evidence %+v", ev)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var offline anchor.Evidence
	if err := json.Unmarshal(b, &offline); err != nil {
		t.Fatal(err)
	}
	checks, err := anchor.VerifyEvidence(e.ctx, &offline, e.reg)
	if err != nil {
		t.Fatal(err)
	}
	if !anchor.Verified(checks) || len(checks) != 4 {
		t.Fatalf("checks %+v", checks)
	}

	failed := func(checks []anchor.Check) map[string]bool {
		m := map[string]bool{}
		for _, c := range checks {
			if !c.OK {
				m[c.Name] = true
			}
		}
		return m
	}
	altered := offline
	altered.Credential = cred[:len(cred)-1] + "x"
	checks, err = anchor.VerifyEvidence(e.ctx, &altered, e.reg)
	if err != nil {
		t.Fatal(err)
	}
	if f := failed(checks); !f["credential_hash"] || !f["inclusion_proof"] || f["issuance_anchor"] {
		t.Fatalf("altered credential: %+v", checks)
	}
	altered = offline
	other := credHash(0)
	altered.CredentialHash = hex.EncodeToString(other[:]) // swap in another logged credential's hash
	checks, _ = anchor.VerifyEvidence(e.ctx, &altered, e.reg)
	if f := failed(checks); !f["credential_hash"] {
		t.Fatalf("swapped hash: %+v", checks)
	}
	altered = offline
	altered.StatusLists = []anchor.StatusEvidence{offline.StatusLists[0]}
	altered.StatusLists[0].Credential = `{"type":["forged"]}`
	forged := digest(`{"type":["forged"]}`)
	altered.StatusLists[0].Digest = hex.EncodeToString(forged[:])
	checks, _ = anchor.VerifyEvidence(e.ctx, &altered, e.reg)
	if f := failed(checks); !f["status_anchor"] || f["credential_hash"] {
		t.Fatalf("forged status list: %+v", checks)
	}
	altered = offline
	altered.TreeSize = 9 // no root is anchored for it
	checks, _ = anchor.VerifyEvidence(e.ctx, &altered, e.reg)
	if f := failed(checks); !f["issuance_anchor"] {
		t.Fatalf("wrong tree size: %+v", checks)
	}

	// A chain that cannot be reached is an error, not a failed check.
	e.fl.set(func(f *flaky) { f.down = true })
	if _, err := anchor.VerifyEvidence(e.ctx, &offline, e.fl); !errors.Is(err, fault.ErrUnavailable) {
		t.Fatalf("verify with the chain down: %v", err)
	}
}

// TestWorkerRun drives the loop until the backlog is anchored, with the
// chain down for the first ticks.
func TestWorkerRun(t *testing.T) {
	e := newEnv(t)
	var logs syncBuffer
	w := anchor.NewWorker(e.st, e.fl, e.log, anchor.WithInterval(5*time.Millisecond),
		anchor.WithBackoff(5*time.Millisecond, 20*time.Millisecond),
		anchor.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	e.fl.set(func(f *flaky) { f.down = true })
	d := e.enqueue("list-a", 1)
	e.appendLeaves(2)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	time.Sleep(50 * time.Millisecond)
	e.fl.set(func(f *flaky) { f.down = false })
	deadline := time.Now().Add(30 * time.Second)
	for e.backlog() != 0 || e.item("status:list-a:1").State != anchor.Confirmed {
		if time.Now().After(deadline) {
			t.Fatalf("backlog %d after 30 s; log:\n%s", e.backlog(), logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	e.onChainStatus("list-a", 1, d)
	out := logs.String()
	for _, want := range []string{"anchor: tick failed", "backlog=", "anchor: chain reachable again", "anchor: progress"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWorkerRecheck: an outbox item recorded as confirmed whose anchor the
// chain does not hold (blocks lost by a crashed node; here a row written
// through the adapter, as a crash would leave it) is found by the re-check
// on start, sent again and confirmed from the chain; a confirmed item the
// chain holds is left alone; re-checks then run every interval.
func TestWorkerRecheck(t *testing.T) {
	e := newEnv(t, anchor.WithRecheck(time.Hour, time.Minute))
	kept := e.enqueue("list-kept", 1)
	if res := e.tick(e.w); res.Submitted == 0 {
		t.Fatalf("first tick %+v", res)
	}
	if res := e.tick(e.w); res.Confirmed == 0 {
		t.Fatalf("second tick %+v", res)
	}
	keptBlock := e.item("status:list-kept:1").Block

	lost := digest("list-lost v1")
	now := e.clk.now()
	if err := e.st.Enqueue(e.ctx, &anchor.Item{
		ID: anchor.StatusItemID("list-lost", 1), Kind: anchor.KindStatusList, ListID: "list-lost", Version: 1,
		Digest: hex.EncodeToString(lost[:]), State: anchor.Confirmed, TxHash: "0x" + strings.Repeat("cc", 32),
		Block: 3, BlockTime: now, Attempts: 1, CreatedAt: now, UpdatedAt: now,
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := e.reg.StatusAnchor(e.ctx, "list-lost", 1); err != nil || ok {
		t.Fatalf("the chain holds the fabricated anchor: %v %v", ok, err)
	}

	restarted := e.worker("replica-1", anchor.WithRecheck(time.Hour, time.Minute))
	res := e.tick(restarted)
	if res.Rechecked < 2 || res.Requeued != 1 || res.Submitted != 1 {
		t.Fatalf("re-check on start %+v", res)
	}
	if res := e.tick(restarted); res.Confirmed != 1 || res.Rechecked != 0 {
		t.Fatalf("tick after the re-send %+v (re-checks wait for the interval)", res)
	}
	a := e.onChainStatus("list-lost", 1, lost)
	if it := e.item("status:list-lost:1"); it.State != anchor.Confirmed || it.Block != a.Block {
		t.Fatalf("re-sent item %+v, chain block %d", it, a.Block)
	}
	e.onChainStatus("list-kept", 1, kept)
	if it := e.item("status:list-kept:1"); it.State != anchor.Confirmed || it.Block != keptBlock {
		t.Fatalf("kept item changed: %+v", it)
	}
	e.clk.add(61 * time.Second)
	if res := e.tick(restarted); res.Rechecked < 2 || res.Requeued != 0 {
		t.Fatalf("periodic re-check %+v", res)
	}
}

// TestWorkerRegistrySwitch: a node that switched to a new registry (the
// previous release's one is replaced) has an outbox of items confirmed on
// the old registry, most older than the re-check window. The windowed
// re-check does not see them; WithFullRecheck reads every confirmed item
// back from the new registry, so every status list version and log root is
// anchored into it, and then reports that it is done.
func TestWorkerRegistrySwitch(t *testing.T) {
	e := newEnv(t)
	var want = map[string][32]byte{}
	for _, l := range []string{"list-a", "list-b"} {
		for v := 1; v <= 2; v++ {
			want[anchor.StatusItemID(l, v)] = e.enqueue(l, v)
		}
	}
	e.appendLeaves(3)
	for i := 0; i < 4; i++ {
		e.tick(e.w)
	}
	e.appendLeaves(2)
	for i := 0; i < 3; i++ {
		e.tick(e.w)
	}
	if n := e.backlog(); n != 0 {
		t.Fatalf("backlog %d on the old registry", n)
	}
	for _, size := range []uint64{3, 5} {
		if _, ok, err := e.reg.LogRoot(e.ctx, size); !ok || err != nil {
			t.Fatalf("old registry lacks the root of size %d: %v", size, err)
		}
	}

	// The switch, a day later.
	e.clk.add(24 * time.Hour)
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	next, _, err := chain.Deploy(ctx, e.dev.Client(), e.dev.Key(), chain.Founder{Name: "node", BaseURL: "https://node.test"}, chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatal(err)
	}
	e.reg = next
	base := []anchor.WorkerOption{anchor.WithClock(e.clk.now), anchor.WithLogger(e.quiet),
		anchor.WithLease(anchor.DefaultLeaseName, "replica-1", time.Minute), anchor.WithBackoff(time.Second, 8*time.Second)}

	windowed := anchor.NewWorker(e.st, next, e.log, base...)
	if res := e.tick(windowed); res.Rechecked != 0 || res.Requeued != 0 {
		t.Fatalf("windowed re-check after the switch %+v: it should not reach day-old items", res)
	}

	done := 0
	full := anchor.NewWorker(e.st, next, e.log, append(base, anchor.WithFullRecheck(func(context.Context) error { done++; return nil }))...)
	res := e.tick(full)
	if res.Rechecked != 6 || res.Requeued != 6 || done != 1 {
		t.Fatalf("full re-check %+v, done %d; want 6 items re-checked and requeued, done once", res, done)
	}
	for i := 0; e.backlog() != 0; i++ {
		if i > 10 {
			t.Fatalf("backlog %d after %d ticks", e.backlog(), i)
		}
		e.tick(full)
	}
	for id, d := range want {
		it := e.item(id)
		e.onChainStatus(it.ListID, uint64(it.Version), d)
	}
	for _, size := range []uint64{3, 5} {
		root, _ := e.log.Root(e.ctx, int64(size))
		if a, ok, err := next.LogRoot(e.ctx, size); !ok || err != nil || a.Digest != root {
			t.Fatalf("new registry root of size %d: %x ok=%v err=%v", size, a.Digest, ok, err)
		}
	}
	if res := e.tick(full); res.Rechecked != 0 || done != 1 {
		t.Fatalf("the full re-check ran again: %+v, done %d", res, done)
	}
}

// TestWorkerNotMember: a node whose account is not (yet) a member of the
// consortium registry cannot anchor. Run says so once, with the account and
// what to do, keeps the items pending with the reason and backs off; once a
// member admits the account the items are anchored.
func TestWorkerNotMember(t *testing.T) {
	e := newEnv(t)
	outsider := chaintest.Member(t, e.dev, e.reg)
	var logs syncBuffer
	w := anchor.NewWorker(e.st, outsider, e.log, anchor.WithInterval(2*time.Millisecond),
		anchor.WithBackoff(2*time.Millisecond, 20*time.Millisecond),
		anchor.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	d := e.enqueue("list-a", 1)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(e.item("status:list-a:1").LastError, "not an active member") {
		if time.Now().After(deadline) {
			t.Fatalf("item %+v; log:\n%s", e.item("status:list-a:1"), logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // many ticks at this interval
	out := logs.String()
	if n := strings.Count(out, "refuses this node's anchors"); n != 1 {
		t.Fatalf("the refusal is logged %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, outsider.From().Hex()) || !strings.Contains(out, "vcctl consortium propose") || strings.Contains(out, "tick failed") {
		t.Fatalf("log does not name the account and the command, or logs each failure:\n%s", out)
	}
	if it := e.item("status:list-a:1"); it.State != anchor.Pending {
		t.Fatalf("item %+v", it)
	}

	if _, err := e.reg.ProposeAdmission(e.ctx, outsider.From(), "outsider", "https://outsider.test"); err != nil {
		t.Fatal(err)
	}
	for e.item("status:list-a:1").State != anchor.Confirmed {
		if time.Now().After(deadline) {
			t.Fatalf("not anchored after admission; log:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if a, ok, err := outsider.StatusAnchor(e.ctx, "list-a", 1); err != nil || !ok || a.Digest != d {
		t.Fatalf("anchor in the new member's namespace: %+v ok=%v err=%v", a, ok, err)
	}
	cancel()
	<-done
	if out := logs.String(); !strings.Contains(out, "accepts this node's anchors again") {
		t.Fatalf("log lacks the recovery:\n%s", out)
	}
}

// overlapDetector is a registry that notices two calls of Head at once;
// a tick reads the head once, so overlapping Heads are overlapping ticks.
type overlapDetector struct {
	anchor.Registry
	inside  atomic.Int32
	overlap atomic.Bool
}

func (o *overlapDetector) Head(ctx context.Context) (uint64, error) {
	if o.inside.Add(1) > 1 {
		o.overlap.Store(true)
	}
	defer o.inside.Add(-1)
	time.Sleep(2 * time.Millisecond)
	return o.Registry.Head(ctx)
}

// TestWorkerConcurrentTicks ticks one worker from several goroutines at
// once (as vcserve's loop and an operator's "anchor now" do): the ticks
// run one at a time, since they share the lease holder and the re-check
// state, and the outbox still ends confirmed.
func TestWorkerConcurrentTicks(t *testing.T) {
	e := newEnv(t)
	reg := &overlapDetector{Registry: e.fl}
	w := anchor.NewWorker(e.st, reg, e.log, anchor.WithClock(e.clk.now), anchor.WithLogger(e.quiet),
		anchor.WithLease(anchor.DefaultLeaseName, "replica-1", time.Minute), anchor.WithRecheck(time.Millisecond, time.Minute))
	for i := range 4 {
		e.enqueue(fmt.Sprintf("list-%d", i), 1)
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			var err error
			for range 5 {
				if err = w.Tick(e.ctx); err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if reg.overlap.Load() {
		t.Fatal("two ticks of one worker ran at once")
	}
	for range 5 {
		e.tick(w)
	}
	for i := range 4 {
		if it := e.item(anchor.StatusItemID(fmt.Sprintf("list-%d", i), 1)); it.State != anchor.Confirmed {
			t.Errorf("list-%d: %s after the ticks, want confirmed", i, it.State)
		}
	}
}
