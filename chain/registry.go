package chain

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"sync"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain/contracts"
	"github.com/citizencloud/citizencredentials/fault"
)

var _ anchor.Registry = (*Registry)(nil)

// DefaultTipFloor is the lowest priority fee Registry offers: 0.01 gwei, ten
// times geth's default miner minimum (0.001 gwei). A transaction below the
// miner minimum is accepted into the pool but never mined.
var DefaultTipFloor = big.NewInt(params.GWei / 100)

const (
	// Wait polls every few milliseconds for the first second (a period-0
	// dev chain mines in about 5-30 ms), then backs off to maxPoll (a real
	// network takes seconds per block).
	firstPoll       = 5 * time.Millisecond
	fastPoll        = 20 * time.Millisecond
	fastPollFor     = time.Second
	defaultMaxPoll  = time.Second
	maxSendAttempts = 3
)

// Registry is anchor.Registry, consortium.Chain and consortium.Governance on
// a deployed CitizenCredentialRegistry contract (version 2). It signs
// transactions with one key, its member account, and anchors in that
// account's namespace. It is safe for concurrent
// use: sends are serialised so that nonces never collide.
type Registry struct {
	client  *ethclient.Client
	key     *ecdsa.PrivateKey
	from    common.Address
	address common.Address
	abi     *contracts.CitizenCredentialRegistry
	caller  *bind.BoundContract

	tipFloor *big.Int
	maxPoll  time.Duration

	mu        sync.Mutex // guards the fields below and serialises sends
	chainID   *big.Int
	nonce     uint64
	nonceSync bool // nonce is the next one to use; false: ask the node

	durable func() error // see WithDurable; nil: nothing to do

	ns common.Address // whose namespace StatusAnchor and LogRoot read (default: from)
}

// Option configures a Registry.
type Option func(*Registry)

// WithTipFloor sets the lowest priority fee per gas offered (default
// DefaultTipFloor), or the lowest gas price on a chain without London; the
// node's suggestion is used when it is higher. Set 0 for free-gas
// consortium networks.
func WithTipFloor(wei *big.Int) Option {
	return func(r *Registry) { r.tipFloor = new(big.Int).Set(wei) }
}

// WithMaxPollInterval caps the interval at which Wait polls for a receipt
// (default 1s). Wait polls every 20 ms or less during the first second, so a
// period-0 dev chain, which mines in milliseconds, is answered at once; then
// the interval doubles up to this cap.
func WithMaxPollInterval(d time.Duration) Option {
	return func(r *Registry) { r.maxPoll = d }
}

// WithDurable sets a function that makes what the node has shown durable
// (the embedded chain's Dev.Sync). The registry calls it before it returns
// a mined receipt or a found anchor, so nothing it reported can be lost by
// a crash of the node that follows.
func WithDurable(sync func() error) Option { return func(r *Registry) { r.durable = sync } }

// WithNamespace makes the anchor.Registry reads (StatusAnchor, LogRoot) use
// member's namespace instead of the signing account's. It is for readers
// that verify one member's anchors with a key of their own (vcctl evidence
// verify); writes always go to the signing account's namespace.
func WithNamespace(member common.Address) Option { return func(r *Registry) { r.ns = member } }

// NewRegistry binds the registry deployed at address; key signs its
// transactions. It does not contact the node.
func NewRegistry(client *ethclient.Client, key *ecdsa.PrivateKey, address common.Address, opts ...Option) (*Registry, error) {
	if client == nil || key == nil {
		return nil, errors.New("chain registry: client and key are required")
	}
	if address == (common.Address{}) {
		return nil, errors.New("chain registry: zero contract address")
	}
	abi := contracts.NewCitizenCredentialRegistry()
	r := &Registry{
		client:   client,
		key:      key,
		from:     crypto.PubkeyToAddress(key.PublicKey),
		address:  address,
		abi:      abi,
		caller:   abi.Instance(client, address),
		tipFloor: new(big.Int).Set(DefaultTipFloor),
		maxPoll:  defaultMaxPoll,
	}
	for _, o := range opts {
		o(r)
	}
	if r.ns == (common.Address{}) {
		r.ns = r.from
	}
	return r, nil
}

// Founder is the founding member a new registry admits: the deploying
// account, under this name and public base URL.
type Founder struct {
	Name    string
	BaseURL string
}

