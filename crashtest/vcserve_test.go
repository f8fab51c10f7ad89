package crashtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// publicURL names the bureaus' did:web DIDs. Every process of a test uses
// it, so a restarted process (on another port) and a replica serve the
// same DIDs.
const publicURL = "https://citizen.example"

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		if err := os.RemoveAll(buildDir); err != nil {
			fmt.Fprintln(os.Stderr, "crashtest: remove build dir:", err)
		}
	}
	os.Exit(code)
}

// vcserveBinary builds cmd/vcserve once per test binary and returns its path.
func vcserveBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "crashtest-")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "vcserve")
		out, err := exec.Command("go", "build", "-o", buildBin, "github.com/citizencloud/citizencredentials/cmd/vcserve").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/vcserve: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// proc is one vcserve child process, started again after each kill with
// the same data dir and flags.
type proc struct {
	t       *testing.T
	name    string
	args    []string
	dataDir string
	logPath string

	cmd    *exec.Cmd
	done   chan struct{}
	url    string
	admin  string
	starts int
}

// newProc prepares a vcserve on dataDir with extra flags; start runs it.
// The process is killed when the test ends.
func newProc(t *testing.T, name, dataDir string, extra ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, dataDir: dataDir, logPath: filepath.Join(t.TempDir(), name+".log")}
	p.args = append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--public-url", publicURL, "--playground=false"}, extra...)
	t.Cleanup(func() {
		if p.running() {
			p.kill()
		}
	})
	return p
}

func (p *proc) running() bool {
	if p.done == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// start runs the process and waits until it listens.
func (p *proc) start() {
	p.t.Helper()
	bin := vcserveBinary(p.t)
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	p.starts++
	fmt.Fprintf(logf, "--- start %d\n", p.starts)
	listening := make(chan string, 1)
	cmd := exec.Command(bin, p.args...)
	cmd.Stdout = logf
	cmd.Stderr = io.MultiWriter(logf, &urlSniffer{found: listening})
	if err := cmd.Start(); err != nil {
		logf.Close()
		p.t.Fatalf("%s: start: %v", p.name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	done := p.done
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(logf, "--- exit: %v\n", err)
		logf.Close()
		close(done)
	}()
	select {
	case u := <-listening:
		p.url = u
	case <-done:
		p.t.Fatalf("%s exited during start:\n%s", p.name, p.logTail())
	case <-time.After(3 * time.Minute):
		p.kill()
		p.t.Fatalf("%s did not listen within 3 minutes:\n%s", p.name, p.logTail())
	}
	tok, err := os.ReadFile(filepath.Join(p.dataDir, "admin.token"))
	if err != nil {
		p.t.Fatalf("%s: admin token: %v", p.name, err)
	}
	p.admin = strings.TrimSpace(string(tok))
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Errorf("%s: kill: %v", p.name, err)
	}
	<-p.done
}

// logTail is the end of the process's output, for failure messages.
func (p *proc) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// urlSniffer finds the "listening on URL" line of vcserve's banner.
type urlSniffer struct {
	buf   []byte
	found chan<- string
	sent  bool
}

func (s *urlSniffer) Write(b []byte) (int, error) {
	if s.sent {
		return len(b), nil
	}
	s.buf = append(s.buf, b...)
	const marker = "listening on "
	if i := bytes.Index(s.buf, []byte(marker)); i >= 0 {
		rest := s.buf[i+len(marker):]
		if j := bytes.IndexAny(rest, " \n"); j > 0 {
			s.found <- string(rest[:j])
			s.sent, s.buf = true, nil
		}
	}
	return len(b), nil
}

// errNoAnswer marks a request that got no GraphQL answer (the process died
// or the connection broke): the client cannot know whether it took effect.
var errNoAnswer = errors.New("no answer")

// gqlError is a GraphQL error answer.
type gqlError struct{ Code, Message string }

func (e *gqlError) Error() string { return e.Code + ": " + e.Message }

var httpClient = &http.Client{Timeout: 5 * time.Minute}

// gql posts one operation to base and decodes data[field] into out.
func gql(ctx context.Context, base, token, query string, vars map[string]any, field string, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%w: read: %v", errNoAnswer, err)
	}
	var r struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%w: HTTP %d, undecodable body (%d bytes): %v", errNoAnswer, resp.StatusCode, len(raw), err)
	}
	if len(r.Errors) > 0 {
		return &gqlError{Code: r.Errors[0].Extensions.Code, Message: r.Errors[0].Message}
	}
	if err := json.Unmarshal(r.Data[field], out); err != nil {
		return fmt.Errorf("decode %s: %v", field, err)
	}
	return nil
}

// must runs an operation that has to succeed.
func (p *proc) must(t *testing.T, token, query string, vars map[string]any, field string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := gql(ctx, p.url, token, query, vars, field, out); err != nil {
		t.Fatalf("%s %s: %v", p.name, field, err)
	}
}
