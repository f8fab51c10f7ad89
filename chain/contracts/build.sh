#!/usr/bin/env bash
# build.sh regenerates the committed contract artefacts from
# CitizenCredentialRegistry.sol:
#   CitizenCredentialRegistry.abi, CitizenCredentialRegistry.bin  (solc 0.8.37, standard JSON)
#   registry.abigen.go                                            (abigen --v2 from go.mod's go-ethereum)
# It is run by `go generate ./chain/...` and needs node and npm; `go build`
# never does. The compiler is installed into ./node_modules (git-ignored) from
# package-lock.json. Running it twice gives the same files byte for byte.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

if [ "$(node -p 'try { require("solc/package.json").version } catch (e) { "" }' 2>/dev/null)" != "0.8.37" ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi

node compile.js

go run github.com/ethereum/go-ethereum/cmd/abigen \
	--v2 \
	--abi CitizenCredentialRegistry.abi \
	--bin CitizenCredentialRegistry.bin \
	--pkg contracts \
	--type CitizenCredentialRegistry \
	--out registry.abigen.go
