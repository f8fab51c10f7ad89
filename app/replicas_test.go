package app_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/mongodb/mongotest"
)

// TestTwoServersOneMongo runs two service instances (each with its own data
// dir, status publisher and allocator, as two processes would have) against
// one MongoDB-wire server and issues 5,000 credentials through both at once:
// no status list index may be handed out twice.
func TestTwoServersOneMongo(t *testing.T) {
	if testing.Short() {
		t.Skip("issues 5,000 credentials on an embedded FerretDB")
	}
	uri := mongotest.StartServer(t)
	// Replicas share the store and the key-encryption master key.
	master := filepath.Join(t.TempDir(), "master.key")
	onMongo := func(c *app.Config) { c.MongoURI = uri; c.MongoDatabase = "replicas"; c.MasterKeyFile = master }
	a := startServer(t, t.TempDir(), manual, onMongo)
	b := startServer(t, t.TempDir(), manual, onMongo)
	bureau := a.createBureau(t, "registry-office", "MaritalStatusCredential")

	const perServer, batch = 2500, 500
	holder, _ := newHolderDID(t)
	type result struct {
		Issued  int
		Failed  int
		Results []struct {
			Credential *struct{ Credential string }
			Error      *struct{ Code, Message string }
		}
	}
	var (
		mu    sync.Mutex
		creds []string
		wg    sync.WaitGroup
	)
	start := time.Now()
	for _, s := range []*testServer{a, b} {
		wg.Go(func() {
			for range perServer / batch {
				ins := make([]map[string]any, batch)
				for i := range ins {
					ins[i] = map[string]any{"type": "MaritalStatusCredential", "subjectDid": holder,
						"claims": map[string]any{"status": "married", "since": "2019-06-01", "registryOffice": "Central Registry Office"}}
				}
				var out result
				s.must(t, bureau.APIKey, `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued failed results { credential { credential } error { code message } } } }`,
					map[string]any{"ins": ins}, "issueCredentials", &out)
				if out.Failed > 0 {
					for _, r := range out.Results {
						if r.Error != nil {
							t.Errorf("issue: %s %s", r.Error.Code, r.Error.Message)
							return
						}
					}
				}
				mu.Lock()
				for _, r := range out.Results {
					creds = append(creds, r.Credential.Credential)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("issued %d credentials through 2 servers in %s", len(creds), time.Since(start).Round(time.Millisecond))
	if len(creds) != 2*perServer {
		t.Fatalf("issued %d, want %d", len(creds), 2*perServer)
	}
	seen := map[string]bool{}
	lists := map[string]bool{}
	for _, c := range creds {
		_, payload, _ := splitJWS(t, c)
		for _, e := range payload["credentialStatus"].([]any) {
			entry := e.(map[string]any)
			list := entry["statusListCredential"].(string)
			key := fmt.Sprintf("%s#%v", list, entry["statusListIndex"])
			if seen[key] {
				t.Fatalf("status index handed out twice: %s", key)
			}
			seen[key] = true
			lists[list[strings.LastIndex(list, "/")+1:]] = true
		}
	}
	t.Logf("%d distinct status entries over %d lists", len(seen), len(lists))
}
