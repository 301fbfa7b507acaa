package ui

import (
	"net/url"
	"strings"
	"unicode"
)

// DefaultNext is where a sign-in goes when it was given nowhere, or
// somewhere it may not go: a participant's or partner member's account.
const DefaultNext = "/account"

// StaffHome is where the staff's sign-in goes in the same case: the
// overview of the manage pages.
const StaffHome = "/manage"

// landing is where a sign-in goes: next when it is a safe path of this
// site, else the home of the user (staff's, or everyone else's).
func landing(next string, staff bool) string {
	if to := safeNext(next); to != DefaultNext || next == DefaultNext {
		return to
	}
	if staff {
		return StaffHome
	}
	return DefaultNext
}

// maxNextDecodes bounds how many layers of percent-encoding safeNext looks
// through.
const maxNextDecodes = 4

// safeNext keeps a post-login redirect on this site. next is accepted only
// as a path of this site written in printable ASCII: a single "/" first, no
// backslash, no control character, no space, nothing outside ASCII (so none
// of what browsers strip or map: tab, CR, LF, other spaces, fullwidth
// slashes), and net/url reads it with neither scheme nor host. The same
// holds once its percent-encoding is undone, layer after layer, so that no
// decoding further on (a proxy, a browser's "fixing up") can make it
// "//host" or break a header. Anything else goes to DefaultNext.
func safeNext(next string) string {
	for _, r := range next {
		if r <= ' ' || r >= 0x7f {
			return DefaultNext
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return DefaultNext
	}
	for s, i := next, 0; i < maxNextDecodes; i++ {
		if !sitePath(s) {
			return DefaultNext
		}
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			return next
		}
		s = d
	}
	return DefaultNext // still encoded after so many layers: not a link anyone wrote
}

// sitePath reports whether s starts with a single "/" and holds no
// backslash or control character.
func sitePath(s string) bool {
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}
