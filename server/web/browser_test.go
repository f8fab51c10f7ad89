//go:build linux || darwin

package web_test

// A real-browser end-to-end test of the verifier page: vcserve runs
// in-process, headless Chromium is driven over the DevTools protocol (CDP)
// with a small client on github.com/coder/websocket. It is skipped when no
// Chromium is installed (.ci/install-chromium.sh installs it); set CHROMIUM
// to the binary to use a particular one, and VERIFY_SCREENSHOT_DIR to keep
// the screenshots somewhere other than the test's temporary directory.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/did"
)

func TestVerifierPageInBrowser(t *testing.T) {
	bin := findChromium()
	if bin == "" {
		if os.Getenv("CC_REQUIRE_BROWSER") != "" {
			t.Fatal("CC_REQUIRE_BROWSER is set but no Chromium was found (set CHROMIUM or run .ci/install-chromium.sh)")
		}
		t.Skip("no Chromium found (set CHROMIUM or run .ci/install-chromium.sh): skipping the real-browser test of /verify")
	}
	if testing.Short() {
		t.Skip("-short: skipping the real-browser test of /verify")
	}
	shots := os.Getenv("VERIFY_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// The service, with publishing and anchoring run by the test.
	m, operator := apptest.Start(t, "", func(c *app.Config) {
		c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour
	})
	base := m.URL()
	bureau := gql[struct{ APIKey string }](t, base, operator,
		`mutation($in: CreateBureauInput!) { createBureau(input: $in) { apiKey } }`,
		map[string]any{"in": map[string]any{"name": "City Volunteer Office", "slug": "volunteer-office", "allowedTypes": []string{"VolunteerServiceCredential"}}},
		"createBureau")
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := did.NewKeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	cred := gql[struct{ Credential string }](t, base, bureau.APIKey,
		`mutation($in: IssueCredentialInput!) { issueCredential(input: $in) { credential } }`,
		map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": map[string]any{
			"hours": 42, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}}},
		"issueCredential").Credential
	anchor(t, m)

	b := launch(t, bin)
	p := b.newPage(t)

	t.Run("verified", func(t *testing.T) {
		p.navigate(t, base+"/verify")
		p.waitFor(t, `document.readyState === "complete" && !!document.getElementById("verify")`)
		p.eval(t, `document.getElementById("input").focus()`)
		p.call(t, "Input.insertText", map[string]any{"text": cred}) // as if pasted
		p.waitFor(t, `document.getElementById("detected").textContent.includes("JWT credential")`)
		p.click(t, "#verify")
		p.waitFor(t, `!!document.querySelector("#banner .title")`)
		if got := p.text(t, "#banner .title"); got != "VERIFIED" {
			t.Fatalf("banner %q, want VERIFIED; checks: %s", got, p.text(t, "#checks"))
		}
		row := p.row(t, "signature")
		if !row.OK || row.Class != "check ok" || row.Mark != "✔" || row.Color != "rgb(26, 127, 55)" {
			t.Errorf("signature row %+v, want a green ✔ (the stylesheet must have loaded)", row)
		}
		for _, want := range []string{"VolunteerServiceCredential", "City Food Bank", "42", holder, "did:web:"} {
			if !strings.Contains(p.text(t, "#result"), want) {
				t.Errorf("the result does not show %q", want)
			}
		}
		if !strings.Contains(p.text(t, "#anchor"), "Block") {
			t.Errorf("no anchor block shown: %q", p.text(t, "#anchor"))
		}
		if live := p.eval(t, `document.getElementById("result").getAttribute("aria-live")`); live != "polite" {
			t.Errorf("result region aria-live=%v", live)
		}
		p.screenshot(t, filepath.Join(shots, "verify-verified.png"))
	})

	t.Run("tampered", func(t *testing.T) {
		tampered := tamper(t, cred)
		p.eval(t, `document.getElementById("input").select()`)
		p.call(t, "Input.insertText", map[string]any{"text": tampered})
		p.key(t, "Enter", 13, 2) // Ctrl+Enter from the keyboard submits
		p.waitFor(t, `document.querySelector("#banner .title")?.textContent === "NOT VERIFIED"`)
		row := p.row(t, "signature")
		if row.OK || row.Class != "check fail" || row.Mark != "✘" || row.Color != "rgb(207, 34, 46)" {
			t.Errorf("signature row %+v, want a red ✘", row)
		}
		p.screenshot(t, filepath.Join(shots, "verify-tampered.png"))
	})

	t.Run("graphql-error", func(t *testing.T) {
		// Larger than the API takes: the error is shown with its code.
		p.eval(t, `(() => { const i = document.getElementById("input"); i.value = "x".repeat(300000); i.dispatchEvent(new Event("input")); })()`)
		p.click(t, "#verify")
		p.waitFor(t, `!!document.querySelector("#errors li[data-code]")`)
		code := p.eval(t, `document.querySelector("#errors li").dataset.code`)
		if code == "" || code == "UNKNOWN" || p.text(t, "#errors .code") != code {
			t.Errorf("error shown without its code: %q / %q", code, p.text(t, "#errors"))
		}
		if p.eval(t, `!!document.getElementById("banner")`) == true {
			t.Error("the error replaced nothing: a banner is still shown")
		}
		p.screenshot(t, filepath.Join(shots, "verify-error.png"))
	})

	t.Run("xss", func(t *testing.T) {
		// Nothing from the input or the result is parsed as HTML.
		p.eval(t, `document.getElementById("input").select()`)
		p.call(t, "Input.insertText", map[string]any{"text": `{"type":["VerifiablePresentation"],"<img src=x onerror=alert(1)>":1}`})
		p.click(t, "#verify")
		p.waitFor(t, `!!document.querySelector("#banner")`)
		if n := p.eval(t, `document.querySelectorAll("#result img, #result script").length`); n != float64(0) {
			t.Errorf("%v injected elements", n)
		}
		if p.eval(t, `!document.getElementById("binding").hidden`) != true {
			t.Error("the challenge/domain inputs are hidden for a presentation")
		}
	})

	t.Run("request", func(t *testing.T) {
		verifier := gql[struct{ APIKey string }](t, base, operator,
			`mutation($in: CreateVerifierInput!) { createVerifier(input: $in) { apiKey } }`,
			map[string]any{"in": map[string]any{"name": "Food Bank HR"}}, "createVerifier")
		req := gql[struct{ ID string }](t, base, verifier.APIKey,
			`mutation($in: PresentationRequestInput!) { createPresentationRequest(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"types": []string{"VolunteerServiceCredential"}, "purpose": "Volunteer hours for the grant"}},
			"createPresentationRequest")
		p.navigate(t, base+"/verify?request="+req.ID)
		p.waitFor(t, `document.getElementById("request-state")?.textContent === "PENDING"`)
		if !strings.Contains(p.text(t, "#request-details"), "Volunteer hours for the grant") {
			t.Errorf("request details: %q", p.text(t, "#request-details"))
		}
		// A wallet scans the OpenID4VP request from the page.
		p.waitFor(t, `(() => { const i = document.querySelector("#wallet-qr img"); return !!i && i.complete && i.naturalWidth > 0; })()`)
		if href := p.eval(t, `document.getElementById("wallet-link").href`); !strings.HasPrefix(fmt.Sprint(href), "openid4vp://?client_id=redirect_uri%3A") {
			t.Errorf("wallet link %v", href)
		}
		p.screenshot(t, filepath.Join(shots, "verify-request-qr.png"))
		// Anyone holding the id may answer; a bad presentation fails it.
		gql[json.RawMessage](t, base, "", `mutation($id: ID!, $p: String!) { submitPresentation(requestId: $id, presentation: $p) { verified } }`,
			map[string]any{"id": req.ID, "p": "not.a.presentation"}, "submitPresentation")
		p.waitFor(t, `document.getElementById("request-state")?.textContent === "FAILED"`) // polled
		if got := p.text(t, "#banner .title"); got != "NOT VERIFIED" {
			t.Errorf("banner %q after the request failed", got)
		}
		p.screenshot(t, filepath.Join(shots, "verify-request.png"))

		p.navigate(t, base+"/verify?request=no-such-request")
		p.waitFor(t, `document.getElementById("request-status").textContent.includes("no presentation request")`)
	})

	t.Run("playground", func(t *testing.T) {
		// GraphiQL runs from the binary's own assets under its CSP (any
		// violation or script error is reported by b.problems below).
		p.navigate(t, base+"/")
		p.waitFor(t, `!!document.querySelector(".graphiql-container .graphiql-editors")`)
		p.screenshot(t, filepath.Join(shots, "playground.png"))
	})

	if errs := b.problems(); len(errs) > 0 {
		t.Errorf("the browser reported problems (CSP violations, script errors):\n%s", strings.Join(errs, "\n"))
	}
	t.Logf("screenshots in %s", shots)
}

// ---- service helpers --------------------------------------------------

func gql[T any](t *testing.T, base, token, query string, vars map[string]any, field string) T {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   map[string]json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("%s: %s (%v)", field, raw, err)
	}
	var v T
	if err := json.Unmarshal(out.Data[field], &v); err != nil {
		t.Fatalf("%s: %v", field, err)
	}
	return v
}

// anchor publishes the status lists and anchors the issuance log on the
// embedded chain, so the page has an anchor to show.
func anchor(t *testing.T, m *app.Main) {
	t.Helper()
	ctx := context.Background()
	if _, err := m.Publish(ctx); err != nil {
		t.Fatalf("publish: %v", err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		if _, err := m.Anchor(ctx); err != nil {
			t.Fatalf("anchor: %v", err)
		}
		if n, _ := m.Backlog(ctx); n == 0 {
			return
		}
	}
	t.Fatal("anchoring did not finish")
}

// tamper raises the hours in the payload and keeps the old signature.
func tamper(t *testing.T, jws string) string {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", jws)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(payload, []byte(`"hours":42`), []byte(`"hours":420`), 1)
	if bytes.Equal(changed, payload) {
		t.Fatalf("no hours claim to tamper with in %s", payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(changed)
	return strings.Join(parts, ".")
}

// ---- Chromium over CDP --------------------------------------------------

func findChromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

type browser struct {
	conn *websocket.Conn
	ctx  context.Context

	mu      sync.Mutex
	next    int64
	pending map[int64]chan cdpMessage
	issues  []string
}

type cdpMessage struct {
	ID        int64           `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    any             `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

var devtoolsLine = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// launch starts headless Chromium with a fresh profile and connects to it;
// cleanup closes it.
func launch(t *testing.T, bin string) *browser {
	t.Helper()
	profile, err := os.MkdirTemp("", "verify-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-dev-shm-usage", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
		"--window-size=1200,900", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--user-data-dir="+profile, "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the launcher script may not exec
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	var logMu sync.Mutex
	var log []string
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			if len(log) < 200 {
				log = append(log, line)
			}
			logMu.Unlock()
			if m := devtoolsLine.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	stop := func() {
		// The whole process group: the launcher and the browser's helpers.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = os.RemoveAll(profile)
	}
	var wsURL string
	select {
	case wsURL = <-found:
	case <-time.After(45 * time.Second):
		stop()
		cancel()
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("Chromium did not start its DevTools endpoint; its output:\n%s", strings.Join(log, "\n"))
	}
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		stop()
		cancel()
		t.Fatalf("connect to %s: %v", wsURL, err)
	}
	conn.SetReadLimit(64 << 20) // screenshots
	b := &browser{conn: conn, ctx: ctx, pending: map[int64]chan cdpMessage{}}
	done := make(chan struct{})
	go b.read(done)
	t.Cleanup(func() {
		closeCtx, c := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = b.send(closeCtx, "", "Browser.close", nil)
		c()
		_ = conn.Close(websocket.StatusNormalClosure, "")
		cancel()
		<-done
		exited := make(chan struct{})
		go func() { _, _ = cmd.Process.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		stop()
	})
	return b
}

func (b *browser) read(done chan<- struct{}) {
	defer close(done)
	for {
		_, data, err := b.conn.Read(b.ctx)
		if err != nil {
			b.mu.Lock()
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var msg cdpMessage
		if json.Unmarshal(data, &msg) != nil {
			continue
		}
		if msg.ID != 0 {
			b.mu.Lock()
			ch := b.pending[msg.ID]
			delete(b.pending, msg.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- msg
			}
			continue
		}
		b.event(msg.Method, data)
	}
}

// event records what the page reports as wrong: CSP violations, failed
// loads, console errors and uncaught exceptions.
func (b *browser) event(method string, data []byte) {
	var issue string
	switch method {
	case "Log.entryAdded":
		var e struct {
			Params struct {
				Entry struct{ Level, Source, Text, URL string }
			}
		}
		_ = json.Unmarshal(data, &e)
		if e.Params.Entry.Level == "error" && !expectedNetworkError(e.Params.Entry.Text) {
			issue = fmt.Sprintf("log %s: %s %s", e.Params.Entry.Source, e.Params.Entry.Text, e.Params.Entry.URL)
		}
	case "Runtime.exceptionThrown":
		var e struct {
			Params struct {
				ExceptionDetails struct {
					Text      string
					Exception struct{ Description string }
				}
			}
		}
		_ = json.Unmarshal(data, &e)
		issue = "exception: " + e.Params.ExceptionDetails.Text + " " + e.Params.ExceptionDetails.Exception.Description
	case "Runtime.consoleAPICalled":
		var e struct {
			Params struct {
				Type string
				Args []struct {
					Value       any
					Description string
				}
			}
		}
		_ = json.Unmarshal(data, &e)
		if e.Params.Type == "error" {
			issue = fmt.Sprintf("console.error: %+v", e.Params.Args)
		}
	}
	if issue != "" {
		b.mu.Lock()
		b.issues = append(b.issues, issue)
		b.mu.Unlock()
	}
}

// expectedNetworkError: the oversized request the error test sends is
// answered with an HTTP error status, which Chromium logs.
func expectedNetworkError(text string) bool {
	return strings.Contains(text, "the server responded with a status of 4")
}

func (b *browser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.issues...)
}

func (b *browser) send(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	data, _ := json.Marshal(cdpMessage{ID: id, SessionID: session, Method: method, Params: params})
	if err := b.conn.Write(ctx, websocket.MessageText, data); err != nil {
		return nil, err
	}
	select {
	case msg, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: connection closed", method)
		}
		if msg.Error != nil {
			return nil, fmt.Errorf("%s: %s (%d)", method, msg.Error.Message, msg.Error.Code)
		}
		return msg.Result, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

type page struct {
	b       *browser
	session string
}

func (b *browser) newPage(t *testing.T) *page {
	t.Helper()
	var target struct{ TargetID string }
	res, err := b.send(b.ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil || json.Unmarshal(res, &target) != nil {
		t.Fatalf("create target: %v", err)
	}
	var att struct{ SessionID string }
	res, err = b.send(b.ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})
	if err != nil || json.Unmarshal(res, &att) != nil {
		t.Fatalf("attach: %v", err)
	}
	p := &page{b: b, session: att.SessionID}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		p.call(t, m, nil)
	}
	p.call(t, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": false})
	return p
}

func (p *page) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.b.ctx, 30*time.Second)
	defer cancel()
	res, err := p.b.send(ctx, p.session, method, params)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (p *page) navigate(t *testing.T, url string) {
	t.Helper()
	var nav struct{ ErrorText string }
	_ = json.Unmarshal(p.call(t, "Page.navigate", map[string]any{"url": url}), &nav)
	if nav.ErrorText != "" {
		t.Fatalf("navigate %s: %s", url, nav.ErrorText)
	}
	p.waitFor(t, `document.readyState === "complete" && location.href === `+quote(url))
}

// eval evaluates a JavaScript expression in the page (awaiting a promise)
// and returns its JSON value.
func (p *page) eval(t *testing.T, expr string) any {
	t.Helper()
	var out struct {
		Result struct {
			Value any
		}
		ExceptionDetails *struct {
			Text      string
			Exception struct{ Description string }
		}
	}
	res := p.call(t, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	if err := json.Unmarshal(res, &out); err != nil {
		t.Fatal(err)
	}
	if out.ExceptionDetails != nil {
		t.Fatalf("evaluate %s: %s %s", expr, out.ExceptionDetails.Text, out.ExceptionDetails.Exception.Description)
	}
	return out.Result.Value
}

func (p *page) waitFor(t *testing.T, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if p.eval(t, "Boolean("+cond+")") == true {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; the page shows:\n%s", cond, p.eval(t, `document.body.innerText`))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *page) text(t *testing.T, selector string) string {
	t.Helper()
	s, _ := p.eval(t, `document.querySelector(`+quote(selector)+`)?.textContent ?? ""`).(string)
	return strings.TrimSpace(s)
}

// click presses and releases the mouse on the middle of the element.
func (p *page) click(t *testing.T, selector string) {
	t.Helper()
	pt, _ := p.eval(t, `(() => { const e = document.querySelector(`+quote(selector)+`); e.scrollIntoView({block: "center"});
		const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`).([]any)
	if len(pt) != 2 {
		t.Fatalf("no element %s", selector)
	}
	for _, typ := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		p.call(t, "Input.dispatchMouseEvent", map[string]any{"type": typ, "x": pt[0], "y": pt[1], "button": "left", "clickCount": 1})
	}
}

// key presses a key with modifiers (1 Alt, 2 Ctrl, 4 Meta, 8 Shift).
func (p *page) key(t *testing.T, key string, code, modifiers int) {
	t.Helper()
	for _, typ := range []string{"rawKeyDown", "keyUp"} {
		p.call(t, "Input.dispatchKeyEvent", map[string]any{"type": typ, "key": key, "code": key,
			"windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "modifiers": modifiers})
	}
}

type checkRow struct {
	OK    bool
	Class string
	Mark  string
	Color string
}

func (p *page) row(t *testing.T, name string) checkRow {
	t.Helper()
	v := p.eval(t, `(() => { const r = document.querySelector('#checks tr[data-check=`+quote(name)+`]'); if (!r) return null;
		const s = r.querySelector("td.status"); return JSON.stringify({OK: r.dataset.ok === "true", Class: r.className,
		Mark: s.querySelector("[aria-hidden]").textContent, Color: getComputedStyle(s).color}); })()`)
	s, ok := v.(string)
	if !ok {
		t.Fatalf("no %q check row; checks: %s", name, p.text(t, "#checks"))
	}
	var row checkRow
	if err := json.Unmarshal([]byte(s), &row); err != nil {
		t.Fatal(err)
	}
	return row
}

func (p *page) screenshot(t *testing.T, path string) {
	t.Helper()
	var metrics struct {
		CSSContentSize struct{ Width, Height float64 } `json:"cssContentSize"`
	}
	_ = json.Unmarshal(p.call(t, "Page.getLayoutMetrics", nil), &metrics)
	var shot struct{ Data string }
	res := p.call(t, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": metrics.CSSContentSize.Width, "height": metrics.CSSContentSize.Height, "scale": 1}})
	if err := json.Unmarshal(res, &shot); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
