package status_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"slices"
	"testing"

	"github.com/citizencloud/citizencredentials/status"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
		set  []int
	}{
		{"ok/empty", status.MinBits, nil},
		{"ok/ends", status.MinBits, []int{0, 7, 8, status.MinBits - 1}},
		{"ok/bigger", 2 * status.MinBits, []int{1, 201, 57444, 94023, 2*status.MinBits - 1}},
		{"ok/unaligned", status.MinBits + 3, []int{status.MinBits + 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := status.Encode(tc.size, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if enc[0] != 'u' {
				t.Fatalf("no multibase prefix: %q", enc[:8])
			}
			bs, err := status.Decode(enc)
			if err != nil {
				t.Fatal(err)
			}
			if want := (tc.size + 7) / 8 * 8; bs.Len() != want {
				t.Fatalf("len %d, want %d", bs.Len(), want)
			}
			if got := bs.SetIndices(); !slices.Equal(got, tc.set) {
				t.Fatalf("set %v, want %v", got, tc.set)
			}
			for _, i := range tc.set {
				if v, err := bs.Get(i); err != nil || !v {
					t.Fatalf("bit %d = %v, %v", i, v, err)
				}
			}
		})
	}
}

// TestBitOrder pins the MSB-first order of §3.1: bit 0 is 0x80 of byte 0.
func TestBitOrder(t *testing.T) {
	enc, err := status.Encode(status.MinBits, []int{0, 9})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(enc[1:])
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if b[0] != 0x80 || b[1] != 0x40 {
		t.Fatalf("bytes % x, want 80 40", b[:2])
	}
}

func TestEncodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
		set  []int
	}{
		{"fail/below-minimum", status.MinBits - 8, nil},
		{"fail/too-large", status.MaxBytes*8 + 8, nil},
		{"fail/index-out-of-range", status.MinBits, []int{status.MinBits}},
		{"fail/negative-index", status.MinBits, []int{-1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := status.Encode(tc.size, tc.set); err == nil {
				t.Fatal("want error")
			}
		})
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// padded returns the padded base64url encoding of some gzip data whose
// length needs padding.
func padded() string {
	for n := 1; ; n++ {
		if z := gz(make([]byte, n)); len(z)%3 != 0 {
			return base64.URLEncoding.EncodeToString(z)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	bomb := gz(make([]byte, status.MaxBytes+1))
	valid := gz(make([]byte, 16))
	corrupt := slices.Clone(valid)
	corrupt[len(corrupt)-5] ^= 0xff // CRC
	for _, tc := range []struct {
		name string
		in   string
		want error
	}{
		{"fail/no-prefix", base64.RawURLEncoding.EncodeToString(valid), status.ErrMalformed},
		{"fail/empty", "", status.ErrMalformed},
		{"fail/prefix-only", "u", status.ErrMalformed},
		{"fail/padding", "u" + padded(), status.ErrMalformed},
		{"fail/std-alphabet", "u+/+/", status.ErrMalformed},
		{"fail/not-gzip", "u" + base64.RawURLEncoding.EncodeToString([]byte("hello world")), status.ErrMalformed},
		{"fail/bad-crc", "u" + base64.RawURLEncoding.EncodeToString(corrupt), status.ErrMalformed},
		{"fail/empty-bitstring", "u" + base64.RawURLEncoding.EncodeToString(gz(nil)), status.ErrMalformed},
		{"fail/gzip-bomb", "u" + base64.RawURLEncoding.EncodeToString(bomb), status.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := status.Decode(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDecodeLegacy(t *testing.T) {
	b := make([]byte, 32)
	b[0] = 0x80
	z := gz(b)
	for _, in := range []string{
		base64.RawURLEncoding.EncodeToString(z),
		base64.URLEncoding.EncodeToString(z),
		base64.StdEncoding.EncodeToString(z),
		"u" + base64.RawURLEncoding.EncodeToString(z),
	} {
		bs, err := status.DecodeLegacy(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := bs.SetIndices(); !slices.Equal(got, []int{0}) || bs.Len() != 256 {
			t.Fatalf("%s: %v (%d bits)", in, got, bs.Len())
		}
	}
}

func TestGetRange(t *testing.T) {
	bs := status.NewBitstring(16)
	if _, err := bs.Get(16); !errors.Is(err, status.ErrRange) {
		t.Fatalf("Get(16): %v", err)
	}
	if _, err := bs.Get(-1); !errors.Is(err, status.ErrRange) {
		t.Fatalf("Get(-1): %v", err)
	}
	if _, err := bs.Value(4, 4); !errors.Is(err, status.ErrRange) {
		t.Fatalf("Value(4,4): %v", err)
	}
	bs.Set(5, true)
	bs.Set(6, true)
	if v, err := bs.Value(1, 4); err != nil || v != 0b0110 {
		t.Fatalf("Value(1,4) = %b, %v", v, err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, set := range [][]int{nil, {0}, {1, 201, 57444, 94023}} {
		enc, err := status.Encode(status.MinBits, set)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
	}
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	f.Add("H4sIAN7Lo2YC_2NgwAEAjw7P6RkAAAA")
	f.Add("0000000000000000000000000000000000000000")
	f.Add("u")
	f.Fuzz(func(t *testing.T, in string) {
		for _, decode := range []func(string) (*status.Bitstring, error){status.Decode, status.DecodeLegacy} {
			bs, err := decode(in)
			if err != nil {
				if !errors.Is(err, status.ErrMalformed) && !errors.Is(err, status.ErrTooLarge) {
					t.Fatalf("unclassified error %v", err)
				}
				continue
			}
			if bs.Len() == 0 || bs.Len() > status.MaxBytes*8 {
				t.Fatalf("decoded %d bits", bs.Len())
			}
			if _, err := bs.Get(bs.Len()); !errors.Is(err, status.ErrRange) {
				t.Fatalf("Get past end: %v", err)
			}
			set := bs.SetIndices()
			// Re-encoding must round-trip (padding short lists to MinBits).
			enc, err := status.Encode(max(bs.Len(), status.MinBits), set)
			if err != nil {
				t.Fatal(err)
			}
			back, err := status.Decode(enc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(back.SetIndices(), set) {
				t.Fatal("round trip changed the set bits")
			}
		}
	})
}
