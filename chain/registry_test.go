package chain_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/chain/contracts"
	"github.com/citizencloud/citizencredentials/fault"
)

var registryABI = contracts.NewCitizenCredentialRegistry()

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var testFounder = chain.Founder{Name: "founder", BaseURL: chaintest.FounderURL}

func digest(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// mined waits for txHash and fails the test unless it succeeded.
func mined(t testing.TB, reg *chain.Registry, txHash string) *anchor.Receipt {
	t.Helper()
	rec, err := reg.Wait(testCtx(t), txHash)
	if err != nil {
		t.Fatalf("wait %s: %v", txHash, err)
	}
	if !rec.Success {
		t.Fatalf("transaction %s reverted", txHash)
	}
	return rec
}

// logsOf returns the registry events in txHash's receipt.
func logsOf(t testing.TB, dev *chain.Dev, txHash string) []*types.Log {
	t.Helper()
	rec, err := dev.Client().TransactionReceipt(testCtx(t), common.HexToHash(txHash))
	if err != nil {
		t.Fatalf("receipt %s: %v", txHash, err)
	}
	return rec.Logs
}

func TestAnchorStatusListRules(t *testing.T) {
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	list := anchor.StatusAnchor{ListID: "https://bureau.example/status/1", Version: 1, Digest: digest("v1")}

	// First anchor: stored with its block and time, one event.
	tx, err := reg.Anchor(ctx, []anchor.StatusAnchor{list}, nil)
	if err != nil {
		t.Fatalf("anchor: %v", err)
	}
	rec := mined(t, reg, tx)
	got, ok, err := reg.StatusAnchor(ctx, list.ListID, list.Version)
	if err != nil || !ok {
		t.Fatalf("status anchor: ok=%v err=%v", ok, err)
	}
	want := anchor.Anchored{Digest: list.Digest, Block: rec.Block, BlockTime: rec.BlockTime}
	if got != want {
		t.Fatalf("status anchor = %+v, want %+v", got, want)
	}
	logs := logsOf(t, dev, tx)
	if len(logs) != 1 {
		t.Fatalf("first anchor: %d events, want 1", len(logs))
	}
	ev, err := registryABI.UnpackStatusListAnchoredEvent(logs[0])
	if err != nil {
		t.Fatalf("unpack event: %v", err)
	}
	if ev.ListId != chain.HashString(list.ListID) || ev.Version != 1 || ev.Digest != list.Digest {
		t.Fatalf("event = %+v", ev)
	}

	// Same digest again: a successful no-op without an event.
	tx, err = reg.Anchor(ctx, []anchor.StatusAnchor{list}, nil)
	if err != nil {
		t.Fatalf("re-anchor: %v", err)
	}
	mined(t, reg, tx)
	if logs := logsOf(t, dev, tx); len(logs) != 0 {
		t.Fatalf("re-anchor emitted %d events, want 0", len(logs))
	}
	if again, _, _ := reg.StatusAnchor(ctx, list.ListID, list.Version); again != want {
		t.Fatalf("after re-anchor = %+v, want %+v", again, want)
	}

	// Another digest for the anchored version: conflict, nothing sent.
	conflicting := list
	conflicting.Digest = digest("forged")
	_, err = reg.Anchor(ctx, []anchor.StatusAnchor{conflicting}, nil)
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("conflicting anchor: err = %v, want fault.ErrConflict", err)
	}

	// A batch holding one new version and the conflict reverts as a whole.
	next := anchor.StatusAnchor{ListID: list.ListID, Version: 2, Digest: digest("v2")}
	_, err = reg.Anchor(ctx, []anchor.StatusAnchor{next, conflicting}, nil)
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("batch with conflict: err = %v, want fault.ErrConflict", err)
	}
	if _, ok, _ := reg.StatusAnchor(ctx, next.ListID, next.Version); ok {
		t.Fatal("batch with conflict anchored its other list")
	}

	// Unknown versions read as absent.
	if _, ok, err := reg.StatusAnchor(ctx, list.ListID, 99); ok || err != nil {
		t.Fatalf("unknown version: ok=%v err=%v", ok, err)
	}
}

