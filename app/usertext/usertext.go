// Package usertext is the one check of the text people type and the one
// cleaning of the text Gotong writes into files and headers.
//
// Text is refused (Check) when it is not UTF-8 or holds a control character:
// C0 (NUL among them), DEL, C1, and the Unicode line and paragraph
// separators U+2028 and U+2029. A field of several lines (Lines) may hold a
// tab and line breaks (LF, or CR LF as browsers send a textarea); a field of
// one line (Line) may not. PostgreSQL refuses NUL and invalid UTF-8, and a
// line break in a title would end a line of a calendar file or an email
// header, so such text never reaches a store. Any other text a request
// carries (a search, a password) is of kind Any: only NUL and invalid
// UTF-8, which no store can hold, are refused.
//
// Writers clean what they write all the same (OneLine, Clean), for text
// stored before these checks or arriving by another path.
package usertext

import (
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
)

// Kind says what a text may hold: one line, several, or anything a store
// can keep.
type Kind int

// The kinds of text field.
const (
	Line  Kind = iota // a name, a title, a venue
	Lines             // a description, a note: tabs and line breaks are text
	Any               // text never written out as it is: only NUL and invalid UTF-8 are refused
)

// Message ids of the problems Problem finds.
const (
	ErrEncoding = "error_text_encoding"
	ErrControl  = "error_text_control"
)

// Problem returns the message id of what makes s unfit to keep as text of
// kind k, or "" when nothing does.
func Problem(s string, k Kind) string {
	if !utf8.ValidString(s) {
		return ErrEncoding
	}
	for i, r := range s {
		switch {
		case k == Any:
			if r == 0 {
				return ErrControl
			}
		case r == '\t' || r == '\n':
			if k == Line {
				return ErrControl
			}
		case r == '\r':
			if k == Line || !strings.HasPrefix(s[i+1:], "\n") {
				return ErrControl
			}
		case control(r):
			return ErrControl
		}
	}
	return ""
}

// Check adds the problem of s, if any, to f under field: the check that
// every domain runs on the text it stores, and the web layer on every
// value a request carries.
func Check(f apperr.Fields, field, s string, k Kind) {
	if p := Problem(s, k); p != "" {
		f.Add(field, p)
	}
}

// control reports whether r is a control character or a Unicode line or
// paragraph separator.
func control(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r == '\u2028' || r == '\u2029'
}

// lineBreak reports whether r ends a line for some reader.
func lineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

// OneLine returns s fit for a one-line slot (an iCalendar property, an
// email header, a title in a CSV): bytes that are not UTF-8 become U+FFFD,
// tabs and line breaks become spaces, other control characters go.
func OneLine(s string) string {
	if Problem(s, Line) == "" {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || lineBreak(r):
			return ' '
		case control(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// Clean returns s fit for a slot of several lines (a description, a CSV
// cell): bytes that are not UTF-8 become U+FFFD, every line break becomes
// LF (CR LF one LF), tabs stay, other control characters go.
func Clean(s string) string {
	if Problem(s, Lines) == "" && !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return r
		case lineBreak(r):
			return '\n'
		case control(r):
			return -1
		}
		return r
	}, s)
}
