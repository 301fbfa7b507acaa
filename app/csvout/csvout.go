// Package csvout writes every CSV file that Gotong hands out.
//
// Its promise: the file opens safely in a spreadsheet whatever separator
// the spreadsheet assumes. Read with ',' or with ';' (as French and
// Indonesian spreadsheets read CSV), no cell starts a formula: =, +, -, @,
// a tab or a carriage return. Read with ',', every cell is the one written,
// cleaned of control characters and with an apostrophe before each formula
// character that could start a cell. To keep it, a Writer
//   - starts the file with a UTF-8 byte-order mark, so that spreadsheets
//     read Cyrillic as UTF-8;
//   - cleans each cell with usertext.Clean: no control character but tabs
//     and line breaks, and line breaks as LF;
//   - puts an apostrophe before a formula character at the start of a cell
//     and after each ',', ';' or line break inside it, since for a reader
//     that splits on the other separator, or loses a quote, each of those
//     may start a cell (OWASP's advice against CSV injection, made to hold
//     for both separators);
//   - quotes every cell that holds ',', ';', a quote or a line break, or
//     that it neutralised, doubling the quotes inside;
//   - ends lines with LF, as encoding/csv does by default.
package csvout

import (
	"bufio"
	"io"
	"strings"

	"github.com/gotong/gotong/app/usertext"
)

// formula are the characters that make a spreadsheet read a cell as a
// formula when they start it.
const formula = "=+-@\t\r"

// separators are what may end one cell and start another, for some reader.
const separators = ",;\n"

// Writer writes CSV records.
type Writer struct {
	w       *bufio.Writer
	started bool
}

// NewWriter returns a writer to w. Nothing is written before the first
// record; Flush must be called after the last.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Write writes one record. Its error is the underlying writer's, which
// Flush returns too.
func (w *Writer) Write(record []string) error {
	if !w.started {
		w.started = true
		w.w.WriteString("\ufeff")
	}
	for i, cell := range record {
		if i > 0 {
			w.w.WriteByte(',')
		}
		cell, quote := prepare(cell)
		if !quote {
			w.w.WriteString(cell)
			continue
		}
		w.w.WriteByte('"')
		w.w.WriteString(strings.ReplaceAll(cell, `"`, `""`))
		w.w.WriteByte('"')
	}
	_, err := w.w.WriteString("\n")
	return err
}

// Flush writes what is buffered and reports any error that happened.
func (w *Writer) Flush() error { return w.w.Flush() }

// prepare returns a cell as Write writes it, before quoting, and whether it
// needs quotes.
func prepare(s string) (string, bool) {
	s = usertext.Clean(s)
	var b strings.Builder
	neutralised := false
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(formula, s[i]) >= 0 && (i == 0 || strings.IndexByte(separators, s[i-1]) >= 0) {
			b.WriteByte('\'')
			neutralised = true
		}
		b.WriteByte(s[i])
	}
	out := b.String()
	return out, neutralised || strings.ContainsAny(out, `,;"`+"\n")
}

// Unneutralize undoes the apostrophes a Writer adds, so that a file Gotong
// exported imports back as it was: an apostrophe before =, +, - or @ at the
// start of s or after a ',', ';' or line break is dropped.
func Unneutralize(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' && i+1 < len(s) && strings.IndexByte("=+-@", s[i+1]) >= 0 &&
			(i == 0 || strings.IndexByte(separators, s[i-1]) >= 0) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
