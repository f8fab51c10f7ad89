package crashtest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/status"
)

const (
	createBureauQ = `mutation($in: CreateBureauInput!) { createBureau(input: $in) { apiKey bureau { id } } }`
	issueManyQ    = `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued failed results { credential { id credential } error { code message } } } }`
	revokeQ       = `mutation($id: ID!, $r: String!) { revokeCredential(id: $id, reason: $r) { id state } }`
	credentialsQ  = `query($after: String) { credentials(first: 500, after: $after) { edges { node { id credential state } } pageInfo { endCursor hasNextPage } } }`
	credentialQ   = `query($id: ID!) { credential(id: $id) { id credential state } }`
	anchorsQ      = `query($after: String) { anchors(first: 500, after: $after) { backlog edges { node { id kind state txHash block listId version treeSize } } pageInfo { endCursor hasNextPage } } }`
	statusListQ   = `query($id: ID!, $v: Int) { statusList(id: $id, version: $v) { id purpose version credential anchor { txHash block } } }`
	verifyQ       = `query($c: String!) { verifyCredential(credential: $c) { verified checks { name ok message } } }`
	credType      = "VolunteerServiceCredential"
)

// settleTimeout bounds how long anchoring may take to catch up once the
// load stops; healTimeout how long a credential that fails verification at
// that point is watched to see whether it heals by itself.
const settleTimeout = 3 * time.Minute

func healTimeout() time.Duration {
	if testing.Short() {
		return 10 * time.Second
	}
	return 30 * time.Second
}

// statusEntry is one credentialStatus entry of a credential.
type statusEntry struct {
	list    string // list id (last path segment of statusListCredential)
	purpose string
	index   int
}

func (e statusEntry) key() string { return e.list + "#" + strconv.Itoa(e.index) }

// storedCred is a credential as the service returns it now.
type storedCred struct {
	ID         string `json:"id"`
	Credential string `json:"credential"`
	State      string `json:"state"`
}

type anchorItem struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	State    string  `json:"state"`
	TxHash   *string `json:"txHash"`
	ListID   *string `json:"listId"`
	Version  *int    `json:"version"`
	TreeSize *int    `json:"treeSize"`
	Block    *int    `json:"block"`
}

// harness drives load against vcserve processes and keeps the client's
// record: what was acknowledged, and what was sent without an answer.
type harness struct {
	t      *testing.T
	apiKey string
	batch  int
	// revokeShare is the share of acknowledged credentials the revokers
	// aim for.
	revokeShare float64

	mu       sync.Mutex
	rng      *rand.Rand
	creds    map[string]string // acknowledged credential id → credential as returned
	ids      []string          // acknowledged ids, in order
	entries  map[string][]statusEntry
	revoked  map[string]bool   // acknowledged revocations
	unsure   map[string]bool   // revocations sent without an answer
	seen     map[string]bool   // credentials found stored (acknowledged or not)
	statusOf map[string]string // status entry key → credential id, over every stored credential

	killPoints, restarts, outages       int
	unackedBatches, unackedRevocations  int
	leftovers                           int // stored credentials never acknowledged
	duplicates, lost, changed, lostRevs int
	verified, settleFailures, healed    int
	confirmedButMissing                 int // failures whose log root the outbox calls CONFIRMED
	failedCreds, missingRoots           map[string]bool

	// diagnose, if set, describes the store's view when anchoring does
	// not settle.
	diagnose                          func() string
	lostStatusChanges, doubleAnchored int
	versionsChecked, orphanLeaves     int
	storedChecks                      int // acknowledged credentials compared with the store, over all checks
	batches                           int
	unackedSizes                      map[int]int // unacknowledged batch number → credentials asked for
	leftoverOf                        map[int]int // unacknowledged batch number → its credentials found stored
}