// Deploy deploys a new registry (contract version 2) whose founding member is
// key's account, waits until it is mined and returns it bound to key. Errors:
// fault.ErrUnavailable when the node cannot be reached.
func Deploy(ctx context.Context, client *ethclient.Client, key *ecdsa.PrivateKey, founder Founder, opts ...Option) (*Registry, common.Address, error) {
	bin, err := hexutil.Decode(contracts.CitizenCredentialRegistryMetaData.Bin)
	if err != nil {
		return nil, common.Address{}, fmt.Errorf("deploy registry: %w", err)
	}
	ctor, err := registryABI.GetABI().Pack("", founder.Name, strings.TrimRight(founder.BaseURL, "/"))
	if err != nil {
		return nil, common.Address{}, fmt.Errorf("deploy registry: %w", err)
	}
	return DeployCode(ctx, client, key, append(bin, ctor...), opts...)
}

// DeployCode deploys a contract from its creation code (bytecode followed by
// the packed constructor arguments), waits until it is mined and returns a
// Registry bound to it. Deploy uses it; tests use it to deploy the registry
// of a previous release.
func DeployCode(ctx context.Context, client *ethclient.Client, key *ecdsa.PrivateKey, code []byte, opts ...Option) (*Registry, common.Address, error) {
	// A throw-away Registry carries the signing and nonce logic; the
	// address is only known after the send.
	r, err := NewRegistry(client, key, common.Address{1}, opts...)
	if err != nil {
		return nil, common.Address{}, err
	}
	tx, err := r.send(ctx, nil, code)
	if err != nil {
		return nil, common.Address{}, fmt.Errorf("deploy registry: %w", err)
	}
	rec, err := r.wait(ctx, tx.Hash())
	if err != nil {
		return nil, common.Address{}, fmt.Errorf("deploy registry: %w", err)
	}
	if rec.Status != types.ReceiptStatusSuccessful {
		return nil, common.Address{}, fmt.Errorf("deploy registry: transaction %s reverted", tx.Hash())
	}
	if err := r.makeDurable(); err != nil {
		return nil, common.Address{}, fmt.Errorf("deploy registry: %w", err)
	}
	r.address = rec.ContractAddress
	r.caller = r.abi.Instance(client, rec.ContractAddress)
	return r, rec.ContractAddress, nil
}

// Version is the registry contract version this package speaks.
const Version = 2

// ErrPreviousRegistry is returned (wrapped) by Join for a registry of the
// previous release (contract version 1, which has no registryVersion()).
var ErrPreviousRegistry = errors.New("the contract is a registry of the previous release (version 1), not a consortium registry")

