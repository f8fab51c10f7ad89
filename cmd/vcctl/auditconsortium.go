package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/consortium"
)

// auditConsortiumCommand is `vcctl audit consortium`.
var auditConsortiumCommand = &command{
	name: "audit consortium", synopsis: "--chain-rpc URL --registry-address 0x...",
	summary: "audit every consortium member against the chain (monitor; read-only)",
	help: `The monitor's audit: reads the registry contract on the chain (no key, no
transaction) and every member's public endpoints, and checks per member
  - its anchoring lag: the size of the log it serves (GET /log/head) against
    the largest tree size it anchored, and the age of that anchor;
  - its log: each two successive anchored roots, and the last anchored root
    and the served head, must be proven prefixes of one another by the
    member's consistency proofs (GET /log/consistency), verified against the
    roots on chain: a member that rewrote or rolled back its log is found;
  - its status lists: every version it anchored is fetched (GET
    /status/{id}?version=N, ids from its /status/ index) and its SHA-256
    compared with the anchored digest: a tampered or missing list is found.
  - its bureaus' audit trails: at every anchored head position (bureaus
    from GET /audit/heads) the event it serves (GET /audit/{bureau}/events/N)
    must have the anchored hash: a rewritten or truncated trail is found.
Entries anchored under ids neither its /status/ index nor its /audit/heads
names are counted as "unlisted", not checked.
Only hashes, sizes, list and bureau ids and blocks are read and printed;
never a credential, claim or subject.
Exit status: 0 every member serves what it anchored (an unreachable member
is reported, not counted), 1 an inconsistency was found, 2 usage error or the
chain could not be read.`,
	examples: `vcctl audit consortium --chain-rpc https://rpc.consortium.city.example --registry-address 0x5FbDB2315678afecb367f032d93F642f64180aa3
vcctl audit consortium --chain-rpc http://127.0.0.1:8545 --registry-address 0x5FbDB2315678afecb367f032d93F642f64180aa3 --json`,
	auth: authChain, flags: defineAuditConsortium, run: auditConsortium,
}

type auditConsortiumFlags struct{ rpc, registry string }

func defineAuditConsortium(fs *flag.FlagSet) any {
	f := &auditConsortiumFlags{}
	fs.StringVar(&f.rpc, "chain-rpc", "", "JSON-RPC URL of a node of the consortium chain (http(s), ws(s) or an IPC path) (required)")
	fs.StringVar(&f.registry, "registry-address", "", "address of the consortium registry contract, 0x... (required)")
	return f
}

func auditConsortium(e *env, c *command, opts any, args []string) int {
	f := opts.(*auditConsortiumFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	var missing []string
	for _, m := range []struct{ flag, v string }{{"--chain-rpc", f.rpc}, {"--registry-address", f.registry}} {
		if strings.TrimSpace(m.v) == "" {
			missing = append(missing, m.flag)
		}
	}
	if len(missing) > 0 {
		return e.usageError(c, "missing %s", strings.Join(missing, ", "))
	}
	addr := strings.TrimSpace(f.registry)
	if !common.IsHexAddress(addr) {
		return e.usageError(c, "--registry-address must be a contract address: 0x and 40 hex digits")
	}
	e.resolveGlobals()
	ch, where, closeChain, err := openConsortium(e.ctx, e.timeout, f.rpc, common.HexToAddress(addr))
	if err != nil {
		return e.failf("%v", err)
	}
	defer closeChain()
	mon := consortium.NewMonitor(ch, consortium.NewHTTPGetter(e.timeout))
	rep, err := mon.Audit(e.ctx)
	if err != nil {
		return e.failf("read the chain (%s): %v", where, err)
	}
	if e.json {
		out := struct {
			Chain        string `json:"chain"`
			Inconsistent bool   `json:"inconsistent"`
			*consortium.Report
		}{where, rep.Inconsistent(), rep}
		if err := printJSON(e.stdout, out); err != nil {
			return e.failf("%v", err)
		}
	} else {
		printAudit(e, rep, where)
	}
	if rep.Inconsistent() {
		return exitFail
	}
	return exitOK
}

// openConsortium connects to the chain read-only: the registry adapter
// wants a key even for reads, so it gets a throw-away one that never signs
// anything.
func openConsortium(ctx context.Context, timeout time.Duration, rpc string, address common.Address) (consortium.Chain, string, func(), error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, "", nil, err
	}
	shown := redactURL(rpc)
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := chain.Dial(dctx, rpc, key)
	if err != nil {
		return nil, "", nil, fmt.Errorf("connect to the chain: %s", strings.ReplaceAll(err.Error(), rpc, shown))
	}
	reg, err := chain.Join(dctx, conn.Client(), key, address)
	if err != nil {
		_ = conn.Close()
		return nil, "", nil, fmt.Errorf("registry %s: %w", address.Hex(), err)
	}
	return reg, fmt.Sprintf("%s (chain id %s), registry %s", shown, conn.ChainID(), address.Hex()), func() { _ = conn.Close() }, nil
}

// printAudit prints the report as a table, then each problem.
func printAudit(e *env, rep *consortium.Report, where string) {
	fmt.Fprintf(e.stdout, "consortium audit at block %d\n  chain: %s\n\n", rep.Head, where)
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "MEMBER\tACTIVE\tANCHORED\tSERVED\tLAG\tLAST ANCHOR\tROOTS\tLISTS\tAUDIT\tPROBLEMS")
	for _, m := range rep.Members {
		served, lag, age := "-", "-", "-"
		if m.Reachable {
			served, lag = fmt.Sprint(m.ServedTreeSize), fmt.Sprint(m.Lag)
		}
		if m.LastAnchorBlock != 0 {
			age = fmt.Sprintf("%s ago (block %d)", m.LastAnchorAge.Round(time.Second), m.LastAnchorBlock)
		}
		lists := fmt.Sprintf("%d/%d", m.ListsChecked, m.AnchoredLists-m.AuditAnchors-m.UnlistedAnchors)
		if m.UnlistedAnchors > 0 {
			lists += fmt.Sprintf(" (+%d unlisted)", m.UnlistedAnchors)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d/%d\t%s\t%d/%d\t%d\n", m.Label(), yesNo(m.Active), m.AnchoredTreeSize, served, lag, age,
			m.RootsChecked, m.AnchoredRoots, lists, m.AuditChecked, m.AuditAnchors, len(m.Problems))
	}
	_ = tw.Flush()
	n := 0
	for _, m := range rep.Members {
		for _, p := range m.Problems {
			if n == 0 {
				fmt.Fprintln(e.stdout)
			}
			n++
			fmt.Fprintf(e.stdout, "%s: %s: %s\n", m.Label(), p.Kind, p.Message)
		}
	}
	fmt.Fprintln(e.stdout)
	switch {
	case rep.Inconsistent():
		fmt.Fprintf(e.stdout, "INCONSISTENT: a member serves something other than what it anchored (%d members audited)\n", len(rep.Members))
	case n > 0:
		fmt.Fprintf(e.stdout, "consistent where checked: %d members audited, some could not be reached\n", len(rep.Members))
	default:
		fmt.Fprintf(e.stdout, "consistent: %d members audited, each serves what it anchored\n", len(rep.Members))
	}
}
