package chain_test

import (
	"fmt"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
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
		{"1 list", batch(1, 1), nil, 80_000, false},
		{"log root only", nil, &anchor.LogAnchor{Root: digest("r1"), TreeSize: 1}, 80_000, false},
		{"1 list + log root", batch(1, 2), &anchor.LogAnchor{Root: digest("r2"), TreeSize: 2}, 125_000, false},
		{"10 lists", batch(10, 3), nil, 55_000, true},
		{"100 lists", batch(100, 4), nil, 50_000, true},
		{"100 lists + log root", batch(100, 5), &anchor.LogAnchor{Root: digest("r3"), TreeSize: 3}, 50_000, true},
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