// Join binds the consortium registry at address after checking that it is
// one: the address must hold code that answers registryVersion() == 2.
// Errors: fault.ErrUnavailable; ErrPreviousRegistry (wrapped) for a version 1
// registry; a plain error for an address without code or another contract.
func Join(ctx context.Context, client *ethclient.Client, key *ecdsa.PrivateKey, address common.Address, opts ...Option) (*Registry, error) {
	r, err := NewRegistry(client, key, address, opts...)
	if err != nil {
		return nil, err
	}
	if err := r.checkVersion(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// checkVersion checks that the bound address holds a version 2 registry.
func (r *Registry) checkVersion(ctx context.Context) error {
	code, err := r.client.CodeAt(ctx, r.address, nil)
	if err != nil {
		return mapErr(err, "registry code")
	}
	if len(code) == 0 {
		return fmt.Errorf("no contract at %s on this chain", r.address)
	}
	v, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackRegistryVersion(), r.abi.UnpackRegistryVersion)
	if err != nil {
		if unavailable(err) {
			return mapErr(err, "registry version")
		}
		if bytes.Contains(code, v1Marker) {
			return fmt.Errorf("%s: %w", r.address, ErrPreviousRegistry)
		}
		return fmt.Errorf("the contract at %s is not a Citizen Credentials registry (registryVersion() fails: %v)", r.address, err)
	}
	if !v.IsUint64() || v.Uint64() != Version {
		return fmt.Errorf("the registry at %s is version %s; this release speaks version %d", r.address, v, Version)
	}
	return nil
}

// v1Marker is a selector only the version 1 registry has: setAnchorer(address,bool).
var v1Marker = crypto.Keccak256([]byte("setAnchorer(address,bool)"))[:4]

// Setup says what EnsureRegistry did.
type Setup struct {
	Address  common.Address
	Deployed bool           // a new registry was deployed (first start, or replacing a previous one)
	Previous common.Address // non-zero: the version 1 registry that was replaced
	// PreviousFile holds Previous's address (the address file with ".v1" appended).
	PreviousFile string
}

// Note is a sentence for the operator about what happened to the previous
// registry; empty if nothing was replaced.
func (s Setup) Note() string {
	if s.Previous == (common.Address{}) {
		return ""
	}
	return fmt.Sprintf("the registry at %s is from the previous release (contract version 1, one operator) and was left untouched as history "+
		"(its address is kept in %s); a consortium registry (version 2) was deployed at %s with this node as founding member. "+
		"This node's status list versions and issuance log roots are re-anchored into it, and its bureaus' trust entries re-registered, in the background",
		s.Previous, s.PreviousFile, s.Address)
}

// EnsureRegistry returns the registry whose address is stored in
// addressFile, or deploys one with key's account as founder and stores its
// address there (first start). A file naming a registry of the previous
// release (version 1) is migrated: a version 2 registry is deployed, the old
// address is kept in addressFile+".v1" and the new one written to
// addressFile; Setup says so. It fails, rather than deploying again, if the
// file names an address that holds no code: that is the wrong chain, or a
// chain that lost the deployment, and the file must be removed by hand to
// start afresh.
func EnsureRegistry(ctx context.Context, client *ethclient.Client, key *ecdsa.PrivateKey, addressFile string, founder Founder, opts ...Option) (*Registry, Setup, error) {
	b, err := os.ReadFile(addressFile)
	switch {
	case err == nil:
		s := strings.TrimSpace(string(b))
		if !common.IsHexAddress(s) {
			return nil, Setup{}, fmt.Errorf("registry address file %s: %q is not an address", addressFile, s)
		}
		addr := common.HexToAddress(s)
		code, err := client.CodeAt(ctx, addr, nil)
		if err != nil {
			return nil, Setup{}, mapErr(err, "registry code")
		}
		if len(code) == 0 {
			return nil, Setup{}, fmt.Errorf("registry address file %s: no contract at %s on this chain (remove the file to deploy a new registry)", addressFile, addr)
		}
		r, err := Join(ctx, client, key, addr, opts...)
		if err == nil {
			return r, Setup{Address: addr}, nil
		}
		if !errors.Is(err, ErrPreviousRegistry) {
			return nil, Setup{}, fmt.Errorf("registry address file %s: %w", addressFile, err)
		}
		r, naddr, err := Deploy(ctx, client, key, founder, opts...)
		if err != nil {
			return nil, Setup{}, err
		}
		prev := addressFile + ".v1"
		if err := writeFileAtomic(prev, []byte(addr.Hex()+"\n"), 0o644); err != nil {
			return nil, Setup{}, fmt.Errorf("registry address file: %w", err)
		}
		if err := writeFileAtomic(addressFile, []byte(naddr.Hex()+"\n"), 0o644); err != nil {
			return nil, Setup{}, fmt.Errorf("registry address file: %w", err)
		}
		return r, Setup{Address: naddr, Deployed: true, Previous: addr, PreviousFile: prev}, nil
	case errors.Is(err, os.ErrNotExist):
		r, addr, err := Deploy(ctx, client, key, founder, opts...)
		if err != nil {
			return nil, Setup{}, err
		}
		if err := writeFileAtomic(addressFile, []byte(addr.Hex()+"\n"), 0o644); err != nil {
			return nil, Setup{}, fmt.Errorf("registry address file: %w", err)
		}
		return r, Setup{Address: addr, Deployed: true}, nil
	default:
		return nil, Setup{}, fmt.Errorf("registry address file: %w", err)
	}
}

// Address returns the contract address.
func (r *Registry) Address() common.Address { return r.address }

// From returns the account that signs the registry's transactions.
func (r *Registry) From() common.Address { return r.from }

// HashString is the on-chain key of a DID or status list id: keccak256 of
// its UTF-8 bytes.
func HashString(s string) [32]byte { return crypto.Keccak256Hash([]byte(s)) }

// SetIssuer implements anchor.Registry: the entry is owned by this node's
// member account (the first member to write a DID owns it). Errors:
// fault.ErrUnavailable; fault.Forbidden when the account is not an active
// member, or another member owns the DID.
func (r *Registry) SetIssuer(ctx context.Context, e anchor.IssuerEntry) (string, error) {
	fps := e.KeyFingerprints
	if fps == nil {
		fps = [][32]byte{}
	}
	data, err := r.abi.TryPackSetIssuer(HashString(e.DID), fps, e.AllowedTypesHash, e.Active)
	if err != nil {
		return "", fmt.Errorf("set issuer: %w", err)
	}
	tx, err := r.send(ctx, &r.address, data)
	if err != nil {
		return "", fmt.Errorf("set issuer: %w", err)
	}
	return tx.Hash().Hex(), nil
}

// Issuer implements anchor.Registry: the entry of one of this node's
// bureaus. An entry another member registered for did is not this node's
// and reads as absent (ok false); IssuerOf returns any member's.
func (r *Registry) Issuer(ctx context.Context, did string) (anchor.IssuerEntry, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackIssuer(HashString(did)), r.abi.UnpackIssuer)
	if err != nil {
		return anchor.IssuerEntry{}, false, mapErr(err, "issuer")
	}
	if out.UpdatedBlock == 0 || out.Member != r.ns {
		return anchor.IssuerEntry{}, false, nil
	}
	return anchor.IssuerEntry{
		DID:              did,
		KeyFingerprints:  out.KeyFingerprints,
		AllowedTypesHash: out.AllowedTypesHash,
		Active:           out.Active,
	}, true, nil
}

