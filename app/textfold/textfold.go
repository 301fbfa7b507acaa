// Package textfold is how Gotong compares text without letter case: one Go
// function, so that a search asks the same thing of SQLite, whose LOWER()
// folds ASCII only, and of PostgreSQL.
package textfold

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Key is s as a search compares it:
//
//   - case-folded in every script (Unicode full case folding: "БАТБАЯР",
//     "Батбаяр" and "батбаяр" are one key, and so are "STRASSE" and
//     "Straße");
//   - without the accents of Latin letters, so that "Helene" finds
//     "Hélène" and "Nguyen" finds "Nguyễn" (a French name typed on a phone
//     without accents);
//   - with the marks of other scripts kept: in Mongolian and Russian "й" is
//     its own letter, not "и" with a breve, and so are "ё" and "е";
//   - composed (NFC), so that a name typed with combining accents and one
//     typed with precomposed letters give the same key.
//
// Key(Key(s)) == Key(s).
func Key(s string) string {
	decomposed := norm.NFD.String(cases.Fold().String(s))
	var b strings.Builder
	b.Grow(len(decomposed))
	latin := false // whether the last base letter is Latin
	for _, r := range decomposed {
		if unicode.Is(unicode.Mn, r) {
			if latin {
				continue
			}
		} else {
			latin = unicode.Is(unicode.Latin, r)
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
