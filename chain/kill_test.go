package chain_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

const killChildEnv = "CITIZEN_DEV_CHAIN_KILL_DIR"

// TestDevChainKill9 runs the embedded chain in a child process that
// anchors one status list version per block and reports each one once its
// receipt is in; the parent kills the child with SIGKILL mid-stream and
// reopens the chain directory. Every anchor the child saw mined must still
// be on the chain. Without Dev.Sync (geth's default, NoSync writes) 1 to 3
// of them were lost per kill; with only the sync on each new head, 1 kill
// in 12 lost one; with WithDurable(dev.Sync) on the registry, none.
func TestDevChainKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain in a child process and kills it")
	}
	for round := range 3 {
		t.Run(fmt.Sprintf("kill-%d", round), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestDevChainKill9Child$", "-test.v")
			cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = nil
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var seen []uint64
			sc := bufio.NewScanner(out)
			killAt := 10 + 7*round // a different moment each round
			for sc.Scan() {
				var v, block uint64
				if _, err := fmt.Sscanf(sc.Text(), "anchored %d in block %d", &v, &block); err != nil {
					continue
				}
				seen = append(seen, v)
				if len(seen) == killAt {
					if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			_ = cmd.Wait() // killed: the error is the signal
			if len(seen) < killAt {
				t.Fatalf("the child anchored %d versions before it stopped", len(seen))
			}

			ctx := testCtx(t)
			dev := openDev(t, dir)
			reg, _, err := chain.EnsureRegistry(ctx, dev.Client(), dev.Key(), filepath.Join(dir, "registry.address"), testFounder, chain.WithMaxPollInterval(chaintest.PollInterval))
			if err != nil {
				t.Fatal(err)
			}
			lost := 0
			for _, v := range seen {
				a, ok, err := reg.StatusAnchor(ctx, "kill", v)
				if err != nil {
					t.Fatal(err)
				}
				if !ok || a.Digest != digest(fmt.Sprint(v)) {
					lost++
				}
			}
			head, _ := reg.Head(ctx)
			t.Logf("killed after %d mined anchors; after restart head %d, %d lost", len(seen), head, lost)
			if lost > 0 {
				t.Fatalf("%d of %d mined anchors lost by kill -9", lost, len(seen))
			}
		})
	}
}

// TestDevChainKill9Child is the child process of TestDevChainKill9; it runs
// only when that test starts it.
func TestDevChainKill9Child(t *testing.T) {
	dir := os.Getenv(killChildEnv)
	if dir == "" {
		t.Skip("child process of TestDevChainKill9")
	}
	ctx := testCtx(t)
	dev, err := chain.OpenDev(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	reg, _, err := chain.EnsureRegistry(ctx, dev.Client(), dev.Key(), filepath.Join(dir, "registry.address"), testFounder,
		chain.WithMaxPollInterval(chaintest.PollInterval), chain.WithDurable(dev.Sync))
	if err != nil {
		t.Fatal(err)
	}
	for v := uint64(1); ; v++ {
		rc := mined(t, reg, sent(t)(reg.Anchor(ctx, []anchor.StatusAnchor{{ListID: "kill", Version: v, Digest: digest(fmt.Sprint(v))}}, nil)))
		fmt.Printf("anchored %d in block %d\n", v, rc.Block)
	}
}
