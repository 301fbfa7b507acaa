package mailaddr

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" Saraa@Example.ORG ": "saraa@example.org",
		"ÉLODIE@exemple.fr":   "élodie@exemple.fr",
		"STRASSE@Beispiel.de": "strasse@beispiel.de",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"a@b.org", "first.last+tag@sub.example.co.id", "бат@example.mn"} {
		if !Valid(s) {
			t.Errorf("Valid(%q) = false", s)
		}
	}
	for _, s := range []string{"", "a", "a@", "@b.org", "a@b", "a@.org", "a@b.", "A <a@b.org>", "a b@c.org", "a@b.org\n", "a\u2028@b.org", "a\u0085@b.org", "a\x00@b.org", "a\xff@b.org", strings.Repeat("a", 250) + "@b.org"} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
}

func FuzzValid(f *testing.F) {
	f.Add("a@b.org")
	f.Add("A <a@b.org>")
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) && (!strings.Contains(s, "@") || strings.ContainsAny(s, " <>\n\r\u2028\u0085")) {
			t.Fatalf("Valid accepted %q", s)
		}
	})
}
