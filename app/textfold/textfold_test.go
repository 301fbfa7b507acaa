package textfold

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Батбаяр", "батбаяр"},
		{"БАТБАЯР", "батбаяр"},
		{"батбаяр", "батбаяр"},
		{"ӨЛЗИЙ Үүрийнтуяа", "өлзий үүрийнтуяа"},
		{"Hélène", "helene"},
		{"HÉLÈNE", "helene"},
		{"He\u0301le\u0300ne", "helene"}, // combining accents
		{"François Œuvre", "francois œuvre"},
		{"Nguyễn", "nguyen"},
		{"Straße", "strasse"},
		{"ΟΔΥΣΣΕΥΣ", "οδυσσευσ"},
		{"Йөндөн Ёндон", "йөндөн ёндон"}, // й and ё stay letters of their own
		{"İstanbul", "istanbul"},
		{"saraa@example.org", "saraa@example.org"},
		{"@Saraa_B", "@saraa_b"},
		{"", ""},
	} {
		if got := Key(c.in); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzKey: a key is text, is its own key, keeps no accent on a Latin
// letter, and does not depend on the letter case it was written in.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"Батбаяр", "Hélène", "Straße", "İı", "ǅ", "ΐ", "e\u0301\u0301", "й\u0306"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		k := Key(s)
		if !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q is not UTF-8", s, k)
		}
		if again := Key(k); again != k {
			t.Fatalf("Key(%q) = %q but Key of that is %q", s, k, again)
		}
		if !norm.NFC.IsNormalString(k) {
			t.Fatalf("Key(%q) = %q is not NFC", s, k)
		}
		latin := false
		for _, r := range norm.NFD.String(k) {
			if unicode.Is(unicode.Mn, r) && latin {
				t.Fatalf("Key(%q) = %q keeps an accent on a Latin letter", s, k)
			}
			if !unicode.Is(unicode.Mn, r) {
				latin = unicode.Is(unicode.Latin, r)
			}
		}
		// Where upper case loses nothing (unlike the Turkish dotless ı,
		// whose upper case is I), it changes no key.
		up := strings.ToUpper(s)
		back, lower := strings.ToLower(up), strings.ToLower(s)
		if u := Key(up); u != k && back == lower {
			t.Fatalf("Key(%q) = %q but the upper case gives %q", s, k, u)
		}
	})
}
