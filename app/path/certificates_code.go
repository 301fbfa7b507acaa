package path

import (
	"crypto/rand"
	"strings"
)

// A certificate's code is printed on paper and typed back by whoever
// checks it, so it is short and hard to misread: 15 characters of
// Crockford's base32 (digits and capitals without I, L, O and U), printed
// in three groups of five. Its 75 random bits make guessing hopeless
// without a rate limit: a million certificates and a thousand guesses a
// second for a year find one with a chance of about one in a million.

// codeAlphabet is Crockford's base32.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLen is the length of a code without its hyphens.
const CodeLen = 15

// NewCode returns a fresh random code in ParseCode's form.
func NewCode() string {
	b := make([]byte, CodeLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = codeAlphabet[b[i]&31] // 32 divides 256: every character equally likely
	}
	return string(b)
}

// ParseCode reads a code as a person types it: in any letter case, with or
// without hyphens and spaces, O for zero and I or L for one, as Crockford's
// base32 allows. It returns the code in capitals without separators; ok is
// false for anything that is not a code.
func ParseCode(s string) (code string, ok bool) {
	if len(s) > 4*CodeLen {
		return "", false
	}
	b := make([]byte, 0, CodeLen)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		switch c {
		case '-', ' ':
			continue
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		if strings.IndexByte(codeAlphabet, c) < 0 {
			return "", false
		}
		b = append(b, c)
	}
	if len(b) != CodeLen {
		return "", false
	}
	return string(b), true
}

// FormatCode is a code as printed and shown: three groups of five joined by
// hyphens ("7KQ2M-X9D4T-H3VWB").
func FormatCode(code string) string {
	if len(code) != CodeLen {
		return code
	}
	return code[:5] + "-" + code[5:10] + "-" + code[10:]
}
