package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// printJSON writes v as indented JSON (URLs and DIDs unescaped).
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printJSONLine writes v as one line of JSON.
func printJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return fmtTime(*t)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// writeNewFile writes data to a new file only the user can read; it refuses
// to overwrite (an API key or credential file must not be clobbered by a
// typo).
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// writeFile writes data to path, replacing it, readable only by the user
// (credentials hold personal data).
func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

// readInput reads FILE, or standard input for "-".
func (e *env) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(name)
}

// splitList splits "a,b, c" into its non-empty trimmed elements.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// printSecret prints an API key with the once-only warning, or writes it to
// keyFile.
func (e *env) printSecret(what, key, keyFile string) error {
	if keyFile != "" {
		if err := writeNewFile(keyFile, []byte(key+"\n")); err != nil {
			return fmt.Errorf("write %s: %w", what, err)
		}
		fmt.Fprintf(e.stdout, "\n%s written to %s (mode 0600).\n", upperFirst(what), keyFile)
		fmt.Fprintf(e.stdout, "It is shown only this once: the service stores only its hash. Keep the file secret.\n")
		return nil
	}
	fmt.Fprintf(e.stdout, "\n%s (shown only this once; the service stores only its hash, so keep it now and keep it secret):\n  %s\n", upperFirst(what), key)
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
