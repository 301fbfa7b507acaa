package links

import (
	"bytes"
	"testing"
)

func TestNewTokensAreValidDistinctAndHashed(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, hash := New()
		if !Valid(tok) {
			t.Fatalf("New made %q, which Valid refuses", tok)
		}
		if seen[tok] {
			t.Fatalf("New made %q twice", tok)
		}
		seen[tok] = true
		if !bytes.Equal(hash, Hash(tok)) || bytes.Contains(hash, []byte(tok)) {
			t.Fatalf("hash of %q is not Hash(token)", tok)
		}
	}
}

func TestValid(t *testing.T) {
	tok, _ := New()
	for _, bad := range []string{"", "abc", tok + "a", tok[:42] + "=", tok[:42] + "/", tok[:42] + " ", tok[:42] + "é"[:1]} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}

func FuzzValid(f *testing.F) {
	tok, _ := New()
	f.Add(tok)
	f.Add("../../etc/passwd")
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) && len(s) != tokenLen {
			t.Fatalf("Valid(%q) with length %d", s, len(s))
		}
	})
}
