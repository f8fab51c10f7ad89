#!/usr/bin/env bash
# A consortium of Citizen Credentials nodes on one machine: a geth --dev
# chain, member A (founder), member B (joins), then member C (admitted by a
# vote of A and B). Every command is printed before it runs.
#
#   go build -o .tools/ github.com/ethereum/go-ethereum/cmd/geth ./cmd/vcserve ./cmd/vcctl
#   bash examples/consortium/tour.sh            # keeps the consortium running; Ctrl-C stops it
#   bash examples/consortium/tour.sh --check    # CI: exits 0 once the story checked out
#
# Work files (keys, data directories, logs) are under .tour/ (removed at
# the start of each run). Ports: chain 8545, A 8181, B 8182, C 8183
# (override with TOUR_CHAIN_PORT, TOUR_PORT_A, TOUR_PORT_B, TOUR_PORT_C).
set -euo pipefail
cd "$(dirname "$0")/../.."

check=false
[ "${1:-}" = "--check" ] && check=true
bin=.tools
for b in geth vcserve vcctl; do
  if [ ! -x "$bin/$b" ]; then
    echo "tour: $bin/$b is missing; build the tools first:"
    echo "  go build -o .tools/ github.com/ethereum/go-ethereum/cmd/geth ./cmd/vcserve ./cmd/vcctl"
    exit 2
  fi
done
tour=.tour
rm -rf "$tour" && mkdir -p "$tour" && chmod 700 "$tour"
chain_port=${TOUR_CHAIN_PORT:-8545}
rpc="http://127.0.0.1:$chain_port"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
rpc_call() { # method params-json
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$rpc"
}
wait_for() { # what url
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$2" && return 0
    sleep 0.2
  done
  echo "tour: $1 did not come up at $2"; exit 1
}

say "the chain: geth --dev (mines a block per transaction)"
printf '$ %s\n' "$bin/geth --dev --http --http.port $chain_port ..."
"$bin/geth" --dev --datadir "$tour/chain" --http --http.addr 127.0.0.1 --http.port "$chain_port" \
  --http.api eth,net,web3 --nodiscover --maxpeers 0 --port 0 --authrpc.port 0 --verbosity 2 \
  > "$tour/geth.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do rpc_call eth_blockNumber '[]' >/dev/null 2>&1 && break; sleep 0.2; done
dev=$(rpc_call eth_accounts '[]' | sed -E 's/.*"result":\["(0x[0-9a-fA-F]{40})".*/\1/')

# member NAME PORT [REGISTRY]: a key, 10 ether from the dev account, and vcserve.
member() {
  local name=$1 port=$2 registry=${3:-}
  local account
  account=$("$bin/vcctl" consortium key "$tour/$name.key")
  echo "member $name: account $account (vcctl consortium key $tour/$name.key)"
  rpc_call eth_sendTransaction "[{\"from\":\"$dev\",\"to\":\"$account\",\"value\":\"0x8AC7230489E80000\"}]" >/dev/null
  sleep 0.5
  local args=(--addr "127.0.0.1:$port" --data-dir "$tour/$name" --chain-rpc "$rpc" --chain-key "$tour/$name.key"
    --member-name "$name" --consortium-allow-private --publish-interval 1s --anchor-interval 1s)
  [ -n "$registry" ] && args+=(--registry-address "$registry")
  printf '$ %s %s\n' "$bin/vcserve" "${args[*]}"
  "$bin/vcserve" "${args[@]}" > "$tour/$name.log" 2>&1 &
  pids+=($!)
  wait_for "member $name" "http://127.0.0.1:$port/healthz"
  eval "account_$name=$account"
}
# as NAME ...: vcctl against member NAME with its operator token (printed
# as the file it comes from, never as its value).
as() {
  local name=$1; shift
  local port_var="port_$name"
  printf '$ vcctl --url http://127.0.0.1:%s --token "$(cat %s)" %s\n' "${!port_var}" "$tour/$name/admin.token" "$*"
  "$bin/vcctl" --url "http://127.0.0.1:${!port_var}" --token "$(cat "$tour/$name/admin.token")" "$@"
}
# bureau NAME KEYFILE ...: vcctl against member NAME with a bureau's API key.
bureau() {
  local name=$1 keyfile=$2; shift 2
  local port_var="port_$name"
  printf '$ vcctl --url http://127.0.0.1:%s --token "$(cat %s)" %s\n' "${!port_var}" "$keyfile" "$*"
  "$bin/vcctl" --url "http://127.0.0.1:${!port_var}" --token "$(cat "$keyfile")" "$@"
}
port_A=${TOUR_PORT_A:-8181}; port_B=${TOUR_PORT_B:-8182}; port_C=${TOUR_PORT_C:-8183}