// Anchor implements anchor.Registry with one anchorBatch transaction, in
// this node's own namespace (its member account).
// Errors: fault.ErrUnavailable; fault.ErrConflict (errors.Is) when a list
// version or tree size is already anchored with another digest (checked
// before sending, so nothing is sent); fault.Forbidden when the account is
// not an active member (the message names it and says how to be admitted); fault.Invalid for empty input, a zero digest, a log at tree size 0
// or a batch too large for one transaction. The first version of a list
// costs about 69,000 gas, a later version about 54,000; Osaka caps a
// transaction at 16,777,216 gas (EIP-7825), so keep batches well below 240
// lists (the embedded dev chain runs Osaka).
func (r *Registry) Anchor(ctx context.Context, lists []anchor.StatusAnchor, log *anchor.LogAnchor) (string, error) {
	if len(lists) == 0 && log == nil {
		return "", fault.E(fault.Invalid, "nothing to anchor")
	}
	ids := make([][32]byte, len(lists))
	versions := make([]uint64, len(lists))
	digests := make([][32]byte, len(lists))
	for i, l := range lists {
		ids[i] = HashString(l.ListID)
		versions[i] = l.Version
		digests[i] = l.Digest
	}
	var root [32]byte
	var treeSize uint64
	if log != nil {
		if log.TreeSize == 0 {
			return "", fault.E(fault.Invalid, "a log root needs a tree size above 0")
		}
		root, treeSize = log.Root, log.TreeSize
	}
	data, err := r.abi.TryPackAnchorBatch(ids, versions, digests, root, treeSize)
	if err != nil {
		return "", fmt.Errorf("anchor: %w", err)
	}
	tx, err := r.send(ctx, &r.address, data)
	if err != nil {
		return "", fmt.Errorf("anchor: %w", err)
	}
	return tx.Hash().Hex(), nil
}

// Receipt implements anchor.Registry.
func (r *Registry) Receipt(ctx context.Context, txHash string) (*anchor.Receipt, error) {
	h, err := parseTxHash(txHash)
	if err != nil {
		return nil, err
	}
	rec, err := r.client.TransactionReceipt(ctx, h)
	if err != nil && notMined(err) {
		return nil, fault.Wrap(fault.NotFound, fmt.Errorf("transaction %s is not mined", h), fault.ErrNotFound.Msg)
	}
	if err != nil {
		return nil, mapErr(err, "receipt")
	}
	if err := r.makeDurable(); err != nil {
		return nil, err
	}
	return r.toReceipt(ctx, rec)
}

// makeDurable runs the WithDurable function; its failure makes the answer
// unavailable rather than one a crash could take back.
func (r *Registry) makeDurable() error {
	if r.durable == nil {
		return nil
	}
	if err := r.durable(); err != nil {
		return fault.Wrap(fault.Unavailable, err, fault.ErrUnavailable.Msg)
	}
	return nil
}

