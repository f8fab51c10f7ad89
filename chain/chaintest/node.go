package chaintest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/citizencloud/citizencredentials/chain"
)

// Node is a dev chain run as a separate node that serves JSON-RPC over HTTP
// on 127.0.0.1, the way an external node (geth --dev --http) does: a
// service reaches it with --chain-rpc URL() and --chain-key KeyFile(). Stop
// takes the node down (the chain is closed and connections are refused);
// Start brings the same chain back on the same address. A test of an
// outage stops the node for real instead of faking errors in the service.
type Node struct {
	t    testing.TB
	dir  string
	addr string

	dev    *chain.Dev
	srv    *http.Server
	served chan struct{}
}

// StartNode starts a node with a new dev chain in t.TempDir() and stops it
// when the test ends.
func StartNode(t testing.TB) *Node {
	t.Helper()
	n := &Node{t: t, dir: t.TempDir(), addr: "127.0.0.1:0"}
	n.Start()
	t.Cleanup(n.Stop)
	return n
}

// URL is the node's JSON-RPC endpoint.
func (n *Node) URL() string { return "http://" + n.addr }

// KeyFile is the file holding the hex key of the chain's faucet account,
// funded at genesis: a service given it as --chain-key deploys its
// registry and is its founding member.
func (n *Node) KeyFile() string { return filepath.Join(n.dir, chain.DevFaucetKeyFile) }

// Start opens the chain and serves it; after Stop, on the address it had
// before. Starting a running node does nothing.
func (n *Node) Start() {
	n.t.Helper()
	if n.dev != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dev, err := chain.OpenDev(ctx, n.dir)
	if err != nil {
		n.t.Fatalf("chaintest: open dev chain: %v", err)
	}
	ln, err := net.Listen("tcp", n.addr)
	if err != nil {
		_ = dev.Close()
		n.t.Fatalf("chaintest: listen on %s: %v", n.addr, err)
	}
	n.addr = ln.Addr().String()
	n.dev = dev
	n.srv = &http.Server{Handler: rpcProxy{rc: dev.Client().Client()}, ReadHeaderTimeout: 10 * time.Second}
	n.served = make(chan struct{})
	go func() {
		defer close(n.served)
		_ = n.srv.Serve(ln) // returns http.ErrServerClosed after Stop
	}()
}

// Dev returns the running chain (nil while stopped), e.g. for FundedKey.
func (n *Node) Dev() *chain.Dev { return n.dev }

// Stop closes the listener and every connection, then the chain, which
// keeps its blocks on disk for Start. Stopping a stopped node does nothing.
func (n *Node) Stop() {
	n.t.Helper()
	if n.dev == nil {
		return
	}
	if err := n.srv.Close(); err != nil {
		n.t.Errorf("chaintest: close JSON-RPC server: %v", err)
	}
	<-n.served
	if err := n.dev.Close(); err != nil {
		n.t.Errorf("chaintest: close dev chain: %v", err)
	}
	n.dev, n.srv = nil, nil
}

// rpcProxy serves JSON-RPC 2.0 over HTTP (single calls and batches) by
// passing each call to the node's in-process RPC server, which is all the
// embedded dev chain exposes.
type rpcProxy struct{ rc *rpc.Client }

type rpcRequest struct {
	ID     json.RawMessage   `json:"id"`
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

func (p rpcProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "JSON-RPC wants POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 5<<20))
	if err != nil {
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return
	}
	body = bytes.TrimSpace(body)
	var out any
	if len(body) > 0 && body[0] == '[' {
		var reqs []rpcRequest
		if err := json.Unmarshal(body, &reqs); err != nil {
			http.Error(w, "malformed JSON-RPC batch", http.StatusBadRequest)
			return
		}
		resps := make([]rpcResponse, len(reqs))
		for i, req := range reqs {
			resps[i] = p.call(r.Context(), req)
		}
		out = resps
	} else {
		var req rpcRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, "malformed JSON-RPC request", http.StatusBadRequest)
			return
		}
		out = p.call(r.Context(), req)
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		return // the client went away
	}
}

// call runs one request on the node, keeping the error code and data (a
// contract revert travels in the data).
func (p rpcProxy) call(ctx context.Context, req rpcRequest) rpcResponse {
	resp := rpcResponse{JSONRPC: "2.0", ID: req.ID}
	args := make([]any, len(req.Params))
	for i, a := range req.Params {
		args[i] = a
	}
	var result json.RawMessage
	if err := p.rc.CallContext(ctx, &result, req.Method, args...); err != nil {
		e := &rpcError{Code: -32000, Message: err.Error()}
		var re rpc.Error
		if errors.As(err, &re) {
			e.Code = re.ErrorCode()
		}
		var de rpc.DataError
		if errors.As(err, &de) {
			e.Data = de.ErrorData()
		}
		resp.Error = e
		return resp
	}
	resp.Result = result
	return resp
}

// ServeRPC serves dev's JSON-RPC over HTTP on 127.0.0.1, as a node of the
// consortium chain would, until the test ends, and returns its URL. Unlike
// StartNode it serves a chain the test already opened.
func ServeRPC(t testing.TB, dev *chain.Dev) string {
	t.Helper()
	srv := httptest.NewServer(rpcProxy{rc: dev.Client().Client()})
	t.Cleanup(srv.Close)
	return srv.URL
}
