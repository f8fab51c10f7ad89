package chain_test

import (
	"fmt"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

// BenchmarkAnchorBatch anchors batches of new status list versions, one
// anchorBatch transaction per iteration, and waits for each receipt. It
// reports the gas of one transaction and per list; ns/op is the latency of
// send + mine + receipt on the embedded dev chain.
func BenchmarkAnchorBatch(b *testing.B) {
	for _, size := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("lists=%d", size), func(b *testing.B) {
			_, reg := chaintest.Open(b)
			ctx := testCtx(b)
			var gas uint64
			version := uint64(0)
			for b.Loop() {
				version++
				lists := make([]anchor.StatusAnchor, size)
				for i := range lists {
					lists[i] = anchor.StatusAnchor{ListID: fmt.Sprintf("list-%d", i), Version: version, Digest: digest(fmt.Sprint(i, version))}
				}
				rec := mined(b, reg, sent(b)(reg.Anchor(ctx, lists, nil)))
				gas += rec.GasUsed
			}
			b.ReportMetric(float64(gas)/float64(version), "gas/tx")
			b.ReportMetric(float64(gas)/float64(version)/float64(size), "gas/list")
		})
	}
}

// TestGas pins the gas of the anchoring transactions on the dev chain
// (Osaka rules), so that a contract or chain change that makes anchoring
// dearer is noticed; -v prints the table.
func TestGas(t *testing.T) {
	_, reg := chaintest.Open(t)
	ctx := testCtx(t)
	batch := func(n int, version uint64) []anchor.StatusAnchor {
		lists := make([]anchor.StatusAnchor, n)
		for i := range lists {
			lists[i] = anchor.StatusAnchor{ListID: fmt.Sprintf("list-%d", i), Version: version, Digest: digest(fmt.Sprint(i, version))}
		}
		return lists
	}
	gasOf := func(lists []anchor.StatusAnchor, log *anchor.LogAnchor) uint64 {
		return mined(t, reg, sent(t)(reg.Anchor(ctx, lists, log))).GasUsed
	}
	for _, tc := range []struct {
		name    string
		lists   []anchor.StatusAnchor
		log     *anchor.LogAnchor
		maxGas  uint64
		perList bool
	}{
		{"1 list", batch(1, 1), nil, 100_000, false},
		{"log root only", nil, &anchor.LogAnchor{Root: digest("r1"), TreeSize: 1}, 100_000, false},
		{"1 list + log root", batch(1, 2), &anchor.LogAnchor{Root: digest("r2"), TreeSize: 2}, 135_000, false},
		{"10 lists", batch(10, 3), nil, 75_000, true},
		{"100 lists", batch(100, 4), nil, 72_000, true},
		{"100 lists + log root", batch(100, 5), &anchor.LogAnchor{Root: digest("r3"), TreeSize: 3}, 57_000, true},
		{"100 lists again (no-op)", batch(100, 5), &anchor.LogAnchor{Root: digest("r3"), TreeSize: 3}, 10_000, true},
	} {
		gas := gasOf(tc.lists, tc.log)
		got, unit := gas, "gas/tx"
		if tc.perList {
			got, unit = gas/uint64(len(tc.lists)), "gas/list"
		}
		t.Logf("%-24s %9d gas/tx %9d %s", tc.name, gas, got, unit)
		if got > tc.maxGas {
			t.Errorf("%s: %d %s, above %d", tc.name, got, unit, tc.maxGas)
		}
	}
}

