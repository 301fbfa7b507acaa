package csvout

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/usertext"
)

func write(t testing.TB, rows ...[]string) string {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		row  []string
		want string
	}{
		{"plain", []string{"id", "Saraa", "Бат"}, "id,Saraa,Бат\n"},
		{"empty cells", []string{"", "a", ""}, ",a,\n"},
		{"leading formulas", []string{"=1+1", "+7", "-3", "@SUM(A1)", "\tx"}, `"'=1+1","'+7","'-3","'@SUM(A1)","'` + "\tx\"\n"},
		{"semicolon", []string{"Ana;=1+1"}, "\"Ana;'=1+1\"\n"},
		{"comma", []string{"Ana,=1+1"}, "\"Ana,'=1+1\"\n"},
		{"separators only", []string{"a;b", "a,b"}, "\"a;b\",\"a,b\"\n"},
		{"quote", []string{`say "hi"`}, `"say ""hi"""` + "\n"},
		{"line break", []string{"one\n=two"}, "\"one\n'=two\"\n"},
		{"CR LF and bare CR", []string{"a\r\nb", "c\rd", "\r=x"}, "\"a\nb\",\"c\nd\",\"\n'=x\"\n"},
		{"control characters go", []string{"a\x00b\x1b\u2028c"}, "\"ab\nc\"\n"},
		{"minus inside stays", []string{"2026-11-01", "a=b"}, "2026-11-01,a=b\n"},
		{"apostrophe already there", []string{"'=x"}, "'=x\n"},
	} {
		got := write(t, tc.row)
		if got != "\ufeff"+tc.want {
			t.Errorf("%s: %q, want %q", tc.name, strings.TrimPrefix(got, "\ufeff"), tc.want)
		}
	}
	if got := write(t, []string{"a"}, []string{"b"}); got != "\ufeffa\nb\n" {
		t.Errorf("two records: %q (one byte-order mark, LF)", got)
	}
}

func TestUnneutralize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"'=1+1":         "=1+1",
		"Ana;'=1+1":     "Ana;=1+1",
		"a,'-b;'@c":     "a,-b;@c",
		"one\n'+two":    "one\n+two",
		"it's":          "it's",
		"a'=b":          "a'=b",
		"'":             "'",
		"privacy;'-x":   "privacy;-x",
		"no apostrophe": "no apostrophe",
	} {
		if got := Unneutralize(in); got != want {
			t.Errorf("Unneutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	t.Parallel()
	w := NewWriter(failing{})
	_ = w.Write([]string{strings.Repeat("x", 8192)})
	if err := w.Flush(); err == nil {
		t.Fatal("no error from a failing writer")
	}
}

// startsFormula reports whether a cell read back would start a formula.
func startsFormula(cell string) bool {
	return cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0
}

// readAll reads a written file as a spreadsheet would, byte-order mark
// dropped, splitting on comma.
func readAll(t *testing.T, raw string, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
	r.Comma, r.FieldsPerRecord = comma, -1
	r.LazyQuotes = comma != ','
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %q with %q: %v", raw, comma, err)
	}
	return recs
}

// FuzzWrite checks the promise: for any cells, read back with ',' or with
// ';' no cell starts a formula, and read with ',' every cell is the one
// given, cleaned of control characters, up to the apostrophes added.
func FuzzWrite(f *testing.F) {
	for _, s := range []string{"Ana;=1+1", "=1", "a,b", `"=x`, "a;\"", "x\n=y", "a\r\n-b", ";\t", "\x00", "\xff"} {
		f.Add(s, "Saraa", "-1")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		row := []string{a, b, c}
		raw := write(t, row)
		recs := readAll(t, raw, ',')
		if len(recs) != 1 || len(recs[0]) != 3 {
			t.Fatalf("%q read with ',' gives %q", raw, recs)
		}
		noQuote := func(s string) string { return strings.ReplaceAll(s, "'", "") }
		for i, got := range recs[0] {
			if noQuote(got) != noQuote(usertext.Clean(row[i])) {
				t.Fatalf("cell %q read back as %q", row[i], got)
			}
		}
		for _, comma := range []rune{',', ';'} {
			for _, rec := range readAll(t, raw, comma) {
				for _, cell := range rec {
					if startsFormula(cell) {
						t.Fatalf("%q read with %q has the cell %q", raw, comma, cell)
					}
				}
			}
		}
	})
}
