// Package slug makes and checks the short names that public pages are
// addressed by (/activities/{slug}, /p/{slug}), so that every kind of page
// follows one rule.
package slug

import (
	"regexp"
	"strings"
)

// MaxLen bounds a slug, in bytes (a slug is ASCII).
const MaxLen = 80

var pattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Valid reports whether s is a slug: words of lowercase letters and digits
// joined by single hyphens, at most MaxLen long.
func Valid(s string) bool { return len(s) <= MaxLen && pattern.MatchString(s) }

// Make makes a slug from a title, transliterating Cyrillic and the accented
// letters of French; what has no ASCII form separates words.
func Make(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		var s string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			s = string(r)
		default:
			s = translit[r]
		}
		if s == "" {
			if b.Len() > 0 {
				dash = true
			}
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(s)
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "j", 'з': "z", 'и': "i",
	'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'ө': "u", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'у': "u", 'ү': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "sh",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'à': "a", 'â': "a", 'ç': "c", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'î': "i", 'ï': "i",
	'ô': "o", 'ù': "u", 'û': "u", 'ü': "u", 'ÿ': "y", 'œ': "oe", 'æ': "ae",
}
