#!/usr/bin/env bash
# Installs headless-capable Chromium (Debian's package) for the real-browser
# test of the verifier page (server/web/browser_test.go), then prints its
# version. Idempotent: does nothing but print the version when Chromium is
# already installed. Without Chromium that test skips itself.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  # fonts-dejavu-core: the glyphs the page uses (✔ ✘) in screenshots.
  $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi

# Debian's launcher script prints a harmless shell warning on some machines.
chromium --version 2>/dev/null
