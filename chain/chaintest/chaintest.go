// Package chaintest gives tests of other packages a real chain: the embedded
// dev chain in a temporary directory with a freshly deployed registry.
package chaintest

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/citizencloud/citizencredentials/chain"
)

// PollInterval is the receipt poll cap of the registries made here; the dev
// chain mines within milliseconds.
const PollInterval = 20 * time.Millisecond

// FounderURL is the base URL of the founding member Open deploys with.
const FounderURL = "http://founder.test"

// Open starts a dev chain in t.TempDir(), deploys a registry with the
// faucet key as its founding member (named "founder", base URL FounderURL)
// and closes the chain when the test ends.
func Open(t testing.TB) (*chain.Dev, *chain.Registry) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dev, err := chain.OpenDev(ctx, t.TempDir())
	if err != nil {
		t.Fatalf("open dev chain: %v", err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("close dev chain: %v", err)
		}
	})
	reg, _, err := chain.Deploy(ctx, dev.Client(), dev.Key(), chain.Founder{Name: "founder", BaseURL: FounderURL}, chain.WithMaxPollInterval(PollInterval))
	if err != nil {
		t.Fatalf("deploy registry: %v", err)
	}
	return dev, reg
}

// FundedKey returns a new key holding 100 ether on dev, paid from the
// faucet; it returns once the transfer is mined.
func FundedKey(t testing.TB, dev *chain.Dev) *ecdsa.PrivateKey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	client, faucet := dev.Client(), dev.Key()
	nonce, err := client.PendingNonceAt(ctx, crypto.PubkeyToAddress(faucet.PublicKey))
	if err != nil {
		t.Fatalf("faucet nonce: %v", err)
	}
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	to := crypto.PubkeyToAddress(key.PublicKey)
	tip := big.NewInt(params.GWei)
	tx, err := types.SignNewTx(faucet, types.LatestSignerForChainID(chain.DevChainID), &types.DynamicFeeTx{
		ChainID:   chain.DevChainID,
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas:       params.TxGas,
		To:        &to,
		Value:     new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("fund %s: %v", to, err)
	}
	for {
		rec, err := client.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			if rec.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("fund %s: transfer failed", to)
			}
			return key
		}
		select {
		case <-ctx.Done():
			t.Fatalf("fund %s: %v (last: %v)", to, ctx.Err(), err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Member returns a registry bound to reg's contract with a new funded key
// (see FundedKey) that is not a member yet.
func Member(t testing.TB, dev *chain.Dev, reg *chain.Registry) *chain.Registry {
	t.Helper()
	r, err := chain.NewRegistry(dev.Client(), FundedKey(t, dev), reg.Address(), chain.WithMaxPollInterval(PollInterval))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Admit makes a new member under name and baseURL: voters[0] proposes its
// admission and the other voters approve, so voters must be a majority of
// the active members. It returns the new member's registry.
func Admit(t testing.TB, dev *chain.Dev, name, baseURL string, voters ...*chain.Registry) *chain.Registry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m := Member(t, dev, voters[0])
	p, err := voters[0].ProposeAdmission(ctx, m.From(), name, baseURL)
	if err != nil {
		t.Fatalf("propose admission of %s: %v", name, err)
	}
	for _, v := range voters[1:] {
		if p, err = v.Approve(ctx, p.ID); err != nil {
			t.Fatalf("approve admission of %s: %v", name, err)
		}
	}
	if !p.Executed {
		t.Fatalf("admission of %s not executed after %d approvals", name, len(p.Approvals))
	}
	return m
}

// FundedKeyFrom returns a new key holding 10 ether on the geth --dev node
// at url, paid from the node's unlocked developer account; it returns once
// the payment is mined.
func FundedKeyFrom(t testing.TB, url string) *ecdsa.PrivateKey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rc, err := rpc.DialContext(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var accounts []common.Address
	if err := rc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("the dev node has no unlocked account: %v", err)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	to := crypto.PubkeyToAddress(key.PublicKey)
	value := new(big.Int).Mul(big.NewInt(10), big.NewInt(params.Ether))
	var tx common.Hash
	if err := rc.CallContext(ctx, &tx, "eth_sendTransaction", map[string]any{"from": accounts[0], "to": to, "value": "0x" + value.Text(16)}); err != nil {
		t.Fatalf("fund %s: %v", to, err)
	}
	client := ethclient.NewClient(rc)
	for {
		if bal, err := client.BalanceAt(ctx, to, nil); err == nil && bal.Sign() > 0 {
			return key
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the payment to %s was not mined", to)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