// Wait polls until txHash is mined and returns its receipt. Polling starts at
// 5 ms and backs off to the maximum poll interval. Errors: those of Receipt
// other than fault.ErrNotFound, or ctx's error.
func (r *Registry) Wait(ctx context.Context, txHash string) (*anchor.Receipt, error) {
	h, err := parseTxHash(txHash)
	if err != nil {
		return nil, err
	}
	rec, err := r.wait(ctx, h)
	if err != nil {
		return nil, err
	}
	if err := r.makeDurable(); err != nil {
		return nil, err
	}
	return r.toReceipt(ctx, rec)
}

// StatusAnchor implements anchor.Registry: what this node anchored, in its
// own namespace (or the one set by WithNamespace).
func (r *Registry) StatusAnchor(ctx context.Context, listID string, version uint64) (anchor.Anchored, bool, error) {
	return r.StatusAnchorOf(ctx, r.ns, listID, version)
}

// StatusAnchorOf implements consortium.Chain.
func (r *Registry) StatusAnchorOf(ctx context.Context, member common.Address, listID string, version uint64) (anchor.Anchored, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackStatusAnchor(member, HashString(listID), version), r.abi.UnpackStatusAnchor)
	if err != nil {
		return anchor.Anchored{}, false, mapErr(err, "status anchor")
	}
	if out.Digest == ([32]byte{}) {
		return anchor.Anchored{}, false, nil
	}
	if err := r.makeDurable(); err != nil {
		return anchor.Anchored{}, false, err
	}
	return anchor.Anchored{Digest: out.Digest, Block: out.BlockNumber, BlockTime: time.Unix(int64(out.Timestamp), 0).UTC()}, true, nil
}

// LogRoot implements anchor.Registry: the root this node anchored, in its
// own namespace (or the one set by WithNamespace).
func (r *Registry) LogRoot(ctx context.Context, treeSize uint64) (anchor.Anchored, bool, error) {
	return r.LogRootOf(ctx, r.ns, treeSize)
}

// LogRootOf implements consortium.Chain.
func (r *Registry) LogRootOf(ctx context.Context, member common.Address, treeSize uint64) (anchor.Anchored, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackLogRoot(member, treeSize), r.abi.UnpackLogRoot)
	if err != nil {
		return anchor.Anchored{}, false, mapErr(err, "log root")
	}
	if out.Root == ([32]byte{}) {
		return anchor.Anchored{}, false, nil
	}
	if err := r.makeDurable(); err != nil {
		return anchor.Anchored{}, false, err
	}
	return anchor.Anchored{Digest: out.Root, Block: out.BlockNumber, BlockTime: time.Unix(int64(out.Timestamp), 0).UTC()}, true, nil
}

// Head implements anchor.Registry and consortium.Chain.
func (r *Registry) Head(ctx context.Context) (uint64, error) {
	n, err := r.client.BlockNumber(ctx)
	return n, mapErr(err, "head")
}

func (r *Registry) toReceipt(ctx context.Context, rec *types.Receipt) (*anchor.Receipt, error) {
	h, err := r.client.HeaderByHash(ctx, rec.BlockHash)
	if errors.Is(err, ethereum.NotFound) {
		// Reorganised away between the two calls.
		return nil, fault.Wrap(fault.NotFound, fmt.Errorf("block %s of transaction %s is gone", rec.BlockHash, rec.TxHash), fault.ErrNotFound.Msg)
	}
	if err != nil {
		return nil, mapErr(err, "receipt block")
	}
	return &anchor.Receipt{
		TxHash:    rec.TxHash.Hex(),
		Block:     rec.BlockNumber.Uint64(),
		BlockTime: time.Unix(int64(h.Time), 0).UTC(),
		Success:   rec.Status == types.ReceiptStatusSuccessful,
		GasUsed:   rec.GasUsed,
	}, nil
}

