#!/bin/sh
# Interop outwards: install the independent verifiers pinned in
# package-lock.json (jose; @digitalbazaar/vc + data-integrity +
# eddsa-rdfc-2022 / ecdsa-rdfc-2019 cryptosuites; did-method-key) and run
# interop_test.go, which issues fresh vc+jwt and Data Integrity credentials
# with SignJWT and SignDataIntegrity (did:key issuers), has verify.mjs accept
# them offline, and requires tampered copies to be rejected; and
# openid_test.go, which starts the service and runs openid4vc.mjs, a wallet
# built on oid4vc-ts (@openid4vc/openid4vci, @openid4vc/openid4vp): OpenID4VCI
# pre-authorized code flow, OpenID4VP with DCQL, and the negative cases.
#
# Usage: interop/run.sh [go test flags...]   (needs node >= 20 and npm)
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "interop: node is not installed" >&2; exit 1; }
command -v npm >/dev/null || { echo "interop: npm is not installed" >&2; exit 1; }
# npm ci installs exactly the locked versions (node_modules is git-ignored).
npm ci --no-audit --no-fund --loglevel=error
INTEROP=1 go test -count=1 "$@" .