// newHarness creates a bureau through p and returns a harness issuing as it.
func newHarness(t *testing.T, p *proc, batch int) *harness {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	h := &harness{t: t, batch: batch, revokeShare: 0.25, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		creds: map[string]string{}, entries: map[string][]statusEntry{}, revoked: map[string]bool{}, unsure: map[string]bool{},
		seen: map[string]bool{}, statusOf: map[string]string{}, unackedSizes: map[int]int{}, leftoverOf: map[int]int{},
		failedCreds: map[string]bool{}, missingRoots: map[string]bool{}}
	var out struct{ APIKey string }
	p.must(t, p.admin, createBureauQ, map[string]any{"in": map[string]any{"name": "Volunteer Office", "slug": "volunteer-office", "allowedTypes": []string{credType}}}, "createBureau", &out)
	h.apiKey = out.APIKey
	return h
}

// randDuration is uniform in [lo, hi).
func (h *harness) randDuration(lo, hi time.Duration) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return lo + time.Duration(h.rng.Int64N(int64(hi-lo)))
}

// load runs issuers and revokers per process until ctx ends, a process
// stops answering, or (budget > 0) budget credentials were asked for and
// the revocation share is reached. wait blocks until they stopped.
func (h *harness) load(ctx context.Context, procs []*proc, issuers, revokers int, budget int) (wait func()) {
	var wg sync.WaitGroup
	var reserved, issuing sync.Mutex
	left := budget
	active := 0
	issuing.Lock()
	active = len(procs) * issuers
	issuing.Unlock()
	take := func() int {
		if budget <= 0 {
			return h.batch
		}
		reserved.Lock()
		defer reserved.Unlock()
		n := min(h.batch, left)
		left -= n
		return n
	}
	doneIssuing := func() bool {
		issuing.Lock()
		defer issuing.Unlock()
		return active == 0
	}
	for _, p := range procs {
		for range issuers {
			wg.Go(func() {
				defer func() { issuing.Lock(); active--; issuing.Unlock() }()
				for ctx.Err() == nil {
					n := take()
					if n == 0 {
						return
					}
					if !h.issueBatch(ctx, p, n) {
						return
					}
				}
			})
		}
		for range revokers {
			wg.Go(func() {
				for ctx.Err() == nil {
					id, enough := h.pickRevocable()
					if enough && budget > 0 && doneIssuing() {
						return
					}
					if id == "" {
						time.Sleep(20 * time.Millisecond)
						continue
					}
					if !h.revoke(ctx, p, id) {
						return
					}
				}
			})
		}
	}
	return wg.Wait
}

