package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/status"
)

// Bench measures the store calls on the hot paths of issuance (one
// credential row, its status entry, its log leaf) and verification (the
// credential, its log leaf and status entries by credential id), one
// round trip each, so that adapters can be compared on the same machine:
// go test -bench Store ./sqlite/ ./mongodb/. open returns a fresh, empty
// store; Bench closes it.
func Bench(b *testing.B, open func(b *testing.B) Store) {
	ctx := context.Background()
	// seed stores n credentials with their leaves and status entries.
	seed := func(b *testing.B, s Store, n int) {
		b.Helper()
		if err := s.CreateBureau(ctx, bureau("b1", "bench", at(0))); err != nil {
			b.Fatal(err)
		}
		if err := s.CreateList(ctx, list("L1", "b1", status.Revocation, at(0))); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			id := fmt.Sprintf("urn:uuid:seed-%d", i)
			if err := s.CreateCredential(ctx, record(id, "b1", "did:key:holder", "VolunteerServiceCredential")); err != nil {
				b.Fatal(err)
			}
			l := leaf(int64(i))
			l.CredentialID = id
			if err := s.AppendLeaf(ctx, l); err != nil {
				b.Fatal(err)
			}
			if err := s.InsertEntry(ctx, entry("L1", i, id)); err != nil {
				b.Fatal(err)
			}
		}
	}
	const seeded = 1000
	run := func(name string, n int, fn func(b *testing.B, s Store, i int)) {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			b.Cleanup(func() {
				if err := s.Close(); err != nil {
					b.Errorf("Close: %v", err)
				}
			})
			seed(b, s, n)
			i := 0
			for b.Loop() {
				fn(b, s, i)
				i++
			}
		})
	}
	run("issue/create-credential", 0, func(b *testing.B, s Store, i int) {
		if err := s.CreateCredential(ctx, record(fmt.Sprintf("urn:uuid:new-%d", i), "b1", "did:key:holder", "VolunteerServiceCredential")); err != nil {
			b.Fatal(err)
		}
	})
	run("issue/insert-status-entry", 0, func(b *testing.B, s Store, i int) {
		if err := s.InsertEntry(ctx, entry("L1", i, fmt.Sprintf("urn:uuid:new-%d", i))); err != nil {
			b.Fatal(err)
		}
	})
	run("issue/append-leaf", 0, func(b *testing.B, s Store, i int) {
		if err := s.AppendLeaf(ctx, leaf(int64(i))); err != nil {
			b.Fatal(err)
		}
	})
	// A group commit's writes: 100 credentials and their status entries in
	// one transaction, one batched call each (the issuance path).
	const batch = 100
	run("issue/batch-of-100-in-one-transaction", 0, func(b *testing.B, s Store, i int) {
		rs := make([]*credentials.Record, batch)
		es := make([]*status.Entry, batch)
		for j := range batch {
			id := fmt.Sprintf("urn:uuid:batch-%d-%d", i, j)
			rs[j] = record(id, "b1", "did:key:holder", "VolunteerServiceCredential")
			es[j] = entry("L1", i*batch+j, id)
		}
		err := s.Atomic(ctx, func(ctx context.Context) error {
			errs, err := s.CreateCredentials(ctx, rs)
			if err != nil {
				return err
			}
			for _, e := range errs {
				if e != nil {
					return e
				}
			}
			return s.InsertEntries(ctx, es)
		})
		if err != nil {
			b.Fatal(err)
		}
	})
	run("verify/verification-read", seeded, func(b *testing.B, s Store, i int) {
		r, err := s.VerificationRead(ctx, fmt.Sprintf("urn:uuid:seed-%d", (i*7919)%seeded))
		if err != nil || r.Record == nil || r.Leaf == nil || len(r.Entries) != 1 {
			b.Fatalf("VerificationRead: %+v, %v", r, err)
		}
	})
	run("verify/credential-by-id", seeded, func(b *testing.B, s Store, i int) {
		if _, err := s.Credential(ctx, fmt.Sprintf("urn:uuid:seed-%d", (i*7919)%seeded)); err != nil {
			b.Fatal(err)
		}
	})
	run("verify/leaf-of-credential", seeded, func(b *testing.B, s Store, i int) {
		if _, err := s.LeafOf(ctx, fmt.Sprintf("urn:uuid:seed-%d", (i*7919)%seeded)); err != nil {
			b.Fatal(err)
		}
	})
	run("verify/entries-of-credential", seeded, func(b *testing.B, s Store, i int) {
		if _, err := s.EntriesOf(ctx, fmt.Sprintf("urn:uuid:seed-%d", (i*7919)%seeded)); err != nil {
			b.Fatal(err)
		}
	})
	run("verify/leaves-range-256", seeded, func(b *testing.B, s Store, i int) {
		from := int64((i * 256) % (seeded - 256))
		if _, err := s.Leaves(ctx, from, from+256); err != nil {
			b.Fatal(err)
		}
	})
}
