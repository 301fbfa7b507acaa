// Package mailaddr checks and normalises email addresses. Addresses are
// compared case-folded everywhere (users, people, signatures), so two spellings
// of one address are one person.
package mailaddr

import (
	"net/mail"
	"strings"

	"github.com/gotong/gotong/app/usertext"
	"golang.org/x/text/cases"
)

// Normalize trims and case-folds an address.
func Normalize(s string) string {
	return cases.Fold().String(strings.TrimSpace(s))
}

// Valid reports whether s is a bare address (no display name) with a dotted
// domain and no control character (net/mail takes U+2028 and C1 controls,
// which a mail client may read as a line break in a header).
func Valid(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") || usertext.Problem(s, usertext.Line) != "" {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
