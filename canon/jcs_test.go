package canon

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestJCSNumbers checks the ES6 Number-to-String serialisation against the
// samples of RFC 8785 Appendix B (testdata/es6numbers.txt, with its source).
func TestJCSNumbers(t *testing.T) {
	f, err := os.Open("testdata/es6numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hexBits, want, ok := strings.Cut(line, ",")
		if !ok {
			t.Fatalf("malformed line %q", line)
		}
		bits, err := strconv.ParseUint(hexBits, 16, 64)
		if err != nil {
			t.Fatalf("malformed line %q", line)
		}
		n++
		t.Run(hexBits, func(t *testing.T) {
			got, err := es6Number(math.Float64frombits(bits))
			if want == "error" {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != want {
				t.Fatalf("got %q (%v), want %q", got, err, want)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("read only %d cases", n)
	}
}

func TestJCS(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "sorted-keys-and-numbers", in: `{"b": 1, "a": [true, null, 1e21, 1e-7, 0.000001, 123.456, -0, 5e-324]}`, want: `{"a":[true,null,1e+21,1e-7,0.000001,123.456,0,5e-324],"b":1}`},
		{name: "utf16-key-order-and-escapes", in: `{"\u20ac": "€", "\r": "\u0001\n", "1": {"z": "\"\\"}}`, want: `{"\r":"\u0001\n","1":{"z":"\"\\"},"€":"€"}`},
		{name: "large-numbers", in: `[1.7976931348623157e308, 9007199254740993, 100000000000000000000]`, want: `[1.7976931348623157e+308,9007199254740992,100000000000000000000]`},
		// RFC 8785 §3.2.3: property sorting by UTF-16 code units.
		{name: "rfc8785-sorting", in: `{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
			want: `{"\r":"Carriage Return","1":"One","` + "\u0080" + `":"Control","` + "\u00f6" + `":"Latin Small Letter O With Diaeresis","` + "\u20ac" + `":"Euro Sign","` + "\U0001F600" + `":"Emoji: Grinning Face","` + "\ufb33" + `":"Hebrew Letter Dalet With Dagesh"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
				t.Fatal(err)
			}
			got, err := JCS(v)
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %s (%v), want %s", got, err, tc.want)
			}
		})
	}
}
