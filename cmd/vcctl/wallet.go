package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/citizencloud/citizencredentials/wallet"
)

// The wallet itself (file format, key sealing, login, fetch, choosing and
// presenting) is package wallet; these are its flags, paths and passphrase
// sources.

// ---- flags, paths, passphrase ---------------------------------------------

// walletFlags are the flags every wallet command takes.
type walletFlags struct {
	path, passFile string
}

func (f *walletFlags) define(fs *flag.FlagSet, signs bool) {
	fs.StringVar(&f.path, "wallet", "", "wallet file (default $VCCTL_WALLET, or vcctl/wallet.json in the user's config directory)")
	if signs {
		fs.StringVar(&f.passFile, "passphrase-file", "", "read the wallet passphrase from this file (- for standard input; default $VCCTL_PASSPHRASE)")
	}
}

func defineWallet(fs *flag.FlagSet) any {
	f := &walletFlags{}
	f.define(fs, false)
	return f
}

func defineWalletSigning(fs *flag.FlagSet) any {
	f := &walletFlags{}
	f.define(fs, true)
	return f
}

// walletPath is --wallet, $VCCTL_WALLET, or <config dir>/vcctl/wallet.json.
func (e *env) walletPath(f *walletFlags) (string, error) {
	if f.path != "" {
		return f.path, nil
	}
	if p := e.getenv("VCCTL_WALLET"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no wallet file: pass --wallet FILE or set VCCTL_WALLET (%v)", err)
	}
	return filepath.Join(dir, "vcctl", "wallet.json"), nil
}

// passphrase reads the passphrase from --passphrase-file or
// $VCCTL_PASSPHRASE. There is no interactive prompt: vcctl has no way to
// turn off the terminal's echo, and a passphrase must not be shown.
func (e *env) passphrase(f *walletFlags) ([]byte, error) {
	var p []byte
	switch {
	case f.passFile != "":
		b, err := e.readInput(f.passFile)
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		p = []byte(strings.TrimRight(string(b), "\r\n"))
	case e.getenv("VCCTL_PASSPHRASE") != "":
		p = []byte(e.getenv("VCCTL_PASSPHRASE"))
	default:
		return nil, errors.New("needs the wallet passphrase: set VCCTL_PASSPHRASE or pass --passphrase-file FILE")
	}
	if len(p) == 0 {
		return nil, errors.New("the passphrase is empty")
	}
	return p, nil
}

// hasPassphrase reports whether a passphrase source is configured.
func (e *env) hasPassphrase(f *walletFlags) bool {
	return f.passFile != "" || e.getenv("VCCTL_PASSPHRASE") != ""
}

// loadWallet reads the wallet file, warning when others can read it.
func (e *env) loadWallet(path string) (*wallet.File, error) {
	w, err := wallet.Load(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no wallet at %s: create one with 'vcctl wallet init' (or pass --wallet FILE)", path)
	}
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(e.stderr, "vcctl: warning: %s is readable by others (mode %04o); run chmod 600 %s\n", path, st.Mode().Perm(), path)
	}
	return w, nil
}
