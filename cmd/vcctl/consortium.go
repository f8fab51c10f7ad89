package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/client"
)

// The `vcctl consortium ...` commands: the members and votes of the
// consortium, through the node's GraphQL API.
var (
	consortiumMembersCommand = &command{
		name: "consortium members", summary: "list the consortium's members and this node's own entry (operator)",
		help: `Lists every member the registry contract ever admitted, in admission order
(removed ones too, with the block of their removal): account, name, public
base URL, whether active, and the block of admission. The first lines say
which account this node signs with and whether it is an active member.`,
		examples: `vcctl consortium members`,
		auth:     authOperator, run: consortiumMembers,
	}
	consortiumProposalsCommand = &command{
		name: "consortium proposals", summary: "list the proposals to admit or remove members (operator)",
		help: `Lists every proposal, oldest first: what it admits or removes, who approved
it and whether it executed. A proposal executes as soon as approvals of
currently active members exceed half of the active members.`,
		examples: `vcctl consortium proposals`,
		auth:     authOperator, run: consortiumProposals,
	}
	consortiumProposeCommand = &command{
		name: "consortium propose", synopsis: "ACCOUNT --name N --base-url U",
		summary: "propose to admit ACCOUNT as a member (operator)",
		help: `Proposes, with this node's member account, to admit ACCOUNT (0x..., the
account the new member's node signs with) under name N with the public base
URL U of its node, https://... (other members fetch its bureaus' DID
documents, status lists and log proofs only under it; the global --url is
the service vcctl talks to). This node's approval counts at once; while it
is the only member the admission executes at once. Other members approve
with 'vcctl consortium approve ID'. Waits until the transaction is mined.`,
		examples: `vcctl consortium propose 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4 --name "Housing Office" --base-url https://housing.city.example`,
		auth:     authOperator, flags: defineConsortiumPropose, run: consortiumPropose,
	}
	consortiumProposeRemovalCommand = &command{
		name: "consortium propose-removal", synopsis: "ACCOUNT",
		summary: "propose to remove member ACCOUNT (operator)",
		help: `Proposes, with this node's member account, to remove the member ACCOUNT.
This node's approval counts at once; the removal executes once a majority of
active members approved. A removed member's anchors stay on chain, but its
bureaus' credentials no longer verify on other members. Waits until mined.`,
		examples: `vcctl consortium propose-removal 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4`,
		auth:     authOperator, run: consortiumProposeRemoval,
	}
	consortiumApproveCommand = &command{
		name: "consortium approve", synopsis: "ID",
		summary: "approve proposal ID with this node's member account (operator)",
		help: `Approves the proposal with this node's member account. Refused when this node
is not an active member, already approved it, or the proposal executed.
Waits until mined and says whether the proposal executed.`,
		examples: `vcctl consortium approve 3`,
		auth:     authOperator, run: consortiumApprove,
	}
)

func defineConsortiumPropose(fs *flag.FlagSet) any {
	f := &consortiumProposeFlags{}
	fs.StringVar(&f.name, "name", "", "the new member's name, as people read it (required)")
	fs.StringVar(&f.url, "base-url", "", "public base URL of the new member's node, e.g. https://housing.city.example (required)")
	return f
}

type consortiumProposeFlags struct{ name, url string }

func consortiumMembers(e *env, c *command, _ any, args []string) int {
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.ConsortiumMembers(e.ctx, cl)
	if err != nil {
		return e.fail(err)
	}
	con := resp.Consortium
	if e.json {
		_ = printJSON(e.stdout, con)
		return exitOK
	}
	printSelf(e, con.Registry, con.Self.ConsortiumMemberFields)
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tACTIVE\tADMITTED\tREMOVED\tURL")
	for _, m := range con.Members {
		removed := "-"
		if m.RemovedBlock != nil {
			removed = fmt.Sprint(*m.RemovedBlock)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", m.Account, m.Name, yesNo(m.Active), m.AdmittedBlock, removed, m.BaseURL)
	}
	_ = tw.Flush()
	return exitOK
}

// printSelf says which account this node signs with and whether it is a
// member.
func printSelf(e *env, registry *string, self client.ConsortiumMemberFields) {
	if registry != nil {
		fmt.Fprintf(e.stdout, "registry:  %s\n", *registry)
	}
	switch {
	case self.Active:
		fmt.Fprintf(e.stdout, "this node: %s, member %q since block %d\n\n", self.Account, self.Name, self.AdmittedBlock)
	case self.AdmittedBlock > 0:
		fmt.Fprintf(e.stdout, "this node: %s, removed from the consortium (member %q from block %d)\n\n", self.Account, self.Name, self.AdmittedBlock)
	default:
		fmt.Fprintf(e.stdout, "this node: %s, not a member: ask a member to run\n  vcctl consortium propose %s --name <name> --base-url <this node's public URL>\n\n", self.Account, self.Account)
	}
}

func consortiumProposals(e *env, c *command, _ any, args []string) int {
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.ConsortiumProposals(e.ctx, cl)
	if err != nil {
		return e.fail(err)
	}
	con := resp.Consortium
	if e.json {
		_ = printJSON(e.stdout, con.Proposals)
		return exitOK
	}
	if len(con.Proposals) == 0 {
		fmt.Fprintln(e.stderr, "no proposals yet; propose a member with 'vcctl consortium propose'")
		return exitOK
	}
	active := map[string]bool{}
	for _, m := range con.Members {
		if m.Active {
			active[strings.ToLower(m.Account)] = true
		}
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "ID\tKIND\tACCOUNT\tAPPROVALS\tSTATE\tNAME\tURL")
	for _, p := range con.Proposals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", p.Id, strings.ToLower(string(p.Kind)), p.Account, len(p.Approvals),
			proposalState(p.ConsortiumProposalFields, active), deref(p.Name), deref(p.BaseURL))
	}
	_ = tw.Flush()
	return exitOK
}

