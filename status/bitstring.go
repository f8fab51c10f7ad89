package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	// MinBits is the minimum length of a published bitstring (Bitstring
	// Status List v1.0 §2.1: 131,072 entries, 16 KiB uncompressed) so that
	// one list gives its credentials enough herd privacy.
	MinBits = 131072
	// MaxBytes caps the decompressed size of a bitstring (16 MiB, i.e.
	// 134,217,728 entries). Decode refuses anything larger, so a small
	// gzip bomb in a foreign list cannot exhaust memory.
	MaxBytes = 16 << 20
	// maxEncodedLen bounds the encoded input before decompression. GZIP
	// cannot shrink data below ~1/1032 of its size, but random bitstrings
	// hardly compress, so the bound is the uncompressed cap expressed in
	// base64 plus slack for the gzip header.
	maxEncodedLen = MaxBytes/3*4 + 4096
)

// Errors of the bitstring codec; test them with errors.Is.
var (
	// ErrMalformed: encodedList is not multibase base64url GZIP data
	// (spec error MALFORMED_VALUE_ERROR / decoding failure).
	ErrMalformed = errors.New("malformed encoded status list")
	// ErrTooLarge: the list decompresses to more than MaxBytes.
	ErrTooLarge = errors.New("status list exceeds the maximum size")
	// ErrRange: an index lies outside the bitstring (spec STATUS_RANGE_ERROR).
	ErrRange = errors.New("status list index out of range")
)

// Bitstring is an uncompressed status bitstring. Bit 0 is the left-most,
// most significant bit of byte 0, as Bitstring Status List v1.0 §3.1
// requires (the old RevocationList2020 implementations used the opposite
// order: a classic interoperability trap).
type Bitstring struct {
	b []byte
}

// NewBitstring returns an all-zero bitstring of n bits, rounded up to whole
// bytes.
func NewBitstring(n int) *Bitstring {
	if n < 0 {
		n = 0
	}
	return &Bitstring{b: make([]byte, (n+7)/8)}
}

// Len returns the number of bits.
func (s *Bitstring) Len() int { return len(s.b) * 8 }

// Get returns bit i. It returns ErrRange if i is outside the bitstring, so
// an out-of-range index is never mistaken for "not revoked".
func (s *Bitstring) Get(i int) (bool, error) {
	if i < 0 || i >= s.Len() {
		return false, fmt.Errorf("index %d of %d bits: %w", i, s.Len(), ErrRange)
	}
	return s.b[i/8]&(0x80>>(i%8)) != 0, nil
}

// Value returns the size-bit unsigned value at position i*size (for
// statusSize > 1). size must be between 1 and 32.
func (s *Bitstring) Value(i, size int) (uint32, error) {
	if size < 1 || size > 32 {
		return 0, fmt.Errorf("status size %d: %w", size, ErrRange)
	}
	if i < 0 || int64(i)*int64(size)+int64(size) > int64(s.Len()) {
		return 0, fmt.Errorf("index %d (size %d) of %d bits: %w", i, size, s.Len(), ErrRange)
	}
	var v uint32
	for k := 0; k < size; k++ {
		bit, _ := s.Get(i*size + k)
		v <<= 1
		if bit {
			v |= 1
		}
	}
	return v, nil
}

// Set sets bit i to v. It returns ErrRange if i is outside the bitstring.
func (s *Bitstring) Set(i int, v bool) error {
	if i < 0 || i >= s.Len() {
		return fmt.Errorf("index %d of %d bits: %w", i, s.Len(), ErrRange)
	}
	if v {
		s.b[i/8] |= 0x80 >> (i % 8)
	} else {
		s.b[i/8] &^= 0x80 >> (i % 8)
	}
	return nil
}

// SetIndices returns the indices of the set bits, ascending.
func (s *Bitstring) SetIndices() []int {
	var out []int
	for i, by := range s.b {
		if by == 0 {
			continue
		}
		for k := 0; k < 8; k++ {
			if by&(0x80>>k) != 0 {
				out = append(out, i*8+k)
			}
		}
	}
	return out
}

// Encode returns the multibase form of the bitstring: 'u' followed by the
// unpadded base64url encoding of its GZIP compression (§3.1 Bitstring
// Generation Algorithm). Lists shorter than MinBits are refused: we never
// publish one.
func (s *Bitstring) Encode() (string, error) {
	if s.Len() < MinBits {
		return "", fmt.Errorf("status list of %d bits is below the minimum of %d", s.Len(), MinBits)
	}
	if len(s.b) > MaxBytes {
		return "", fmt.Errorf("status list of %d bytes: %w", len(s.b), ErrTooLarge)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(s.b); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Encode builds a size-bit bitstring with the given indices set and
// returns its multibase encoding. size must be at least MinBits and at
// most MaxBytes*8; it is rounded up to whole bytes.
func Encode(size int, set []int) (string, error) {
	if size < MinBits {
		return "", fmt.Errorf("status list of %d bits is below the minimum of %d", size, MinBits)
	}
	if size > MaxBytes*8 {
		return "", fmt.Errorf("status list of %d bits: %w", size, ErrTooLarge)
	}
	bs := NewBitstring(size)
	for _, i := range set {
		if err := bs.Set(i, true); err != nil {
			return "", err
		}
	}
	return bs.Encode()
}

// Decode expands a Bitstring Status List v1.0 encodedList: multibase
// base64url ('u' prefix, no padding) of GZIP data, at most MaxBytes once
// decompressed (§3.2 Bitstring Expansion Algorithm). It does not enforce
// MinBits: whether a short list is acceptable is the verifier's decision
// (CheckEntry raises STATUS_LIST_LENGTH_ERROR).
func Decode(encoded string) (*Bitstring, error) {
	if !strings.HasPrefix(encoded, "u") {
		return nil, fmt.Errorf("missing multibase base64url prefix 'u': %w", ErrMalformed)
	}
	return decode(encoded[1:], base64.RawURLEncoding)
}

// DecodeLegacy expands an encodedList written by StatusList2021 and
// pre-2024 Bitstring implementations: base64 or base64url GZIP data with or
// without padding, with or without the multibase 'u' prefix. Use it only
// for lists whose type says they are StatusList2021, or when the caller
// has explicitly opted into lenient verification.
func DecodeLegacy(encoded string) (*Bitstring, error) {
	s := strings.TrimPrefix(encoded, "u")
	s = strings.TrimRight(s, "=")
	enc := base64.RawURLEncoding
	if strings.ContainsAny(s, "+/") {
		enc = base64.RawStdEncoding
	}
	return decode(s, enc)
}

func decode(s string, enc *base64.Encoding) (*Bitstring, error) {
	if len(s) == 0 {
		return nil, fmt.Errorf("empty encoded list: %w", ErrMalformed)
	}
	if len(s) > maxEncodedLen {
		return nil, fmt.Errorf("encoded list of %d characters: %w", len(s), ErrTooLarge)
	}
	raw, err := enc.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("base64url: %w", errors.Join(ErrMalformed, err))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", errors.Join(ErrMalformed, err))
	}
	// Reading to EOF also checks the GZIP CRC and length trailer.
	b, err := io.ReadAll(io.LimitReader(zr, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", errors.Join(ErrMalformed, err))
	}
	if len(b) > MaxBytes {
		return nil, ErrTooLarge
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("empty bitstring: %w", ErrMalformed)
	}
	return &Bitstring{b: b}, nil
}
