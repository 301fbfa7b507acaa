package sharing

import (
	"regexp"
	"strings"
	"testing"
)

func TestSource(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"whatsapp", "whatsapp"},
		{"poster", "poster"},
		{"partner-3", "partner-3"},
		{"x", "x"},
		{"WhatsApp", "whatsapp"},
		{"TELEGRAM", "telegram"},
		{strings.Repeat("a", 32), strings.Repeat("a", 32)},
		{"", ""},
		{strings.Repeat("a", 33), ""},
		{strings.Repeat("a", 40), ""},
		{"<script>", ""},
		{"whats app", ""},
		{" whatsapp", ""},
		{"partner_3", ""},
		{"poster?x=1", ""},
		{"whatsapp\n", ""},
		{"caf\u00e9", ""},
		{"\u212a", ""}, // the Kelvin sign, which Unicode lower-cases to k
		{"\xff", ""},
	} {
		if got := Source(tc.raw); got != tc.want {
			t.Errorf("Source(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestChannelsAreSources(t *testing.T) {
	for _, c := range []string{SourceWhatsApp, SourceTelegram, SourceFacebook, SourceX, SourceCopy, SourcePoster} {
		if Source(c) != c {
			t.Errorf("channel %q is not a source", c)
		}
	}
}

var sourceShape = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

func FuzzSource(f *testing.F) {
	for _, s := range []string{"whatsapp", "Partner-3", "<script>", "", strings.Repeat("Z", 33), "\u212a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := Source(raw)
		if got != "" && !sourceShape.MatchString(got) {
			t.Fatalf("Source(%q) = %q, not a source", raw, got)
		}
		if got != "" && got != strings.ToLower(raw) {
			t.Fatalf("Source(%q) = %q, not the link's own text", raw, got)
		}
		if Source(got) != got {
			t.Fatalf("Source(%q) = %q, which does not keep", raw, got)
		}
	})
}
