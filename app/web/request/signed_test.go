package request

import (
	"strings"
	"testing"
	"time"
)

func TestSigner(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"), "test", time.Hour)
	token := s.Seal("42", now)
	if v, ok := s.Open(token, now.Add(59*time.Minute)); !ok || v != "42" {
		t.Fatalf("open(seal(42)) = %q, %v", v, ok)
	}
	other := s
	other.purpose = "other"
	otherKey := s
	otherKey.key = []byte("another-key-another-key-another!")
	payload, mac, _ := cutLast(token)
	for name, tc := range map[string]struct {
		s     Signer
		token string
		at    time.Time
	}{
		"expired":         {s, token, now.Add(time.Hour)},
		"from the future": {s, s.Seal("42", now.Add(2*time.Minute)), now},
		"other purpose":   {other, token, now},
		"other key":       {otherKey, token, now},
		"value changed":   {s, strings.Replace(token, "42.", "43.", 1), now},
		"mac cut":         {s, payload + "." + mac[:len(mac)-1], now},
		"no dots":         {s, "42", now},
		"empty":           {s, "", now},
		"bad stamp":       {s, "42.zz!." + s.MAC("42.zz!"), now},
	} {
		if v, ok := tc.s.Open(tc.token, tc.at); ok {
			t.Errorf("%s: opened as %q", name, v)
		}
	}
}