func TestConflictRevertsOnChain(t *testing.T) {
	// Bypass gas estimation (which catches the conflict before sending) to
	// show that the contract itself reverts, and that the registry's nonce
	// recovers after another sender used its key.
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	list := anchor.StatusAnchor{ListID: "list", Version: 7, Digest: digest("a")}
	mined(t, reg, sent(t)(reg.Anchor(ctx, []anchor.StatusAnchor{list}, nil)))

	opts := bind.NewKeyedTransactor(dev.Key(), chain.DevChainID)
	opts.Context = ctx
	opts.GasLimit = 200_000
	opts.GasTipCap = big.NewInt(params.GWei)
	opts.GasFeeCap = big.NewInt(10 * params.GWei)
	data := registryABI.PackAnchorBatch([][32]byte{chain.HashString("list")}, []uint64{7}, [][32]byte{digest("b")}, [32]byte{}, 0)
	tx, err := bind.Transact(registryABI.Instance(dev.Client(), reg.Address()), opts, data)
	if err != nil {
		t.Fatalf("raw transact: %v", err)
	}
	rec, err := reg.Wait(ctx, tx.Hash().Hex())
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if rec.Success {
		t.Fatal("conflicting digest was mined successfully, want a revert")
	}
	if got, _, _ := reg.StatusAnchor(ctx, list.ListID, list.Version); got.Digest != list.Digest {
		t.Fatalf("digest changed to %x", got.Digest)
	}

	// The registry's cached nonce is now stale; the next send must recover.
	mined(t, reg, sent(t)(reg.Anchor(ctx, []anchor.StatusAnchor{{ListID: "list", Version: 8, Digest: digest("c")}}, nil)))
}

func TestAnchorLogRootRules(t *testing.T) {
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	root := &anchor.LogAnchor{Root: digest("root-5"), TreeSize: 5}

	tx := sent(t)(reg.Anchor(ctx, nil, root))
	rec := mined(t, reg, tx)
	got, ok, err := reg.LogRoot(ctx, 5)
	if err != nil || !ok {
		t.Fatalf("log root: ok=%v err=%v", ok, err)
	}
	if want := (anchor.Anchored{Digest: root.Root, Block: rec.Block, BlockTime: rec.BlockTime}); got != want {
		t.Fatalf("log root = %+v, want %+v", got, want)
	}
	logs := logsOf(t, dev, tx)
	if len(logs) != 1 {
		t.Fatalf("%d events, want 1", len(logs))
	}
	ev, err := registryABI.UnpackLogRootAnchoredEvent(logs[0])
	if err != nil || ev.Root != root.Root || ev.TreeSize != 5 {
		t.Fatalf("event = %+v, err = %v", ev, err)
	}

	tx = sent(t)(reg.Anchor(ctx, nil, root))
	mined(t, reg, tx)
	if logs := logsOf(t, dev, tx); len(logs) != 0 {
		t.Fatalf("re-anchor emitted %d events, want 0", len(logs))
	}

	_, err = reg.Anchor(ctx, nil, &anchor.LogAnchor{Root: digest("other"), TreeSize: 5})
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("conflicting root: err = %v, want fault.ErrConflict", err)
	}
	if _, ok, err := reg.LogRoot(ctx, 6); ok || err != nil {
		t.Fatalf("unknown tree size: ok=%v err=%v", ok, err)
	}
}

func TestAnchorInvalid(t *testing.T) {
	_, reg := chaintest.Open(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name  string
		lists []anchor.StatusAnchor
		log   *anchor.LogAnchor
	}{
		{"fail/nothing", nil, nil},
		{"fail/zero-digest", []anchor.StatusAnchor{{ListID: "l", Version: 1}}, nil},
		{"fail/zero-root", nil, &anchor.LogAnchor{TreeSize: 3}},
		{"fail/tree-size-0", nil, &anchor.LogAnchor{Root: digest("r")}},
		{"fail/too-large-for-a-block", manyLists(1000), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reg.Anchor(ctx, tc.lists, tc.log)
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v (code %s), want code invalid", err, fault.CodeOf(err))
			}
			t.Log(err)
		})
	}
}

func TestAnchorBatchOneTransaction(t *testing.T) {
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	const n = 220 // ~15.3M gas: near the Osaka per-transaction cap, so the gas headroom must be clipped
	lists := make([]anchor.StatusAnchor, n)
	for i := range lists {
		lists[i] = anchor.StatusAnchor{ListID: fmt.Sprintf("list-%d", i), Version: uint64(i + 1), Digest: digest(fmt.Sprint(i))}
	}
	log := &anchor.LogAnchor{Root: digest("root"), TreeSize: 1000}
	tx := sent(t)(reg.Anchor(ctx, lists, log))
	rec := mined(t, reg, tx)
	if logs := logsOf(t, dev, tx); len(logs) != n+1 {
		t.Fatalf("%d events, want %d", len(logs), n+1)
	}
	for _, l := range lists {
		got, ok, err := reg.StatusAnchor(ctx, l.ListID, l.Version)
		if err != nil || !ok || got.Digest != l.Digest || got.Block != rec.Block {
			t.Fatalf("%s v%d: %+v ok=%v err=%v", l.ListID, l.Version, got, ok, err)
		}
	}
	if got, ok, _ := reg.LogRoot(ctx, 1000); !ok || got.Block != rec.Block {
		t.Fatalf("log root: %+v ok=%v", got, ok)
	}
	t.Logf("anchorBatch of %d lists + log root: %d gas", n, rec.GasUsed)
}