say "member A founds the consortium: its node deploys the registry and admits itself"
member A "$port_A"
registry=$(cat "$tour"/A/registry-*.address)
echo "$registry" > "$tour/registry"
echo "registry: $registry"

say "member B joins with --registry-address; A, the only member, admits it alone"
member B "$port_B" "$registry"
as A consortium propose "$account_B" --name B --base-url "http://127.0.0.1:$port_B"
as B consortium members

say "A's bureau issues a credential"
as A bureau create --name "Civil Affairs Volunteer Office" --slug volunteers --types VolunteerServiceCredential --key-file "$tour/bureau.key" >/dev/null
cat > "$tour/claims.json" <<'JSON'
{"hours": 42, "organization": "City Food Bank", "activity": "Food distribution",
 "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}
JSON
bureau A "$tour/bureau.key" issue --type VolunteerServiceCredential \
  --subject did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK --claims "$tour/claims.json" --out "$tour/alice.jwt" 2> "$tour/alice.id"
cred_id=$(grep -oE 'urn:uuid:[0-9a-f-]+' "$tour/alice.id" | head -n 1)
echo "issued $cred_id"

# verify_on NAME WANT [FILE]: verify FILE (alice.jwt) on member NAME until
# it says WANT with nothing pending (anchoring takes a round or two).
verify_on() {
  local name=$1 want=$2 file=${3:-$tour/alice.jwt} port_var="port_$1" out
  for _ in $(seq 1 60); do
    out=$("$bin/vcctl" --url "http://127.0.0.1:${!port_var}" verify "$file" 2>&1 || true)
    if grep -q -- "$want" <<<"$out" && ! grep -q PENDING <<<"$out"; then
      printf '$ vcctl --url http://127.0.0.1:%s verify %s\n%s\n' "${!port_var}" "$file" "$out"
      return 0
    fi
    sleep 0.5
  done
  printf 'tour: member %s never said %q; last answer:\n%s\n' "$name" "$want" "$out"; exit 1
}

say "B verifies A's credential trusting only the chain (each check names member A and a block)"
verify_on B "VERIFIED"

say "A revokes; once A anchors the new list version, B says revoked"
bureau A "$tour/bureau.key" revoke "$cred_id" --reason "tour: hours disputed"
verify_on B "revoked by the issuer"

say "A stops: B still verifies, from the list it checked against the chain, as of a block"
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
verify_on B "as of block"

say "A is back; C joins and is admitted by a vote of A and B (two of two): B proposes, A approves"
printf '$ %s\n' "(A restarts with the same data directory)"
"$bin/vcserve" --addr "127.0.0.1:$port_A" --data-dir "$tour/A" --chain-rpc "$rpc" --chain-key "$tour/A.key" \
  --member-name A --consortium-allow-private --publish-interval 1s --anchor-interval 1s >> "$tour/A.log" 2>&1 &
pids[1]=$!
wait_for "member A" "http://127.0.0.1:$port_A/healthz"
member C "$port_C" "$registry"
as B consortium propose "$account_C" --name C --base-url "http://127.0.0.1:$port_C" > "$tour/proposal.txt"
cat "$tour/proposal.txt"
proposal=$(sed -nE 's/^proposal ([0-9]+):.*/\1/p' "$tour/proposal.txt")
as A consortium approve "$proposal"
as C consortium members

say "C's bureau issues; B verifies it against C's anchors"
as C bureau create --name "Lifelong Learning Office" --slug learning --types VolunteerServiceCredential --key-file "$tour/learning.key" >/dev/null
bureau C "$tour/learning.key" issue --type VolunteerServiceCredential \
  --subject did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK --claims "$tour/claims.json" --out "$tour/bob.jwt" 2>/dev/null
verify_on B "logged by member C" "$tour/bob.jwt"

say "the monitor audits every member against the chain (read-only, no key)"
run "$bin/vcctl" audit consortium --chain-rpc "$rpc" --registry-address "$registry"

if $check; then
  say "tour checked out"
  exit 0
fi
say "the consortium keeps running: chain $rpc, A :$port_A, B :$port_B, C :$port_C; registry in $tour/registry"
echo "In another terminal, for example:"
echo "  .tools/vcctl audit consortium --chain-rpc $rpc --registry-address \$(cat $tour/registry)"
echo "  .tools/vcctl --url http://127.0.0.1:$port_B verify $tour/alice.jwt"
echo "Ctrl-C stops it."
wait
