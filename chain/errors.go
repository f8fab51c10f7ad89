package chain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/citizencloud/citizencredentials/chain/contracts"
	"github.com/citizencloud/citizencredentials/fault"
)

// mapErr turns an error of a JSON-RPC call into a domain error: failures to
// reach the node become fault.ErrUnavailable (the cause is kept for logs);
// anything else is wrapped with what was being done.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if unavailable(err) {
		return fault.Wrap(fault.Unavailable, fmt.Errorf("%s: %w", what, err), fault.ErrUnavailable.Msg)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// unavailable reports whether err means the node could not be reached or did
// not answer, so that a retry later may succeed.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false // the caller gave up; not the node's fault
	}
	if errors.Is(err, rpc.ErrClientQuit) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return true
	}
	var httpErr rpc.HTTPError
	if errors.As(err, &httpErr) {
		return httpErr.StatusCode >= 500 || httpErr.StatusCode == 429
	}
	return false
}

// notMined reports whether a receipt lookup failed because the node does not
// know the transaction (yet). geth answers "transaction indexing is in
// progress" instead of null while its transaction indexer has not caught up
// with the head, which on a fresh or restarted chain is most of the first
// blocks; it means the same.
func notMined(err error) bool {
	return errors.Is(err, ethereum.NotFound) || strings.Contains(err.Error(), "transaction indexing is in progress")
}

var registryABI = contracts.NewCitizenCredentialRegistry()

// revertErr decodes a contract revert carried by an eth_call or
// eth_estimateGas error into a fault error: conflicting anchors and
// governance steps that clash with the registry's state are fault.Conflict
// (errors.Is(err, fault.ErrConflict) holds for anchors), calls from accounts
// that are not active members, or touch another member's bureau, or approve
// twice, fault.Forbidden; an unknown proposal or member fault.NotFound; bad
// arguments fault.Invalid. It returns nil if err carries no revert of the
// registry.
func revertErr(err error) error {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return nil
	}
	data, decErr := hexutil.Decode(s)
	if decErr != nil || len(data) < 4 {
		return nil
	}
	v, unpackErr := registryABI.UnpackError(data)
	if unpackErr != nil {
		return nil
	}
	switch e := v.(type) {
	case *contracts.CitizenCredentialRegistryStatusListConflict:
		cause := fmt.Errorf("status list %x version %d is anchored by %s with digest %x, not %x", e.ListId, e.Version, e.Member, e.Anchored, e.Sent)
		return fault.Wrap(fault.Conflict, cause, fault.ErrConflict.Msg)
	case *contracts.CitizenCredentialRegistryLogRootConflict:
		cause := fmt.Errorf("log tree size %d is anchored by %s with root %x, not %x", e.TreeSize, e.Member, e.Anchored, e.Sent)
		return fault.Wrap(fault.Conflict, cause, fault.ErrConflict.Msg)
	case *contracts.CitizenCredentialRegistryNotMember:
		return fault.Wrap(fault.Forbidden, ErrNotMember, NotMemberMessage(e.Caller))
	case *contracts.CitizenCredentialRegistryNotIssuerOwner:
		return fault.E(fault.Forbidden, "the bureau DID (hash %x) is registered by member %s; only that member may change its trust entry, not %s", e.DidHash, e.Owner.Hex(), e.Caller.Hex())
	case *contracts.CitizenCredentialRegistryAlreadyApproved:
		return fault.E(fault.Forbidden, "member %s already approved proposal %s; a member approves once", e.Member.Hex(), e.Id)
	case *contracts.CitizenCredentialRegistryUnknownProposal:
		return fault.E(fault.NotFound, "there is no proposal %s", e.Id)
	case *contracts.CitizenCredentialRegistryAlreadyExecuted:
		return fault.E(fault.Conflict, "proposal %s is already executed", e.Id)
	case *contracts.CitizenCredentialRegistryAlreadyMember:
		return fault.E(fault.Conflict, "%s is already an active member", e.Account.Hex())
	case *contracts.CitizenCredentialRegistryNoSuchMember:
		return fault.E(fault.NotFound, "%s is not an active member", e.Account.Hex())
	case *contracts.CitizenCredentialRegistryNoMajority:
		return fault.E(fault.Conflict, "proposal %s has %s approvals from the %s active members, not a majority", e.Id, e.Approvals, e.ActiveMembers)
	case *contracts.CitizenCredentialRegistryLastMember:
		return fault.E(fault.Conflict, "%s is the last active member and cannot be removed", e.Account.Hex())
	case *contracts.CitizenCredentialRegistryLengthMismatch:
		return fault.E(fault.Invalid, "list ids, versions and digests differ in length")
	case *contracts.CitizenCredentialRegistryZeroDigest:
		return fault.E(fault.Invalid, "a zero digest or root cannot be anchored")
	case *contracts.CitizenCredentialRegistryZeroAddress:
		return fault.E(fault.Invalid, "zero address")
	}
	return nil
}

// ErrNotMember is the cause (errors.Is) of the fault.Forbidden error a write
// fails with when this node's account is not an active member.
var ErrNotMember = errors.New("not an active member of the consortium")
