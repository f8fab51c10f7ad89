package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
)

// ---- evidence get -------------------------------------------------------------

func defineEvidenceGet(fs *flag.FlagSet) any {
	out := new(string)
	fs.StringVar(out, "out", "", "write the bundle to this file (mode 0600) instead of standard output")
	return out
}

func evidenceGet(e *env, c *command, opts any, args []string) int {
	out := *opts.(*string)
	id, code, ok := oneArg(e, c, args, "CREDENTIAL_ID")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.Evidence(e.ctx, cl, id)
	if err != nil {
		return e.fail(err)
	}
	ev := resp.Evidence
	var b bytes.Buffer
	if err := json.Indent(&b, ev.Json, "", "  "); err != nil {
		return e.failf("the service sent a bundle that is not JSON: %v", err)
	}
	b.WriteByte('\n')
	if out != "" {
		if err := writeFile(out, b.Bytes()); err != nil {
			return e.failf("write evidence: %v", err)
		}
	} else {
		_, _ = e.stdout.Write(b.Bytes())
	}
	fmt.Fprintf(e.stderr, "%s: leaf %d of the issuance log, proven against the root of %d leaves", ev.CredentialId, ev.LeafIndex, ev.TreeSize)
	if a := ev.LogAnchor; a != nil && a.Block != nil {
		fmt.Fprintf(e.stderr, ", anchored in block %d", *a.Block)
		if a.BlockTime != nil {
			fmt.Fprintf(e.stderr, " at %s", fmtTime(*a.BlockTime))
		}
	}
	if out != "" {
		fmt.Fprintf(e.stderr, "  -> %s", out)
	}
	fmt.Fprintln(e.stderr)
	if ev.LogAnchor == nil {
		fmt.Fprintln(e.stderr, "vcctl: warning: that root is not anchored on chain yet, so 'vcctl evidence verify' fails its issuance_anchor check; fetch the bundle again after the next anchoring round")
	}
	if bundle, err := parseEvidence(ev.Json); err == nil {
		for _, sl := range bundle.StatusLists {
			if sl.Anchor == nil {
				fmt.Fprintf(e.stderr, "vcctl: warning: status list %s version %d is not anchored on chain yet, so its status_anchor check fails; fetch the bundle again after the next anchoring round\n", sl.ListID, sl.Version)
			}
		}
	}
	return exitOK
}

// ---- evidence verify ----------------------------------------------------------

type evidenceVerifyFlags struct {
	rpc, registry, dir string
	issuer             string // the bundle's credential's issuer DID (not a flag)
}

func defineEvidenceVerify(fs *flag.FlagSet) any {
	f := &evidenceVerifyFlags{}
	fs.StringVar(&f.rpc, "chain-rpc", "", "JSON-RPC URL of a node of the consortium chain (http(s), ws(s) or an IPC path)")
	fs.StringVar(&f.registry, "registry", "", "the registry contract: an address (0x...) or a file holding it (default with --chain-dir: DIR/registry.address;\nwith --chain-rpc: ./data/registry-<chain id>.address, where vcserve keeps it)")
	fs.StringVar(&f.dir, "chain-dir", "", "the embedded dev chain of a stopped vcserve: <data-dir>/chain (e.g. ./data/chain)")
	return f
}

func evidenceVerify(e *env, c *command, opts any, args []string) int {
	f := opts.(*evidenceVerifyFlags)
	name, code, ok := oneArg(e, c, args, "FILE (or - for standard input)")
	if !ok {
		return code
	}
	if (f.rpc == "") == (f.dir == "") {
		return e.usageError(c, "give exactly one of --chain-rpc URL and --chain-dir DIR")
	}
	raw, err := e.readInput(name)
	if err != nil {
		return e.failf("read evidence: %v", err)
	}
	ev, err := parseEvidence(raw)
	if err != nil {
		return e.failf("%s: %v", inputName(name), err)
	}
	e.resolveGlobals()
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	defer cancel()

	f.issuer = credentialIssuer(ev.Credential)
	reg, where, closeChain, err := openRegistry(ctx, f)
	if err != nil {
		return e.failf("%v", err)
	}
	defer closeChain()
	checks, err := anchor.VerifyEvidence(ctx, ev, reg)
	if err != nil {
		return e.failf("read the chain: %v", err)
	}
	verified := anchor.Verified(checks)
	if e.json {
		_ = printJSON(e.stdout, map[string]any{"credentialId": ev.CredentialID, "chain": where, "verified": verified, "checks": checks})
	} else {
		fmt.Fprintf(e.stdout, "evidence for credential %s\n  chain: %s\n\n", ev.CredentialID, where)
		rows := make([]checkRow, len(checks))
		for i, ch := range checks {
			rows[i] = checkRow{ch.Name, ch.OK, ch.Message}
		}
		printCheckRows(e, rows, verified)
	}
	if !verified {
		return exitFail
	}
	return exitOK
}