func (r *Registry) wait(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	start := time.Now()
	interval := min(firstPoll, r.maxPoll)
	t := time.NewTimer(interval)
	defer t.Stop()
	var rec *types.Receipt
	for {
		var err error
		if rec == nil {
			rec, err = r.client.TransactionReceipt(ctx, h)
		}
		if err == nil && rec != nil {
			// A receipt can be readable before its block is the head
			// (geth writes the block, then moves the head): wait for the
			// head, so that state read right after reflects the
			// transaction.
			head, herr := r.client.BlockNumber(ctx)
			if herr != nil {
				return nil, mapErr(herr, "head")
			}
			if rec.BlockNumber == nil || head >= rec.BlockNumber.Uint64() {
				return rec, nil
			}
		} else if !notMined(err) {
			return nil, mapErr(err, "receipt")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
		limit := r.maxPoll
		if time.Since(start) < fastPollFor {
			limit = min(fastPoll, r.maxPoll)
		}
		interval = min(2*interval, limit)
		t.Reset(interval)
	}
}

// send builds, signs and submits one transaction to `to` (nil: contract
// creation), estimating gas first so that a call the contract would revert
// is reported as a fault error and never sent. It holds r.mu throughout, so
// concurrent sends get consecutive nonces.
func (r *Registry) send(ctx context.Context, to *common.Address, data []byte) (*types.Transaction, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	if r.chainID == nil {
		id, err := r.client.ChainID(ctx)
		if err != nil {
			return nil, mapErr(err, "chain id")
		}
		r.chainID = id
	}
	gas, err := r.client.EstimateGas(ctx, ethereum.CallMsg{From: r.from, To: to, Data: data})
	if err != nil {
		if rerr := revertErr(err); rerr != nil {
			return nil, rerr
		}
		if strings.Contains(err.Error(), "gas required exceeds allowance") {
			return nil, fault.Wrap(fault.Invalid, err, "the transaction exceeds the gas limit; send fewer items at once")
		}
		return nil, mapErr(err, "estimate gas")
	}
	head, err := r.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, mapErr(err, "head")
	}
	// Headroom, as state may change before inclusion; but never above the
	// block gas limit, nor above the per-transaction cap of Osaka
	// (EIP-7825) unless the estimate itself is.
	gas = min(gas+gas/5, max(gas, params.MaxTxGas), head.GasLimit)
	newTx, err := r.txBuilder(ctx, head, to, gas, data)
	if err != nil {
		return nil, err
	}
	signer := types.LatestSignerForChainID(r.chainID)

	for attempt := 1; ; attempt++ {
		if !r.nonceSync {
			n, err := r.client.PendingNonceAt(ctx, r.from)
			if err != nil {
				return nil, mapErr(err, "nonce")
			}
			r.nonce, r.nonceSync = n, true
		}
		tx, err := types.SignNewTx(r.key, signer, newTx(r.nonce))
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		err = r.client.SendTransaction(ctx, tx)
		if err == nil || isAlreadyKnown(err) {
			r.nonce++
			return tx, nil
		}
		// Whatever happened, the node is the authority on the next nonce.
		r.nonceSync = false
		if isNonceClash(err) && attempt < maxSendAttempts {
			continue // another sender with this key used the nonce
		}
		return nil, mapErr(err, "send transaction")
	}
}

// txBuilder prices a transaction and returns a function that makes it for a
// nonce. After London (a base fee in the head) it is an EIP-1559 transaction
// with the node's suggested tip, at least the tip floor, and a fee cap of
// twice the base fee plus the tip, as geth's own transactor does (the base
// fee may rise before inclusion); before London a legacy one at the node's
// suggested gas price, at least the tip floor.
func (r *Registry) txBuilder(ctx context.Context, head *types.Header, to *common.Address, gas uint64, data []byte) (func(nonce uint64) types.TxData, error) {
	if head.BaseFee == nil {
		price, err := r.client.SuggestGasPrice(ctx)
		if err != nil {
			return nil, mapErr(err, "suggest gas price")
		}
		if price.Cmp(r.tipFloor) < 0 {
			price = new(big.Int).Set(r.tipFloor)
		}
		return func(nonce uint64) types.TxData {
			return &types.LegacyTx{Nonce: nonce, GasPrice: price, Gas: gas, To: to, Data: data}
		}, nil
	}
	tip, err := r.client.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, mapErr(err, "suggest tip")
	}
	if tip.Cmp(r.tipFloor) < 0 {
		tip = new(big.Int).Set(r.tipFloor)
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	return func(nonce uint64) types.TxData {
		return &types.DynamicFeeTx{ChainID: r.chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: to, Data: data}
	}, nil
}

func isNonceClash(err error) bool {
	s := err.Error()
	return strings.Contains(s, "nonce too low") || strings.Contains(s, "replacement transaction underpriced")
}

func isAlreadyKnown(err error) bool {
	return strings.Contains(err.Error(), "already known")
}

func parseTxHash(s string) (common.Hash, error) {
	b, err := hexutil.Decode(s)
	if err != nil || len(b) != common.HashLength {
		return common.Hash{}, fault.E(fault.Invalid, "malformed transaction hash")
	}
	return common.BytesToHash(b), nil
}