// TestGasPerCall measures the gas of every state-changing function of the
// registry on the dev chain (Osaka rules) and logs the table (-v prints it).
// The ceilings catch a contract change that makes a call much dearer.
func TestGasPerCall(t *testing.T) {
	dev, a := chaintest.Open(t)
	ctx := testCtx(t)
	type row struct {
		call   string
		gas    uint64
		maxGas uint64
	}
	var rows []row
	add := func(call string, gas, maxGas uint64) { rows = append(rows, row{call, gas, maxGas}) }

	_, _, err := chain.Deploy(ctx, dev.Client(), dev.Key(), chain.Founder{Name: "founder", BaseURL: chaintest.FounderURL}, chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatal(err)
	}
	add("constructor (deploy, founder admitted)", gasOfLast(t, dev, a.From()), 2_500_000)

	if err := a.UpdateMember(ctx, "founder", "https://founder.example"); err != nil {
		t.Fatal(err)
	}
	add("updateMember", gasOfLast(t, dev, a.From()), 60_000)

	b := chaintest.Member(t, dev, a)
	if _, err := a.ProposeAdmission(ctx, b.From(), "b", "https://b.example"); err != nil {
		t.Fatal(err)
	}
	add("proposeAdmission (1 member: executes)", gasOfLast(t, dev, a.From()), 350_000)

	c := chaintest.Member(t, dev, a)
	p, err := a.ProposeAdmission(ctx, c.From(), "c", "https://c.example")
	if err != nil {
		t.Fatal(err)
	}
	add("proposeAdmission (2 members: pending)", gasOfLast(t, dev, a.From()), 300_000)
	if _, err := b.Approve(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	add("approve (2 members: admission executes)", gasOfLast(t, dev, b.From()), 250_000)

	d := chaintest.Member(t, dev, a)
	p, err = a.ProposeAdmission(ctx, d.From(), "d", "https://d.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Approve(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	add("approve (3 members: admission executes)", gasOfLast(t, dev, b.From()), 250_000)

	// An admission approved by 2 of 4: pending until d's removal below
	// makes it a majority of the 3 left; then execute.
	e := chaintest.Member(t, dev, a)
	pending, err := a.ProposeAdmission(ctx, e.From(), "e", "https://e.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Approve(ctx, pending.ID); err != nil {
		t.Fatal(err)
	}
	add("approve (4 members: admission pending)", gasOfLast(t, dev, b.From()), 120_000)

	p, err = a.ProposeRemoval(ctx, d.From())
	if err != nil {
		t.Fatal(err)
	}
	add("proposeRemoval (4 members: pending)", gasOfLast(t, dev, a.From()), 200_000)
	if _, err := b.Approve(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	add("approve (4 members: removal pending)", gasOfLast(t, dev, b.From()), 100_000)
	if _, err := c.Approve(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	add("approve (removal executes)", gasOfLast(t, dev, c.From()), 130_000)
	if _, err := a.Execute(ctx, pending.ID); err != nil {
		t.Fatal(err)
	}
	add("execute (admission gained a majority by a removal)", gasOfLast(t, dev, a.From()), 250_000)

	fp := func(n int) [][32]byte {
		fps := make([][32]byte, n)
		for i := range fps {
			fps[i] = digest(fmt.Sprint("key", i))
		}
		return fps
	}
	add("setIssuer (new bureau, 1 key)", mined(t, a, sent(t)(a.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:x", KeyFingerprints: fp(1), Active: true}))).GasUsed, 160_000)
	add("setIssuer (update, 2 keys)", mined(t, a, sent(t)(a.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:x", KeyFingerprints: fp(2), Active: true}))).GasUsed, 100_000)
	add("setIssuer (deactivate, no keys)", mined(t, a, sent(t)(a.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:x", Active: false}))).GasUsed, 60_000)

	batch := func(n int, version uint64) []anchor.StatusAnchor {
		lists := make([]anchor.StatusAnchor, n)
		for i := range lists {
			lists[i] = anchor.StatusAnchor{ListID: fmt.Sprintf("list-%d", i), Version: version, Digest: digest(fmt.Sprint(i, version))}
		}
		return lists
	}
	gasOf := func(lists []anchor.StatusAnchor, log *anchor.LogAnchor) uint64 {
		return mined(t, a, sent(t)(a.Anchor(ctx, lists, log))).GasUsed
	}
	add("anchorBatch (1 list, first version)", gasOf(batch(1, 1), nil), 100_000)
	add("anchorBatch (1 list, next version)", gasOf(batch(1, 2), nil), 80_000)
	add("anchorBatch (log root only)", gasOf(nil, &anchor.LogAnchor{Root: digest("r1"), TreeSize: 1}), 100_000)
	add("anchorBatch (1 list + log root)", gasOf(batch(1, 3), &anchor.LogAnchor{Root: digest("r2"), TreeSize: 2}), 135_000)
	add("anchorBatch (100 new lists), per list", gasOf(batch(100, 4), nil)/100, 72_000)
	add("anchorBatch (100 next versions + root), per list", gasOf(batch(100, 5), &anchor.LogAnchor{Root: digest("r3"), TreeSize: 3})/100, 57_000)
	add("anchorBatch (100 repeated: no-op), per list", gasOf(batch(100, 5), &anchor.LogAnchor{Root: digest("r3"), TreeSize: 3})/100, 10_000)

	t.Logf("%-52s %10s", "call", "gas")
	for _, r := range rows {
		t.Logf("%-52s %10d", r.call, r.gas)
		if r.gas > r.maxGas {
			t.Errorf("%s: %d gas, above %d", r.call, r.gas, r.maxGas)
		}
	}
}