// proposalState says whether p executed or how many more approvals of
// active members it needs.
func proposalState(p client.ConsortiumProposalFields, active map[string]bool) string {
	if p.Executed {
		return "executed"
	}
	if len(active) == 0 {
		return "open"
	}
	n := 0
	for _, a := range p.Approvals {
		if active[strings.ToLower(a)] {
			n++
		}
	}
	need := len(active)/2 + 1 - n
	return fmt.Sprintf("open: needs %d more of %d active", max(need, 1), len(active))
}

func consortiumPropose(e *env, c *command, opts any, args []string) int {
	f := opts.(*consortiumProposeFlags)
	account, code, ok := oneArg(e, c, args, "ACCOUNT")
	if !ok {
		return code
	}
	var missing []string
	for _, m := range []struct{ flag, v string }{{"--name", f.name}, {"--base-url", f.url}} {
		if strings.TrimSpace(m.v) == "" {
			missing = append(missing, m.flag)
		}
	}
	if len(missing) > 0 {
		return e.usageError(c, "missing %s", strings.Join(missing, ", "))
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.ProposeMember(e.ctx, cl, account, f.name, f.url)
	if err != nil {
		return e.fail(err)
	}
	return e.printProposal(resp.ProposeMember.ConsortiumProposalFields)
}

func consortiumProposeRemoval(e *env, c *command, _ any, args []string) int {
	account, code, ok := oneArg(e, c, args, "ACCOUNT")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.ProposeMemberRemoval(e.ctx, cl, account)
	if err != nil {
		return e.fail(err)
	}
	return e.printProposal(resp.ProposeMemberRemoval.ConsortiumProposalFields)
}

func consortiumApprove(e *env, c *command, _ any, args []string) int {
	id, code, ok := oneArg(e, c, args, "ID")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.ApproveProposal(e.ctx, cl, id)
	if err != nil {
		return e.fail(err)
	}
	return e.printProposal(resp.ApproveProposal.ConsortiumProposalFields)
}

// printProposal shows a proposal after a vote.
func (e *env) printProposal(p client.ConsortiumProposalFields) int {
	if e.json {
		_ = printJSON(e.stdout, p)
		return exitOK
	}
	what := "remove " + p.Account
	if p.Kind == client.ConsortiumProposalKindAdmit {
		what = fmt.Sprintf("admit %s as %q (%s)", p.Account, deref(p.Name), deref(p.BaseURL))
	}
	fmt.Fprintf(e.stdout, "proposal %s: %s\n  created in block %d by %s, approved by %d member(s)\n", p.Id, what, p.CreatedBlock, p.Proposer, len(p.Approvals))
	if p.Executed {
		fmt.Fprintln(e.stdout, "  executed: a majority of the active members approved")
	} else {
		fmt.Fprintf(e.stdout, "  open: other members approve with 'vcctl consortium approve %s'\n", p.Id)
	}
	return exitOK
}

var consortiumKeyCommand = &command{
	name: "consortium key", synopsis: "FILE",
	summary: "create a member account key for vcserve --chain-key (no server)",
	help: `Creates a new secp256k1 key, writes it as hex to FILE with mode 0600 (an
existing file is never overwritten) and prints its account (0x...). A node
of a new member signs its registry transactions with it: fund the account
on the consortium chain, start vcserve with --chain-key FILE and
--registry-address, and ask a member to run 'vcctl consortium propose
<account>'. Keep FILE as secret as the bureau keys: whoever holds it speaks
for the member on chain.`,
	examples: `vcctl consortium key housing-member.key`,
	auth:     authChain, run: consortiumKey,
}

func consortiumKey(e *env, c *command, _ any, args []string) int {
	if len(args) != 1 {
		return e.usageError(c, "expected one argument, the key file to create")
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return e.failf("generate a key: %v", err)
	}
	f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return e.failf("create %s (an existing key is never overwritten): %v", args[0], err)
	}
	_, werr := f.WriteString(hex.EncodeToString(crypto.FromECDSA(key)) + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return e.failf("write %s: %v", args[0], err)
	}
	fmt.Fprintln(e.stdout, crypto.PubkeyToAddress(key.PublicKey).Hex())
	return exitOK
}
