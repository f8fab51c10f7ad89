package consortium

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/status"
)

// FuzzListCredential: a member's status list body (anchored, so only a
// member can choose it) never makes the reading of a status entry panic.
func FuzzListCredential(f *testing.F) {
	enc, err := status.Encode(status.MinBits, []int{7})
	if err != nil {
		f.Fatal(err)
	}
	good := `{"id":"https://a.example/status/L1","type":["VerifiableCredential","BitstringStatusListCredential"],"issuer":"did:web:a.example",` +
		`"credentialSubject":{"type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"` + enc + `"}}`
	f.Add([]byte(good))
	f.Add([]byte("eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(good)) + ".c2ln"))
	f.Add([]byte("a.b.c"))
	f.Add([]byte(`{"vc":{"credentialSubject":[]}}`))
	entry := map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "7",
		"statusListCredential": "https://a.example/status/L1"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cred, err := listCredential(body)
		if err != nil {
			return
		}
		_, _ = status.CheckEntryWith(entry, cred, status.CheckOptions{Now: time.Unix(1_800_000_000, 0)})
	})
}