// issueBatch issues n credentials in one call and records the answer. It
// returns false when the process did not answer.
func (h *harness) issueBatch(ctx context.Context, p *proc, n int) bool {
	h.mu.Lock()
	h.batches++
	batch := h.batches
	h.mu.Unlock()
	ins := make([]map[string]any, n)
	for i := range ins {
		ins[i] = map[string]any{"type": credType, "subjectDid": holderDID,
			"claims": map[string]any{"hours": 1 + i%100, "organization": "City Food Bank", "activity": fmt.Sprintf("Food distribution, batch %d", batch), "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}}
	}
	var out struct {
		Issued, Failed int
		Results        []struct {
			Credential *struct{ ID, Credential string }
			Error      *struct{ Code, Message string }
		}
	}
	err := gql(ctx, p.url, h.apiKey, issueManyQ, map[string]any{"ins": ins}, "issueCredentials", &out)
	switch {
	case errors.Is(err, errNoAnswer):
		h.mu.Lock()
		h.unackedBatches++
		h.unackedSizes[batch] = n
		h.mu.Unlock()
		return false
	case err != nil:
		h.t.Errorf("%s issueCredentials: %v", p.name, err)
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, r := range out.Results {
		if r.Error != nil || r.Credential == nil {
			h.t.Errorf("%s issueCredentials result %d: %+v", p.name, i, r.Error)
			continue
		}
		es, err := statusEntries(r.Credential.Credential)
		if err != nil {
			h.t.Errorf("credential %s: %v", r.Credential.ID, err)
			continue
		}
		h.creds[r.Credential.ID] = r.Credential.Credential
		h.entries[r.Credential.ID] = es
		h.ids = append(h.ids, r.Credential.ID)
	}
	return true
}

// pickRevocable returns an acknowledged credential nobody tried to revoke
// yet, or "" when the revocation share is reached (enough) or none is left.
func (h *harness) pickRevocable() (id string, enough bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if float64(len(h.revoked)+len(h.unsure)) >= h.revokeShare*float64(len(h.ids)) {
		return "", true
	}
	for range 20 {
		c := h.ids[h.rng.IntN(len(h.ids))]
		if !h.revoked[c] && !h.unsure[c] {
			h.unsure[c] = true // in flight: no other revoker picks it
			return c, false
		}
	}
	return "", false
}

// revoke revokes id and records the answer; false when there was none.
func (h *harness) revoke(ctx context.Context, p *proc, id string) bool {
	var out struct{ State string }
	err := gql(ctx, p.url, h.apiKey, revokeQ, map[string]any{"id": id, "r": "crash test"}, "revokeCredential", &out)
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case errors.Is(err, errNoAnswer):
		h.unackedRevocations++
		return false // stays in unsure: it may or may not have been revoked
	case err != nil:
		h.t.Errorf("%s revokeCredential %s: %v", p.name, id, err)
		delete(h.unsure, id)
		return false
	}
	if out.State != "REVOKED" {
		h.t.Errorf("revokeCredential %s answered state %s", id, out.State)
	}
	delete(h.unsure, id)
	h.revoked[id] = true
	return true
}

// checkStored lists every credential p's store holds for the bureau and
// checks: each acknowledged credential is there byte for byte, each
// acknowledged revocation reads REVOKED, and no status entry (list, index)
// belongs to two credentials. Stored credentials never acknowledged are
// counted as leftovers. It returns the stored credentials.
func (h *harness) checkStored(p *proc) map[string]storedCred {
	t := h.t
	t.Helper()
	stored := map[string]storedCred{}
	var after any
	for {
		var page struct {
			Edges []struct {
				Node storedCred `json:"node"`
			} `json:"edges"`
			PageInfo struct {
				EndCursor   *string `json:"endCursor"`
				HasNextPage bool    `json:"hasNextPage"`
			} `json:"pageInfo"`
		}
		p.must(t, h.apiKey, credentialsQ, map[string]any{"after": after}, "credentials", &page)
		for _, e := range page.Edges {
			stored[e.Node.ID] = e.Node
		}
		if !page.PageInfo.HasNextPage || page.PageInfo.EndCursor == nil {
			break
		}
		after = *page.PageInfo.EndCursor
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.storedChecks += len(h.ids)
	for _, id := range h.ids {
		s, ok := stored[id]
		switch {
		case !ok:
			h.lost++
			t.Errorf("acknowledged credential %s is not stored", id)
		case s.Credential != h.creds[id]:
			h.changed++
			t.Errorf("acknowledged credential %s is stored with other bytes (%d vs %d)", id, len(s.Credential), len(h.creds[id]))
		}
	}
	for id := range h.revoked {
		if s := stored[id]; s.State != "REVOKED" {
			h.lostRevs++
			t.Errorf("acknowledged revocation of %s lost: state %q", id, s.State)
		}
	}
	ids := make([]string, 0, len(stored))
	for id := range stored {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if h.seen[id] {
			continue
		}
		h.seen[id] = true
		if _, ok := h.creds[id]; !ok {
			h.leftovers++
			if b, err := batchOf(stored[id].Credential); err == nil {
				h.leftoverOf[b]++
			} else {
				t.Errorf("leftover credential %s: %v", id, err)
			}
		}
		es, err := statusEntries(stored[id].Credential)
		if err != nil {
			t.Errorf("stored credential %s: %v", id, err)
			continue
		}
		for _, e := range es {
			if other, ok := h.statusOf[e.key()]; ok && other != id {
				h.duplicates++
				t.Errorf("status entry %s (%s) used by %s and %s", e.key(), e.purpose, other, id)
				continue
			}
			h.statusOf[e.key()] = id
		}
	}
	// One credential(id) read per check, to cover the single-item path too.
	if len(h.ids) > 0 {
		id := h.ids[len(h.ids)-1]
		var one storedCred
		p.must(t, h.apiKey, credentialQ, map[string]any{"id": id}, "credential", &one)
		if one.Credential != h.creds[id] {
			t.Errorf("credential(%s) returns other bytes than were acknowledged", id)
		}
	}
	return stored
}

// anchors returns the whole anchoring outbox and its backlog.
func (h *harness) anchors(p *proc) ([]anchorItem, int) {
	h.t.Helper()
	var items []anchorItem
	backlog := 0
	var after any
	for {
		var page struct {
			Backlog int `json:"backlog"`
			Edges   []struct {
				Node anchorItem `json:"node"`
			} `json:"edges"`
			PageInfo struct {
				EndCursor   *string `json:"endCursor"`
				HasNextPage bool    `json:"hasNextPage"`
			} `json:"pageInfo"`
		}
		p.must(h.t, p.admin, anchorsQ, map[string]any{"after": after}, "anchors", &page)
		backlog = page.Backlog
		for _, e := range page.Edges {
			items = append(items, e.Node)
		}
		if !page.PageInfo.HasNextPage || page.PageInfo.EndCursor == nil {
			return items, backlog
		}
		after = *page.PageInfo.EndCursor
	}
}

type listVersion struct {
	ID         string `json:"id"`
	Purpose    string `json:"purpose"`
	Version    int    `json:"version"`
	Credential string `json:"credential"`
	Anchor     *struct {
		TxHash *string `json:"txHash"`
		Block  *int    `json:"block"`
	} `json:"anchor"`
}

// lists returns the ids of every status list a stored credential points into.
func (h *harness) lists() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := map[string]bool{}
	for k := range h.statusOf {
		set[k[:strings.LastIndex(k, "#")]] = true
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// settle waits until anchoring has caught up with the stopped load: the
// backlog is zero on two polls a publish round apart, each list's current
// version is anchored, and every acknowledged revocation is set in the
// current revocation list (a clear bit there is a lost status change; a
// set bit of a credential nobody revoked is a wrong one). It returns the
// outbox.
func (h *harness) settle(p *proc, round time.Duration) []anchorItem {
	t := h.t
	t.Helper()
	deadline := time.Now().Add(settleTimeout)
	calm := 0
	var problems []string
	for {
		items, backlog := h.anchors(p)
		problems = problems[:0]
		if backlog > 0 {
			problems = append(problems, fmt.Sprintf("backlog %d", backlog))
		}
		if backlog == 0 {
			problems = append(problems, h.listProblems(p)...)
		}
		if len(problems) == 0 {
			calm++
			if calm == 2 {
				return items
			}
		} else {
			calm = 0
		}
		if time.Now().After(deadline) {
			for _, pr := range problems {
				if strings.Contains(pr, "lost status change") {
					h.lostStatusChanges++
				}
			}
			diag := ""
			if h.diagnose != nil {
				diag = " [" + h.diagnose() + "]"
			}
			t.Errorf("anchoring did not settle within %s: %s%s", settleTimeout, strings.Join(problems, "; "), diag)
			return items
		}
		time.Sleep(round)
	}
}

// listProblems compares each list's current version with the record.
func (h *harness) listProblems(p *proc) []string {
	var problems []string
	for _, l := range h.lists() {
		var v *listVersion
		p.must(h.t, "", statusListQ, map[string]any{"id": l}, "statusList", &v)
		if v == nil {
			problems = append(problems, "list "+l+" has no published version")
			continue
		}
		if v.Anchor == nil || v.Anchor.Block == nil {
			problems = append(problems, fmt.Sprintf("list %s version %d is not anchored", l, v.Version))
		}
		if v.Purpose != "revocation" {
			continue
		}
		bits, err := listBits(v.Credential)
		if err != nil {
			h.t.Fatalf("list %s version %d: %v", l, v.Version, err)
		}
		h.mu.Lock()
		for id, es := range h.entries {
			for _, e := range es {
				if e.list != l || e.purpose != "revocation" {
					continue
				}
				set, err := bits.Get(e.index)
				if err != nil {
					problems = append(problems, fmt.Sprintf("list %s: index %d: %v", l, e.index, err))
					continue
				}
				switch {
				case h.revoked[id] && !set:
					problems = append(problems, fmt.Sprintf("lost status change: %s revoked but clear in list %s version %d", id, l, v.Version))
				case !h.revoked[id] && !h.unsure[id] && set:
					problems = append(problems, fmt.Sprintf("%s never revoked but set in list %s version %d", id, l, v.Version))
				}
			}
		}
		h.mu.Unlock()
	}
	return problems
}

// checkAnchors fails when a status list version was queued for anchoring
// more than once, or is not confirmed once anchoring settled.
func (h *harness) checkAnchors(items []anchorItem) {
	count := map[string]int{}
	for _, it := range items {
		// The block is what proves it; the transaction hash is unknown when
		// the anchor was confirmed from the chain's state (a previous process
		// sent it and died before recording the hash).
		if it.State != "CONFIRMED" || it.Block == nil {
			h.t.Errorf("anchor %s is %s after anchoring settled", it.ID, it.State)
		}
		if it.Kind != "STATUS_LIST" || it.ListID == nil || it.Version == nil {
			continue
		}
		k := fmt.Sprintf("%s@%d", *it.ListID, *it.Version)
		count[k]++
		if count[k] == 2 {
			h.doubleAnchored++
			h.t.Errorf("status list version %s is in the anchoring outbox more than once", k)
		}
	}
}

// checkVersions walks every version of every list: each must exist and be
// anchored by exactly one outbox item. It also counts the issuance log
// leaves that belong to no stored credential.
func (h *harness) checkVersions(p *proc, items []anchorItem, stored int) {
	t := h.t
	t.Helper()
	count := map[string]int{}
	maxTree := 0
	for _, it := range items {
		if it.ListID != nil && it.Version != nil {
			count[fmt.Sprintf("%s@%d", *it.ListID, *it.Version)]++
		}
		if it.TreeSize != nil {
			maxTree = max(maxTree, *it.TreeSize)
		}
	}
	for _, l := range h.lists() {
		var cur *listVersion
		p.must(t, "", statusListQ, map[string]any{"id": l}, "statusList", &cur)
		if cur == nil {
			t.Errorf("list %s has no published version", l)
			continue
		}
		for v := 1; v <= cur.Version; v++ {
			var lv *listVersion
			p.must(t, "", `query($id: ID!, $v: Int) { statusList(id: $id, version: $v) { version anchor { txHash block } } }`, map[string]any{"id": l, "v": v}, "statusList", &lv)
			h.versionsChecked++
			k := fmt.Sprintf("%s@%d", l, v)
			switch {
			case lv == nil:
				t.Errorf("list %s version %d (of %d) is missing", l, v, cur.Version)
			case count[k] != 1:
				t.Errorf("list version %s is in the anchoring outbox %d times, want once", k, count[k])
			case lv.Anchor == nil || lv.Anchor.Block == nil:
				t.Errorf("list version %s is not anchored", k)
			}
		}
	}
	if maxTree > stored {
		h.orphanLeaves = maxTree - stored
	}
}

// verifyAll verifies ids (credentials acknowledged) on p. Each must pass
// every check, except that a revoked one fails "status" only, and one
// whose revocation got no answer is not judged on status. A credential
// that fails right after settling is watched for healTimeout to tell a
// transient failure from a lasting one; both count as failures.
func (h *harness) verifyAll(p *proc, ids []string) {
	t := h.t
	t.Helper()
	gaveUp := false // a failure that did not heal: later ones are not waited for
	for _, id := range ids {
		h.mu.Lock()
		cred, revoked, unsure := h.creds[id], h.revoked[id], h.unsure[id]
		h.mu.Unlock()
		bad := h.verifyOne(p, cred, revoked, unsure)
		h.verified++
		if bad == "" {
			continue
		}
		h.settleFailures++
		h.failedCreds[id] = true
		bad += h.explain(p, bad)
		start := time.Now()
		healed := false
		for !gaveUp && time.Since(start) < healTimeout() {
			time.Sleep(500 * time.Millisecond)
			if h.verifyOne(p, cred, revoked, unsure) == "" {
				healed = true
				break
			}
		}
		if healed {
			h.healed++
			t.Errorf("credential %s failed verification after anchoring settled (%s); it passed %s later", id, bad, time.Since(start).Round(100*time.Millisecond))
		} else {
			gaveUp = true
			t.Errorf("credential %s fails verification after anchoring settled and did not pass within %s: %s", id, healTimeout(), bad)
		}
	}
}

var treeSizeRE = regexp.MustCompile(`no root is anchored for tree size (\d+)`)

// explain adds what the outbox says about the log root a failed
// issuance_anchor check names: CONFIRMED there while verification finds no
// root on chain means the chain lost a block the outbox relies on.
func (h *harness) explain(p *proc, bad string) string {
	m := treeSizeRE.FindStringSubmatch(bad)
	if m == nil {
		return ""
	}
	size, _ := strconv.Atoi(m[1])
	items, _ := h.anchors(p)
	for _, it := range items {
		if it.Kind != "LOG_ROOT" || it.TreeSize == nil || *it.TreeSize != size {
			continue
		}
		tx, block := "-", -1
		if it.TxHash != nil {
			tx = *it.TxHash
		}
		if it.Block != nil {
			block = *it.Block
		}
		if it.State == "CONFIRMED" {
			h.confirmedButMissing++
			h.missingRoots[it.ID] = true
		}
		return fmt.Sprintf(" [outbox: %s %s tx %s block %d]", it.ID, it.State, tx, block)
	}
	return " [outbox: no item for that tree size]"
}

// verifyOne returns "" when the result is as expected, else what is wrong.
func (h *harness) verifyOne(p *proc, cred string, revoked, unsure bool) string {
	var out struct {
		Verified bool
		Checks   []struct {
			Name, Message string
			OK            bool
		}
	}
	p.must(h.t, "", verifyQ, map[string]any{"c": cred}, "verifyCredential", &out)
	var bad []string
	statusOK := true
	for _, c := range out.Checks {
		if c.Name == "status" {
			statusOK = c.OK
			if unsure || revoked {
				continue
			}
		}
		if !c.OK {
			bad = append(bad, c.Name+": "+c.Message)
		}
	}
	switch {
	case revoked && statusOK:
		bad = append(bad, "status: passes for a revoked credential")
	case !revoked && !unsure && !out.Verified && len(bad) == 0:
		bad = append(bad, "verified=false with every check passing")
	}
	return strings.Join(bad, "; ")
}

// sample returns up to n acknowledged ids: the newest half and a random rest.
func (h *harness) sample(n int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.ids) <= n {
		return append([]string(nil), h.ids...)
	}
	out := append([]string(nil), h.ids[len(h.ids)-n/2:]...)
	for len(out) < n {
		out = append(out, h.ids[h.rng.IntN(len(h.ids)-n/2)])
	}
	return out
}

// summary is the line the lead reports figures from.
func (h *harness) summary(name string, elapsed time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	whole, part, none := 0, 0, 0
	for b, n := range h.unackedSizes {
		switch h.leftoverOf[b] {
		case n:
			whole++
		case 0:
			none++
		default:
			part++
		}
	}
	h.t.Logf("%s: unacknowledged batches found stored whole %d, in part %d, not at all %d", name, whole, part, none)
	h.t.Logf("SUMMARY %s: kill points %d, chain outages %d, restarts %d, credentials acknowledged %d (revoked %d), credentials compared byte for byte with the store %d, verifications %d, "+
		"duplicate status entries %d, lost credentials %d, changed %d, lost revocations %d, lost status changes %d, list versions anchored twice %d, list versions checked %d, "+
		"verification failures after settling %d of %d distinct credentials (healed within %s: %d; log root CONFIRMED in the outbox but not found on chain: %d, over %d distinct roots), unacknowledged batches %d, unacknowledged revocations %d, leftover credentials %d, orphan log leaves %d, took %s",
		name, h.killPoints, h.outages, h.restarts, len(h.ids), len(h.revoked), h.storedChecks, h.verified,
		h.duplicates, h.lost, h.changed, h.lostRevs, h.lostStatusChanges, h.doubleAnchored, h.versionsChecked,
		h.settleFailures, len(h.failedCreds), healTimeout(), h.healed, h.confirmedButMissing, len(h.missingRoots), h.unackedBatches, h.unackedRevocations, h.leftovers, h.orphanLeaves, elapsed.Round(time.Second))
}

var batchRE = regexp.MustCompile(`batch (\d+)$`)

// batchOf reads the batch number issueBatch put into a credential's claims.
func batchOf(jws string) (int, error) {
	payload, err := jwsPayload(jws)
	if err != nil {
		return 0, err
	}
	var vc struct {
		CredentialSubject struct {
			Activity string `json:"activity"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(payload, &vc); err != nil {
		return 0, err
	}
	m := batchRE.FindStringSubmatch(vc.CredentialSubject.Activity)
	if m == nil {
		return 0, fmt.Errorf("no batch number in %q", vc.CredentialSubject.Activity)
	}
	return strconv.Atoi(m[1])
}

// statusEntries parses the credentialStatus entries of a compact JWS credential.
func statusEntries(jws string) ([]statusEntry, error) {
	payload, err := jwsPayload(jws)
	if err != nil {
		return nil, err
	}
	var vc struct {
		CredentialStatus json.RawMessage `json:"credentialStatus"`
	}
	if err := json.Unmarshal(payload, &vc); err != nil {
		return nil, err
	}
	var raw []map[string]any
	if err := json.Unmarshal(vc.CredentialStatus, &raw); err != nil {
		var one map[string]any
		if err2 := json.Unmarshal(vc.CredentialStatus, &one); err2 != nil {
			return nil, fmt.Errorf("credentialStatus: %v", err)
		}
		raw = []map[string]any{one}
	}
	var out []statusEntry
	for _, e := range raw {
		u, _ := e["statusListCredential"].(string)
		purpose, _ := e["statusPurpose"].(string)
		var idx int
		switch v := e["statusListIndex"].(type) {
		case string:
			idx, err = strconv.Atoi(v)
		case float64:
			idx = int(v)
		default:
			err = fmt.Errorf("statusListIndex %v", v)
		}
		if err != nil || u == "" {
			return nil, fmt.Errorf("malformed status entry %v: %v", e, err)
		}
		out = append(out, statusEntry{list: u[strings.LastIndex(u, "/")+1:], purpose: purpose, index: idx})
	}
	if len(out) == 0 {
		return nil, errors.New("no credentialStatus")
	}
	return out, nil
}

func jwsPayload(jws string) ([]byte, error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a compact JWS (%d parts)", len(parts))
	}
	return base64.RawURLEncoding.DecodeString(parts[1])
}

// listBits decodes the bitstring of a status list credential.
func listBits(jws string) (*status.Bitstring, error) {
	payload, err := jwsPayload(jws)
	if err != nil {
		return nil, err
	}
	var vc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(payload, &vc); err != nil {
		return nil, err
	}
	return status.Decode(vc.CredentialSubject.EncodedList)
}

// holderDID is the subject of every credential the harness issues.
const holderDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