func TestIssuer(t *testing.T) {
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	const did = "did:web:bureau.example"
	if _, ok, err := reg.Issuer(ctx, did); ok || err != nil {
		t.Fatalf("unknown issuer: ok=%v err=%v", ok, err)
	}
	entry := anchor.IssuerEntry{
		DID:              did,
		KeyFingerprints:  [][32]byte{digest("k1"), digest("k2")},
		AllowedTypesHash: digest("DrivingLicence,ResidencePermit"),
		Active:           true,
	}
	tx := sent(t)(reg.SetIssuer(ctx, entry))
	mined(t, reg, tx)
	got, ok, err := reg.Issuer(ctx, did)
	if err != nil || !ok {
		t.Fatalf("issuer: ok=%v err=%v", ok, err)
	}
	if fmt.Sprint(got) != fmt.Sprint(entry) {
		t.Fatalf("issuer = %+v, want %+v", got, entry)
	}
	logs := logsOf(t, dev, tx)
	if len(logs) != 1 {
		t.Fatalf("%d events, want 1", len(logs))
	}
	ev, err := registryABI.UnpackIssuerSetEvent(logs[0])
	if err != nil || ev.DidHash != chain.HashString(did) || !ev.Active || len(ev.KeyFingerprints) != 2 {
		t.Fatalf("event = %+v, err = %v", ev, err)
	}

	// Deactivate with no keys: a new entry and a new event.
	entry.Active, entry.KeyFingerprints = false, nil
	mined(t, reg, sent(t)(reg.SetIssuer(ctx, entry)))
	got, ok, err = reg.Issuer(ctx, did)
	if err != nil || !ok || got.Active || len(got.KeyFingerprints) != 0 {
		t.Fatalf("deactivated issuer = %+v ok=%v err=%v", got, ok, err)
	}
}

func TestConcurrentAnchors(t *testing.T) {
	_, reg := chaintest.Open(t)
	ctx := testCtx(t)
	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				l := anchor.StatusAnchor{ListID: fmt.Sprintf("w%d", w), Version: uint64(i), Digest: digest(fmt.Sprint(w, i))}
				tx, err := reg.Anchor(ctx, []anchor.StatusAnchor{l}, nil)
				if err != nil {
					errs <- err
					continue
				}
				if rec, err := reg.Wait(ctx, tx); err != nil || !rec.Success {
					errs <- fmt.Errorf("wait %s: %+v, %v", tx, rec, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestReceipt(t *testing.T) {
	_, reg := chaintest.Open(t)
	ctx := testCtx(t)
	_, err := reg.Receipt(ctx, common.Hash{1}.Hex())
	if !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown tx: err = %v, want fault.ErrNotFound", err)
	}
	if _, err := reg.Receipt(ctx, "0x12"); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("malformed hash: err = %v, want invalid", err)
	}
	tx := sent(t)(reg.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: 1, Digest: digest("d")}}, nil))
	waited := mined(t, reg, tx)
	got, err := reg.Receipt(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *waited || got.TxHash != tx || got.GasUsed == 0 || got.BlockTime.IsZero() {
		t.Fatalf("receipt = %+v, waited %+v", got, waited)
	}
	head, err := reg.Head(ctx)
	if err != nil || head < got.Block {
		t.Fatalf("head = %d (err %v), below receipt block %d", head, err, got.Block)
	}
}

func TestUnavailable(t *testing.T) {
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	checks := map[string]func() error{
		"head": func() error { _, err := reg.Head(ctx); return err },
		"anchor": func() error {
			_, err := reg.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: 1, Digest: digest("d")}}, nil)
			return err
		},
		"receipt": func() error { _, err := reg.Receipt(ctx, common.Hash{1}.Hex()); return err },
		"issuer":  func() error { _, _, err := reg.Issuer(ctx, "did:web:x"); return err },
		"status":  func() error { _, _, err := reg.StatusAnchor(ctx, "l", 1); return err },
		"logroot": func() error { _, _, err := reg.LogRoot(ctx, 1); return err },
	}
	for name, check := range checks {
		if err := check(); !errors.Is(err, fault.ErrUnavailable) {
			t.Errorf("%s after close: err = %v, want fault.ErrUnavailable", name, err)
		}
	}
}

func TestDialUnreachable(t *testing.T) {
	key, _ := crypto.GenerateKey()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := chain.Dial(ctx, "http://127.0.0.1:1", key)
	if !errors.Is(err, fault.ErrUnavailable) {
		t.Fatalf("err = %v, want fault.ErrUnavailable", err)
	}
}

// sent fails the test if submitting a transaction failed:
// sent(t)(reg.Anchor(...)) is the transaction hash.
func sent(t testing.TB) func(txHash string, err error) string {
	return func(txHash string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		return txHash
	}
}

func manyLists(n int) []anchor.StatusAnchor {
	lists := make([]anchor.StatusAnchor, n)
	for i := range lists {
		lists[i] = anchor.StatusAnchor{ListID: fmt.Sprintf("list-%d", i), Version: 1, Digest: digest(fmt.Sprint(i))}
	}
	return lists
}
