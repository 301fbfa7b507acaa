package usertext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
)

func TestProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in          string
		line, lines string
	}{
		{"", "", ""},
		{"Saraa Bold", "", ""},
		{"Зуны зуслан — été 2027 ✓", "", ""},
		{"Ana;=1+1", "", ""},
		{"a\x00b", ErrControl, ErrControl},
		{"a\xffb", ErrEncoding, ErrEncoding},
		{"\xc3", ErrEncoding, ErrEncoding},
		{"a\x00\xff", ErrEncoding, ErrEncoding},
		{"tab\there", ErrControl, ""},
		{"two\nlines", ErrControl, ""},
		{"crlf\r\nlines", ErrControl, ""},
		{"bare\rCR", ErrControl, ErrControl},
		{"ends with CR\r", ErrControl, ErrControl},
		{"Camp\rORGANIZER:evil", ErrControl, ErrControl},
		{"bell\a", ErrControl, ErrControl},
		{"esc\x1b[31m", ErrControl, ErrControl},
		{"del\x7f", ErrControl, ErrControl},
		{"nel\u0085", ErrControl, ErrControl},
		{"c1\u009b", ErrControl, ErrControl},
		{"ls\u2028", ErrControl, ErrControl},
		{"ps\u2029", ErrControl, ErrControl},
		{"nbsp\u00a0ok", "", ""},
	} {
		if got := Problem(tc.in, Line); got != tc.line {
			t.Errorf("Problem(%q, Line) = %q, want %q", tc.in, got, tc.line)
		}
		if got := Problem(tc.in, Lines); got != tc.lines {
			t.Errorf("Problem(%q, Lines) = %q, want %q", tc.in, got, tc.lines)
		}
		want := ""
		if !utf8.ValidString(tc.in) {
			want = ErrEncoding
		} else if strings.ContainsRune(tc.in, 0) {
			want = ErrControl
		}
		if got := Problem(tc.in, Any); got != want {
			t.Errorf("Problem(%q, Any) = %q, want %q", tc.in, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := apperr.Fields{}
	Check(f, "title", "fine", Line)
	Check(f, "venue", "a\rb", Line)
	Check(f, "notes", "a\r\nb", Lines)
	if len(f) != 1 || f["venue"].ID != ErrControl {
		t.Fatalf("fields %v", f)
	}
}

func TestOneLineAndClean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, line, clean string }{
		{"Summer camp", "Summer camp", "Summer camp"},
		{"Camp\rORGANIZER:evil", "Camp ORGANIZER:evil", "Camp\nORGANIZER:evil"},
		{"Hi\r\nBcc: x", "Hi  Bcc: x", "Hi\nBcc: x"},
		{"a\tb", "a b", "a\tb"},
		{"nul\x00 del\x7f esc\x1b c1\u009b", "nul del esc c1", "nul del esc c1"},
		{"ls\u2028ps\u2029nel\u0085", "ls ps nel ", "ls\nps\nnel\n"},
		{"bad\xffutf8", "bad\uFFFDutf8", "bad\uFFFDutf8"},
		{"Зуны\nзуслан", "Зуны зуслан", "Зуны\nзуслан"},
	} {
		if got := OneLine(tc.in); got != tc.line {
			t.Errorf("OneLine(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if got := Clean(tc.in); got != tc.clean {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.clean)
		}
	}
}

// FuzzProblem: text that passes the check holds no NUL, no invalid UTF-8
// and, on one line, no line break; Any refuses exactly NUL and invalid
// UTF-8; what OneLine and Clean return always passes, and they leave text
// that passes as it is.
func FuzzProblem(f *testing.F) {
	for _, s := range []string{"Saraa", "a\x00b", "a\xffb", "Camp\rORGANIZER:x", "a\r\nb", "ls\u2028", "\u0085", "x\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []Kind{Line, Lines, Any} {
			if Problem(s, k) != "" {
				continue
			}
			if k == Any {
				continue // checked exactly below
			}
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || strings.ContainsAny(s, "\u0085\u2028\u2029\x7f") {
				t.Fatalf("Problem(%q, %d) passed it", s, k)
			}
			if k == Line && strings.ContainsAny(s, "\r\n\t") {
				t.Fatalf("Problem(%q, Line) passed a line break", s)
			}
			if k == Lines && strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") {
				t.Fatalf("Problem(%q, Lines) passed a bare CR", s)
			}
		}
		if storable := utf8.ValidString(s) && !strings.ContainsRune(s, 0); storable != (Problem(s, Any) == "") {
			t.Fatalf("Problem(%q, Any) = %q", s, Problem(s, Any))
		}
		line, clean := OneLine(s), Clean(s)
		if p := Problem(line, Line); p != "" {
			t.Fatalf("OneLine(%q) = %q: %s", s, line, p)
		}
		if p := Problem(clean, Lines); p != "" || strings.Contains(clean, "\r") {
			t.Fatalf("Clean(%q) = %q: %s", s, clean, p)
		}
		if Problem(s, Line) == "" && line != s {
			t.Fatalf("OneLine changed clean text %q to %q", s, line)
		}
		if Problem(s, Lines) == "" && !strings.Contains(s, "\r") && clean != s {
			t.Fatalf("Clean changed clean text %q to %q", s, clean)
		}
		if OneLine(line) != line || Clean(clean) != clean {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}
