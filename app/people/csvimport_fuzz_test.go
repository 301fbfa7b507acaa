package people

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
)

// FuzzImport feeds the pure reader arbitrary files and mappings: it never
// panics; a file it refuses is refused with an *apperr.Error; and a file it
// reads gives, for every record under the header that the csv package
// reads (up to a parse error, which ends the reader with an error too), a
// row or a rejection, with lines rising inside the file. Every row is valid
// (validating it again changes nothing) and no two rows share an email.
//
//	go test -fuzz=FuzzImport ./app/people
func FuzzImport(f *testing.F) {
	for _, seed := range []struct{ data, mapping string }{
		{"given_name,email\nSaraa,saraa@example.org\n", ""},
		{"\uFEFFgiven_name,family_name,email,birth_year,volunteer,tags\r\nСараа,Болд,S@x.mn,2004,yes,a;b\r\n", ""},
		{"Name;Mail\n\"Bat; elder\";bat@example.org\nBat;BAT@example.org\n", "Name:given_name,Mail:email"},
		{"email,given_name,consent\n\"a\nb@x.org\",A,maybe\n,,\n\nc@x.org,C,no,extra\n", ""},
		{"email\n\"unclosed\n", ""},
		{"given_name,email\n\xd1\xe0,a@x.org\n", ""},
		{"email,given_name\rs@x.org,S\r\"a\rb\",c\r", ""},
	} {
		f.Add([]byte(seed.data), seed.mapping)
	}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte, mapping string) {
		m, err := ParseMapping(mapping)
		if err != nil {
			m = nil
		}
		r, err := NewImportReader(data, m, now)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("refused with %T %v", err, err)
			}
			return
		}
		// The records the csv package reads under the header, up to an error.
		text := bytes.TrimPrefix(data, []byte("\uFEFF"))
		if !bytes.Contains(text, []byte{'\n'}) { // lines ended by CR alone
			text = bytes.ReplaceAll(text, []byte{'\r'}, []byte{'\n'})
		}
		want, wantErr := 0, false
		cr := csv.NewReader(bytes.NewReader(text))
		cr.Comma, cr.FieldsPerRecord = sniffComma(text), -1
		header := true
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				wantErr = true
				break
			}
			if blank(rec) {
				continue
			}
			if header {
				header = false
				continue
			}
			want++
		}
		lines := bytes.Count(text, []byte{'\n'}) + 1
		got, last := 0, 1
		emails := map[string]bool{}
		for {
			row, rej, err := r.Next()
			if err == io.EOF {
				if wantErr {
					t.Fatal("the reader ends where the csv package fails")
				}
				break
			}
			if err != nil {
				var ae *apperr.Error
				if !errors.As(err, &ae) || !wantErr {
					t.Fatalf("reader error %v where the csv package reads on", err)
				}
				break
			}
			got++
			line := row.Line
			if rej != nil {
				line = rej.Line
				if rej.Reason.ID == "" && len(rej.Fields) == 0 {
					t.Fatalf("a rejection without reason at line %d", line)
				}
			} else {
				again := row.Input
				again.Tags = append([]string(nil), row.Input.Tags...)
				fields := apperr.Fields{}
				again.Validate(fields, now)
				if len(fields) > 0 || !reflect.DeepEqual(again, row.Input) || row.Input.Email == "" {
					t.Fatalf("row %+v is not valid: %v", row.Input, fields)
				}
				if emails[row.Input.Email] {
					t.Fatalf("two rows with %s", row.Input.Email)
				}
				emails[row.Input.Email] = true
			}
			if line <= last || line > lines {
				t.Fatalf("line %d after line %d, in a file of %d lines", line, last, lines)
			}
			last = line
		}
		if got != want {
			t.Fatalf("%d rows and rejections for %d records", got, want)
		}
	})
}
