package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
)

func statusItem(listID string, v int, created time.Time) *anchor.Item {
	return &anchor.Item{
		ID:        fmt.Sprintf("status:%s:%d", listID, v),
		Kind:      anchor.KindStatusList,
		ListID:    listID,
		Version:   v,
		Digest:    fmt.Sprintf("%064x", v),
		State:     anchor.Pending,
		CreatedAt: created,
		UpdatedAt: created,
	}
}

func logItem(size int64, created time.Time) *anchor.Item {
	return &anchor.Item{
		ID:        fmt.Sprintf("log:%d", size),
		Kind:      anchor.KindLogRoot,
		Digest:    fmt.Sprintf("%064x", size),
		TreeSize:  size,
		State:     anchor.Pending,
		CreatedAt: created,
		UpdatedAt: created,
	}
}

func leaf(i int64) *anchor.Leaf {
	return &anchor.Leaf{Index: i, Hash: fmt.Sprintf("%064x", i+1), CredentialID: fmt.Sprintf("urn:uuid:%03d", i), CreatedAt: at(time.Duration(i) * time.Second)}
}

func anchorCases() []testCase {
	return []testCase{
		{"item/enqueue-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			a := statusItem("l1", 3, at(0)) // zero BlockTime and NextAttempt round-trip as zero
			b := logItem(1<<40, at(time.Second))
			ok(t, "Enqueue", s.Enqueue(ctx, a))
			ok(t, "Enqueue", s.Enqueue(ctx, b))
			got, err := s.Item(ctx, a.ID)
			ok(t, "Item", err)
			same(t, "status Item", got, a)
			if !got.BlockTime.IsZero() || !got.NextAttempt.IsZero() {
				t.Errorf("zero times came back non-zero: BlockTime %v, NextAttempt %v", got.BlockTime, got.NextAttempt)
			}
			got, err = s.Item(ctx, b.ID)
			ok(t, "Item", err)
			same(t, "log Item", got, b)
			conflict(t, "Enqueue same id", s.Enqueue(ctx, statusItem("l1", 3, at(time.Hour))))
			_, err = s.Item(ctx, "status:nope:1")
			notFound(t, "Item", err)
		}},
		{"item/update", func(t *testing.T, s Store) {
			ctx := t.Context()
			a := statusItem("l1", 1, at(0))
			ok(t, "Enqueue", s.Enqueue(ctx, a))
			ok(t, "Enqueue", s.Enqueue(ctx, statusItem("l1", 2, at(0))))
			u := *a
			u.State = anchor.Submitted
			u.TxHash = "0x" + fmt.Sprintf("%064x", 99)
			u.Attempts = 2
			u.NextAttempt = at(30 * time.Second)
			u.LastError = "chain unavailable"
			u.UpdatedAt = at(10 * time.Second)
			ok(t, "UpdateItem submitted", s.UpdateItem(ctx, &u))
			got, err := s.Item(ctx, a.ID)
			ok(t, "Item", err)
			same(t, "Item after UpdateItem", got, &u)
			u.State, u.Block, u.BlockTime, u.LastError = anchor.Confirmed, 1<<33, at(time.Minute), ""
			u.UpdatedAt = at(time.Minute)
			ok(t, "UpdateItem confirmed", s.UpdateItem(ctx, &u))
			got, err = s.Item(ctx, a.ID)
			ok(t, "Item", err)
			same(t, "Item after second UpdateItem", got, &u)
			got, err = s.Item(ctx, "status:l1:2")
			ok(t, "Item", err)
			same(t, "untouched Item", got, statusItem("l1", 2, at(0)))
			notFound(t, "UpdateItem unknown", s.UpdateItem(ctx, statusItem("nope", 1, at(0))))
		}},
		{"item/unconfirmed", func(t *testing.T, s Store) {
			ctx := t.Context()
			n, err := s.CountUnconfirmed(ctx)
			ok(t, "CountUnconfirmed on empty store", err)
			if n != 0 {
				t.Fatalf("CountUnconfirmed on empty store: %d", n)
			}
			items := []*anchor.Item{
				statusItem("l1", 1, at(3*time.Second)),
				statusItem("l1", 2, at(time.Second)), // confirmed below
				logItem(10, at(2*time.Second)),
				statusItem("l2", 1, at(2*time.Second)), // ties with log:10; ID decides
				logItem(20, at(0)),                     // submitted below
			}
			for _, it := range items {
				ok(t, "Enqueue", s.Enqueue(ctx, it))
			}
			items[1].State, items[1].UpdatedAt = anchor.Confirmed, at(time.Hour)
			ok(t, "UpdateItem", s.UpdateItem(ctx, items[1]))
			items[4].State, items[4].TxHash, items[4].UpdatedAt = anchor.Submitted, "0xabc", at(time.Hour)
			ok(t, "UpdateItem", s.UpdateItem(ctx, items[4]))
			n, err = s.CountUnconfirmed(ctx)
			ok(t, "CountUnconfirmed", err)
			if n != 4 {
				t.Errorf("CountUnconfirmed = %d, want 4", n)
			}
			got, err := s.Unconfirmed(ctx, 10)
			ok(t, "Unconfirmed", err)
			same(t, "Unconfirmed(10)", got, []*anchor.Item{items[4], items[2], items[3], items[0]})
			got, err = s.Unconfirmed(ctx, 2)
			ok(t, "Unconfirmed", err)
			same(t, "Unconfirmed(2)", got, []*anchor.Item{items[4], items[2]})
		}},
		{"item/log-root-covering", func(t *testing.T, s Store) {
			ctx := t.Context()
			notFound(t, "LogRootCovering on an empty outbox", func() error { _, err := s.LogRootCovering(ctx, 0); return err }())
			items := []*anchor.Item{
				logItem(10, at(0)),
				logItem(20, at(time.Second)),
				logItem(30, at(2*time.Second)), // stays pending
				statusItem("l1", 1, at(time.Second)),
				logItem(40, at(3*time.Second)),
			}
			for _, it := range items {
				ok(t, "Enqueue", s.Enqueue(ctx, it))
			}
			for _, i := range []int{0, 1, 3, 4} {
				items[i].State, items[i].TxHash, items[i].Block, items[i].BlockTime, items[i].UpdatedAt = anchor.Confirmed, fmt.Sprintf("0x%064x", i), uint64(100+i), at(time.Minute), at(time.Hour)
				ok(t, "UpdateItem", s.UpdateItem(ctx, items[i]))
			}
			for _, tc := range []struct {
				index int64
				want  *anchor.Item
			}{
				{0, items[0]}, {9, items[0]}, {10, items[1]}, {19, items[1]},
				{20, items[4]}, {35, items[4]}, {39, items[4]}, // 30 is not confirmed
				{40, nil}, {1 << 40, nil},
			} {
				got, err := s.LogRootCovering(ctx, tc.index)
				if tc.want == nil {
					notFound(t, fmt.Sprintf("LogRootCovering(%d)", tc.index), err)
					continue
				}
				ok(t, fmt.Sprintf("LogRootCovering(%d)", tc.index), err)
				same(t, fmt.Sprintf("LogRootCovering(%d)", tc.index), got, tc.want)
			}
		}},
		{"item/items-cursor", func(t *testing.T, s Store) {
			ctx := t.Context()
			got, err := s.Items(ctx, time.Time{}, "", 10)
			ok(t, "Items on empty store", err)
			if len(got) != 0 {
				t.Fatalf("Items on empty store: %d", len(got))
			}
			// Sub-millisecond differences collapse at Precision: those items
			// tie on CreatedAt and are ordered by ID.
			in := []*anchor.Item{
				statusItem("l3", 1, at(2*time.Second)),
				statusItem("l1", 1, at(time.Second)),
				statusItem("l2", 1, at(time.Second+50*time.Microsecond)),
				logItem(5, at(time.Second)),
				statusItem("l1", 2, at(-time.Second)),
				logItem(6, at(2*time.Second)),
				statusItem("l0", 1, at(3*time.Second)),
			}
			for _, it := range in {
				ok(t, "Enqueue", s.Enqueue(ctx, it))
			}
			want := []*anchor.Item{in[4], in[3], in[1], in[2], in[5], in[0], in[6]}
			for _, limit := range []int{1, 2, 3, 100} {
				var all []*anchor.Item
				var afterCreated time.Time
				afterID := ""
				for range len(in) + 2 {
					page, err := s.Items(ctx, afterCreated, afterID, limit)
					ok(t, "Items", err)
					if len(page) > limit {
						t.Fatalf("Items(limit %d): %d items", limit, len(page))
					}
					if len(page) == 0 {
						break
					}
					all = append(all, page...)
					afterCreated, afterID = page[len(page)-1].CreatedAt, page[len(page)-1].ID
				}
				same(t, fmt.Sprintf("Items in pages of %d", limit), all, want)
			}
			// Strictly after a position that is not an item: same time, ID between.
			got, err = s.Items(ctx, norm(in[1].CreatedAt), "status:l1:5", 2)
			ok(t, "Items", err)
			same(t, "Items after (t, status:l1:5)", got, []*anchor.Item{in[2], in[5]})
			// A zero afterCreated starts at the beginning whatever afterID says.
			got, err = s.Items(ctx, time.Time{}, "zzz", 2)
			ok(t, "Items", err)
			same(t, "Items from the beginning", got, want[:2])
		}},
		{"leaf/append-and-read", func(t *testing.T, s Store) {
			ctx := t.Context()
			n, err := s.LeafCount(ctx)
			ok(t, "LeafCount on empty store", err)
			if n != 0 {
				t.Fatalf("LeafCount on empty store: %d", n)
			}
			for _, i := range []int64{0, 1, 3, 2, 4} {
				ok(t, "AppendLeaf", s.AppendLeaf(ctx, leaf(i)))
			}
			dupIndex := leaf(2)
			dupIndex.CredentialID = "urn:uuid:new"
			conflict(t, "AppendLeaf taken index", s.AppendLeaf(ctx, dupIndex))
			dupCred := leaf(5)
			dupCred.CredentialID = leaf(1).CredentialID
			conflict(t, "AppendLeaf credential already logged", s.AppendLeaf(ctx, dupCred))
			_, err = s.LeafOf(ctx, "urn:uuid:new")
			notFound(t, "LeafOf the rejected leaf", err)
			n, err = s.LeafCount(ctx)
			ok(t, "LeafCount", err)
			if n != 5 {
				t.Errorf("LeafCount = %d, want 5", n)
			}
			got, err := s.Leaves(ctx, 1, 3)
			ok(t, "Leaves", err)
			same(t, "Leaves(1, 3)", got, []*anchor.Leaf{leaf(1), leaf(2)})
			got, err = s.Leaves(ctx, 3, 100)
			ok(t, "Leaves", err)
			same(t, "Leaves(3, 100)", got, []*anchor.Leaf{leaf(3), leaf(4)})
			got, err = s.Leaves(ctx, 5, 10)
			ok(t, "Leaves", err)
			if len(got) != 0 {
				t.Errorf("Leaves(5, 10): %d leaves", len(got))
			}
			l, err := s.LeafOf(ctx, leaf(3).CredentialID)
			ok(t, "LeafOf", err)
			same(t, "LeafOf", l, leaf(3))
			_, err = s.LeafOf(ctx, "urn:uuid:nope")
			notFound(t, "LeafOf unknown", err)
			ok(t, "AppendLeaf next", s.AppendLeaf(ctx, leaf(5)))
			n, err = s.LeafCount(ctx)
			ok(t, "LeafCount", err)
			if n != 6 {
				t.Errorf("LeafCount = %d, want 6", n)
			}
		}},
		{"log/tile-nodes", func(t *testing.T, s Store) {
			ctx := t.Context()
			node := func(level int, i int64) *anchor.TileNode {
				return &anchor.TileNode{Level: level, Index: i, Hash: fmt.Sprintf("%064x", int64(level)<<40|i)}
			}
			var tile []*anchor.TileNode
			for i := range int64(anchor.TileWidth) {
				if i != 7 {
					tile = append(tile, node(8, i))
				}
			}
			ok(t, "AddTileNodes tile", s.AddTileNodes(ctx, tile))
			ok(t, "AddTileNodes next tile and the gap", s.AddTileNodes(ctx, []*anchor.TileNode{node(8, 256), node(8, 7)}))
			ok(t, "AddTileNodes other level", s.AddTileNodes(ctx, []*anchor.TileNode{node(16, 0)}))
			ok(t, "AddTileNodes again, same hashes", s.AddTileNodes(ctx, []*anchor.TileNode{node(8, 3), node(8, 256)}))
			changed := node(8, 5)
			changed.Hash = fmt.Sprintf("%064x", 1)
			conflict(t, "AddTileNodes another hash", s.AddTileNodes(ctx, []*anchor.TileNode{node(8, 4), changed}))
			ok(t, "AddTileNodes none", s.AddTileNodes(ctx, nil))

			got, err := s.TileNodes(ctx, 8, 0, anchor.TileWidth)
			ok(t, "TileNodes", err)
			want := make([]*anchor.TileNode, anchor.TileWidth)
			for i := range want {
				want[i] = node(8, int64(i))
			}
			same(t, "tile (8, 0)", got, want)
			got, err = s.TileNodes(ctx, 8, 250, 300)
			ok(t, "TileNodes across tiles", err)
			if len(got) != 7 || got[6].Index != 256 {
				t.Errorf("TileNodes(8, 250, 300) = %d nodes", len(got))
			}
			got, err = s.TileNodes(ctx, 16, 0, anchor.TileWidth)
			ok(t, "TileNodes level 16", err)
			same(t, "tile (16, 0)", got, []*anchor.TileNode{node(16, 0)})
			got, err = s.TileNodes(ctx, 24, 0, anchor.TileWidth)
			ok(t, "TileNodes empty level", err)
			if len(got) != 0 {
				t.Errorf("level 24 has %d nodes", len(got))
			}
		}},
		{"lease/acquire-renew-expire", func(t *testing.T, s Store) {
			ctx := t.Context()
			acquire := func(name, holder string, until time.Time, want bool) {
				t.Helper()
				got, err := s.AcquireLease(ctx, name, holder, until)
				ok(t, "AcquireLease", err)
				if got != want {
					t.Errorf("AcquireLease(%s, %s) = %t, want %t", name, holder, got, want)
				}
			}
			now := time.Now()
			acquire("anchor-worker", "A", now.Add(time.Hour), true)
			acquire("anchor-worker", "B", now.Add(time.Hour), false)
			acquire("anchor-worker", "A", now.Add(2*time.Hour), true) // renew
			acquire("anchor-worker", "B", now.Add(time.Hour), false)
			acquire("publisher", "B", now.Add(time.Hour), true) // leases are independent

			// Expiry is judged against the store's clock.
			until := time.Now().Add(300 * time.Millisecond)
			acquire("short", "A", until, true)
			acquire("short", "B", time.Now().Add(time.Hour), false)
			time.Sleep(time.Until(until) + 50*time.Millisecond)
			acquire("short", "B", time.Now().Add(time.Hour), true)
			acquire("short", "A", time.Now().Add(time.Hour), false)
			acquire("short", "B", time.Now().Add(2*time.Hour), true)
		}},
	}
}
