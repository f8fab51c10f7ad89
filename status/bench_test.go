package status_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/status"
)

// benchList is a 131,072-entry list with 1% of its bits set, as a
// BitstringStatusListCredential and as the entry of a credential on it.
func benchList(b *testing.B) (encoded string, list, entry map[string]any) {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	set := make([]int, 0, status.MinBits/100)
	for range cap(set) {
		set = append(set, r.IntN(status.MinBits))
	}
	encoded, err := status.Encode(status.MinBits, set)
	if err != nil {
		b.Fatal(err)
	}
	list = map[string]any{
		"id": "https://citizen.example/status/1", "type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"validFrom": time.Now().Add(-time.Hour).Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": "https://citizen.example/status/1#list", "type": "BitstringStatusList",
			"statusPurpose": "revocation", "encodedList": encoded},
	}
	entry = map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": strconv.Itoa(set[0]), "statusListCredential": "https://citizen.example/status/1"}
	return encoded, list, entry
}

// BenchmarkStatusBit is the status lookup of a verification: from the list
// credential as fetched (decode the gzip'd 16 KiB list, then read the bit)
// and from a list already decoded (what a cache of decoded lists costs).
func BenchmarkStatusBit(b *testing.B) {
	encoded, list, entry := benchList(b)
	b.Run("check-entry-decoding", func(b *testing.B) {
		for b.Loop() {
			if set, err := status.CheckEntry(entry, list); err != nil || !set {
				b.Fatalf("set=%v err=%v", set, err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := status.Decode(encoded); err != nil {
				b.Fatal(err)
			}
		}
	})
	bs, err := status.Decode(encoded)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("get-decoded", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := bs.Get(i % status.MinBits); err != nil {
				b.Fatal(err)
			}
			i += 7919
		}
	})
}