// parseEvidence reads a bundle as 'evidence get' wrote it (or the GraphQL
// evidence object with the bundle in "json").
func parseEvidence(raw []byte) (*anchor.Evidence, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("empty; want the JSON bundle 'vcctl evidence get' wrote")
	}
	var wrapped struct {
		JSON json.RawMessage `json:"json"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.JSON) > 0 && wrapped.JSON[0] == '{' {
		raw = wrapped.JSON
	}
	var ev anchor.Evidence
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("not an evidence bundle: %v", err)
	}
	if ev.CredentialID == "" || ev.CredentialHash == "" {
		return nil, errors.New("not an evidence bundle: no credentialId or credentialHash")
	}
	return &ev, nil
}

// openRegistry connects to the chain read-only. The registry adapter wants
// a signing key even for reads; nothing is ever sent, so a throw-away key
// (or the dev chain's own) serves.
func openRegistry(ctx context.Context, f *evidenceVerifyFlags) (reg *chain.Registry, where string, closeFn func(), err error) {
	var (
		ec       *ethclient.Client
		addrFrom string
	)
	closeFn = func() {}
	if f.dir != "" {
		dir := f.dir
		if !exists(filepath.Join(dir, chain.DevFaucetKeyFile)) && exists(filepath.Join(dir, "chain", chain.DevFaucetKeyFile)) {
			dir = filepath.Join(dir, "chain") // the data dir was given
		}
		if !exists(filepath.Join(dir, chain.DevFaucetKeyFile)) {
			return nil, "", nil, fmt.Errorf("%s holds no embedded chain (no %s): pass the chain folder of vcserve's data directory, e.g. ./data/chain", f.dir, chain.DevFaucetKeyFile)
		}
		addrFrom = f.registry
		if addrFrom == "" {
			addrFrom = filepath.Join(dir, "registry.address")
		}
		dev, err := chain.OpenDev(ctx, dir)
		if errors.Is(err, node.ErrDatadirUsed) {
			return nil, "", nil, fmt.Errorf("the chain in %s is in use: stop vcserve first (evidence verify opens the chain directly), or verify through a node with --chain-rpc", dir)
		}
		if err != nil {
			return nil, "", nil, err
		}
		closeFn = func() { _ = dev.Close() }
		ec = dev.Client()
		where = "embedded dev chain in " + dir
		reg, err = bindRegistry(ctx, ec, dev.Key(), addrFrom, f.issuer)
		if err != nil {
			closeFn()
			return nil, "", nil, err
		}
		return reg, where + ", registry " + reg.Address().Hex(), closeFn, nil
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, "", nil, err
	}
	shown := redactURL(f.rpc)
	conn, err := chain.Dial(ctx, f.rpc, key)
	if err != nil {
		return nil, "", nil, fmt.Errorf("connect to the chain: %s", strings.ReplaceAll(err.Error(), f.rpc, shown))
	}
	closeFn = func() { _ = conn.Close() }
	addrFrom = f.registry
	if addrFrom == "" {
		addrFrom = filepath.Join("data", fmt.Sprintf("registry-%s.address", conn.ChainID()))
		if !exists(addrFrom) {
			closeFn()
			return nil, "", nil, fmt.Errorf("which registry? pass --registry 0x... (vcserve keeps the address in <data-dir>/registry-%s.address)", conn.ChainID())
		}
	}
	reg, err = bindRegistry(ctx, conn.Client(), key, addrFrom, f.issuer)
	if err != nil {
		closeFn()
		return nil, "", nil, err
	}
	return reg, fmt.Sprintf("%s (chain id %s), registry %s", shown, conn.ChainID(), reg.Address().Hex()), closeFn, nil
}

// redactURL shows a node URL without what may be a secret (user info, an
// API key in the path or query): scheme://host/…. An IPC path is shown as
// it is.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		if strings.Contains(s, "://") {
			return "(the --chain-rpc URL)"
		}
		return s
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		out += "/…"
	}
	return out
}

// bindRegistry binds the registry at addrOrFile (an address, or a file
// holding one) after checking that a contract is there, reading the anchors
// of the member that registered issuer (the credential's issuer DID, "" if
// unknown).
func bindRegistry(ctx context.Context, ec *ethclient.Client, key *ecdsa.PrivateKey, addrOrFile, issuer string) (*chain.Registry, error) {
	s := strings.TrimSpace(addrOrFile)
	if !common.IsHexAddress(s) {
		b, err := os.ReadFile(addrOrFile)
		if err != nil {
			return nil, fmt.Errorf("registry address: %w", err)
		}
		if s = strings.TrimSpace(string(b)); !common.IsHexAddress(s) {
			return nil, fmt.Errorf("registry address file %s does not hold an address", addrOrFile)
		}
	}
	addr := common.HexToAddress(s)
	code, err := ec.CodeAt(ctx, addr, nil)
	if err != nil {
		return nil, fmt.Errorf("read the chain: %v", err)
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("there is no contract at %s on this chain: wrong --registry, or the wrong chain", addr.Hex())
	}
	reg, err := chain.NewRegistry(ec, key, addr)
	if err != nil {
		return nil, err
	}
	// The anchors are in a member's namespace: that of the member whose
	// bureau issued the credential; failing that, this key's own if it is
	// a member (the node's key on its embedded chain), else the only
	// member's.
	if issuer != "" {
		e, ok, err := reg.IssuerOf(ctx, issuer)
		if err != nil {
			return nil, fmt.Errorf("read the issuer's registry entry: %v", err)
		}
		if ok {
			return chain.NewRegistry(ec, key, addr, chain.WithNamespace(e.Member))
		}
	}
	if ok, err := reg.IsMember(ctx); err != nil || ok {
		return reg, err
	}
	ms, err := reg.Members(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the registry's members: %v", err)
	}
	var active []common.Address
	for _, m := range ms {
		if m.Active {
			active = append(active, m.Account)
		}
	}
	if len(active) != 1 {
		return nil, fmt.Errorf("the registry at %s has %d active members and none registered the credential's issuer, so whose anchors to check is unknown", addr.Hex(), len(active))
	}
	return chain.NewRegistry(ec, key, addr, chain.WithNamespace(active[0]))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// checkRow is one line of a check table.
type checkRow struct {
	name string
	ok   bool
	msg  string
}

// printCheckRows prints ✔/✘ rows and the verdict, like printVerification.
func printCheckRows(e *env, rows []checkRow, verified bool) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r.name))
	}
	for _, r := range rows {
		mark := "✔"
		if !r.ok {
			mark = "✘"
		}
		fmt.Fprintf(e.stdout, "%s %-*s  %s\n", mark, width, r.name, r.msg)
	}
	fmt.Fprintln(e.stdout)
	if verified {
		fmt.Fprintln(e.stdout, "VERIFIED")
	} else {
		fmt.Fprintln(e.stdout, "NOT VERIFIED")
	}
}

// credentialIssuer reads, without verifying anything, the issuer DID a
// credential names: the "issuer" of a JSON credential, or of the payload of
// a compact JWS or of an SD-JWT's issuer-signed JWT ("iss", or "vc"'s
// issuer for a VCDM 1.1 JWT). It only chooses whose anchors evidence verify
// reads (a wrong one finds nothing that matches); "" if there is none.
func credentialIssuer(credential string) string {
	c := strings.TrimSpace(credential)
	var doc map[string]any
	if strings.HasPrefix(c, "{") {
		if json.Unmarshal([]byte(c), &doc) != nil {
			return ""
		}
		return vcdm.IssuerID(doc["issuer"])
	}
	jwt, _, _ := strings.Cut(c, "~")
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &doc) != nil {
		return ""
	}
	if vc, ok := doc["vc"].(map[string]any); ok {
		if id := vcdm.IssuerID(vc["issuer"]); id != "" {
			return id
		}
	}
	if id := vcdm.IssuerID(doc["issuer"]); id != "" {
		return id
	}
	iss, _ := doc["iss"].(string)
	return iss
}
