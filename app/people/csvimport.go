package people

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/csvout"
	"github.com/gotong/gotong/app/textfold"
)

// This file is the pure half of the CSV import: bytes and a mapping in,
// validated rows and rejections with their line numbers out. It touches no
// database; csvimport_store.go writes what it reads.

// MaxImportBytes bounds the CSV file of one import (100,000 people take
// about 10 MB).
const MaxImportBytes = 32 << 20

// The fields a column of an import may fill: the fields of a Person as
// API.md names them, and consent (yes or no).
const (
	FieldGivenName  = "given_name"
	FieldFamilyName = "family_name"
	FieldEmail      = "email"
	FieldPhone      = "phone"
	FieldBirthYear  = "birth_year"
	FieldRegion     = "region"
	FieldLocality   = "locality"
	FieldLocale     = "locale"
	FieldHandle     = "handle"
	FieldVolunteer  = "volunteer"
	FieldTags       = "tags"
	FieldConsent    = "consent"
	// FieldIgnore maps a column to nothing, even one named like a field.
	FieldIgnore = "ignore"
)

// ImportFields lists the fields a column may fill, in the order reports
// name them.
var ImportFields = []string{FieldGivenName, FieldFamilyName, FieldEmail, FieldPhone, FieldBirthYear, FieldRegion,
	FieldLocality, FieldLocale, FieldHandle, FieldVolunteer, FieldTags, FieldConsent}

// importField is the index of a field in ImportFields; noField fills nothing.
type importField int8

const noField importField = -1

// fieldSet holds one bit per importField.
type fieldSet uint16

func (s fieldSet) has(f importField) bool { return s&(1<<f) != 0 }

// fieldIndex returns the importField named name, or noField.
func fieldIndex(name string) importField {
	for i, f := range ImportFields {
		if f == name {
			return importField(i)
		}
	}
	return noField
}

// TagSeparator separates the tags of one cell.
const TagSeparator = ";"

// Mapping says which field each column of a file fills, keyed by column
// name (letter case and surrounding spaces do not matter). A column the
// mapping does not name fills the field of its own name, if it has one:
// "Given name", "given_name" and "GIVEN-NAME" all fill given_name.
type Mapping map[string]string

// columnKey is how a mapping names a column.
func columnKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// AutoField is the field a column named name fills without a mapping, or
// "" when its name is not a field's: the field's own name, the label the
// mapping step shows for it in any language, or a common header for it
// ("First name", "Prénom", "Овог", "Twitter"…, headerWords). Letter case,
// Latin accents, spaces, dashes, dots and underscores are not compared.
func AutoField(name string) string {
	return words().header[headerKey(name)]
}

// GuessFields is the field each column of header fills by its name alone
// (AutoField), or "" for none. A column named after a field by one of the
// common headers does not take a field that a column named by the field's
// own name, or an earlier one, takes: "Name" then "First name" fill
// given_name once.
func GuessFields(header []string) []string {
	out := make([]string, len(header))
	taken := map[string]bool{}
	for exact := range 2 {
		for i, h := range header {
			f := AutoField(h)
			if f == "" || (headerKey(h) == headerKey(f)) != (exact == 0) {
				continue
			}
			if exact == 1 && taken[f] {
				continue
			}
			out[i], taken[f] = f, true
		}
	}
	return out
}

// headerKey is how AutoField compares a column's name.
func headerKey(name string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '\t', '*', ':':
			return -1
		}
		return r
	}, textfold.Key(name))
}

// ParseMapping reads the API's map parameter: Column:field pairs separated
// by commas. A column name cannot hold a comma; it may hold a colon, since
// only the last one separates. The fields are checked when the mapping
// meets a file's header.
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{}
	seen := map[string]bool{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		i := strings.LastIndexByte(pair, ':')
		if i < 0 {
			return nil, mapError("import_error_map_syntax")
		}
		col, field := strings.TrimSpace(pair[:i]), strings.ToLower(strings.TrimSpace(pair[i+1:]))
		if col == "" || seen[columnKey(col)] {
			return nil, mapError("import_error_map_syntax")
		}
		seen[columnKey(col)] = true
		m[col] = field
	}
	return m, nil
}

// mapError is an error of the mapping, reported under the field "map".
func mapError(id string, args ...any) error {
	return apperr.Fields{"map": {ID: id, Args: args}}.Err()
}

// fileError is an error that makes the whole file unreadable.
func fileError(id string, args ...any) error { return apperr.New(apperr.Malformed, id, args...) }

// ImportRow is a valid row of a file: a person to create or update.
type ImportRow struct {
	Line    int   // where the record starts, the header being line 1
	Input   Input // validated and normalised
	Consent *bool // nil when the row says nothing of consent
	given   fieldSet
}

// Gives reports whether the row has a value for field: a column fills it
// and the row's cell there is not blank. An update changes only those.
func (r *ImportRow) Gives(field string) bool {
	f := fieldIndex(field)
	return f != noField && r.given.has(f)
}

// Rejection is a row that is not imported, and why: a reason of the row as
// a whole, or the messages of its bad fields.
type Rejection struct {
	Line   int
	Reason apperr.Msg        // empty ID when Fields tell
	Fields apperr.Fields     // by field name, as in ImportFields
	Values map[string]string // the cells at fault as written, by field name
}

// ImportReader reads the people of a CSV file one record at a time. Every
// record under the header becomes either a row or a rejection, in the
// order of the file; a record whose cells are all blank counts as a blank
// line and is passed over.
type ImportReader struct {
	csv    *csv.Reader
	header []string
	cols   []importField // the field of each column
	now    time.Time
	seen   map[string]int // the line of each email taken so far
}

// NewImportReader checks the file as a whole (encoding, CSV header, the
// mapping) and returns a reader of its records; now gives the current year
// for birth years. Its errors are *apperr.Error: Malformed when the file
// cannot be read, Invalid (under the field "map") when its columns and the
// mapping do not fit.
func NewImportReader(data []byte, m Mapping, now time.Time) (*ImportReader, error) {
	r, header, err := openCSV(data)
	if err != nil {
		return nil, err
	}
	cols, err := resolveColumns(header, m)
	if err != nil {
		return nil, err
	}
	return &ImportReader{csv: r, header: header, cols: cols, now: now, seen: map[string]int{}}, nil
}

// Header returns the column names of the file, trimmed.
func (r *ImportReader) Header() []string { return r.header }

// Next returns the next record as a row or as a rejection (rej non-nil).
// It returns io.EOF after the last record, and an *apperr.Error (Malformed)
// when the rest of the file is not CSV.
func (r *ImportReader) Next() (row ImportRow, rej *Rejection, err error) {
	for {
		rec, err := r.csv.Read()
		if err == io.EOF {
			return row, nil, io.EOF
		}
		if err != nil {
			return row, nil, csvError(err)
		}
		if blank(rec) {
			continue
		}
		line, _ := r.csv.FieldPos(0)
		row, rej := r.parse(rec, line)
		return row, rej, nil
	}
}

// parse turns one record into a row or a rejection.
func (r *ImportReader) parse(rec []string, line int) (ImportRow, *Rejection) {
	row := ImportRow{Line: line}
	if len(rec) > len(r.cols) && !blank(rec[len(r.cols):]) {
		return row, &Rejection{Line: line, Reason: apperr.Msg{ID: "import_error_cells",
			Args: []any{"Got", len(rec), "Want", len(r.cols)}}}
	}
	f := apperr.Fields{}
	in := &row.Input
	for i, col := range r.cols {
		if col == noField || i >= len(rec) {
			continue
		}
		v := csvout.Unneutralize(strings.TrimSpace(rec[i]))
		if v == "" {
			continue
		}
		row.given |= 1 << col
		switch ImportFields[col] {
		case FieldGivenName:
			in.GivenName = v
		case FieldFamilyName:
			in.FamilyName = v
		case FieldEmail:
			in.Email = v
		case FieldPhone:
			in.Phone = v
		case FieldBirthYear:
			if y, err := strconv.Atoi(v); err == nil {
				in.BirthYear = &y
			} else {
				birthYearError(f, FieldBirthYear, r.now)
			}
		case FieldRegion:
			in.Region = RegionCode(v)
		case FieldLocality:
			in.Locality = LocalityCode(v)
		case FieldLocale:
			in.Locale = LocaleCode(v)
		case FieldHandle:
			in.Handle = v
		case FieldVolunteer:
			if b, ok := parseYesNo(v); ok {
				in.Volunteer = b
			} else {
				f.Add(FieldVolunteer, "import_error_yes_no")
			}
		case FieldTags:
			for t := range strings.SplitSeq(v, TagSeparator) {
				if strings.TrimSpace(t) != "" {
					in.Tags = append(in.Tags, t)
				}
			}
		case FieldConsent:
			if b, ok := parseYesNo(v); ok {
				row.Consent = &b
			} else {
				f.Add(FieldConsent, "import_error_yes_no")
			}
		}
	}
	in.Validate(f, r.now)
	if in.Email == "" {
		f.Add(FieldEmail, "error_required")
	}
	if len(f) > 0 {
		var values map[string]string // nil when no cell is at fault (a required one is blank)
		for field := range f {
			if v := r.cell(rec, field); v != "" {
				if values == nil {
					values = map[string]string{}
				}
				values[field] = v
			}
		}
		return row, &Rejection{Line: line, Fields: f, Values: values}
	}
	if first, dup := r.seen[in.Email]; dup {
		return row, &Rejection{Line: line, Reason: apperr.Msg{ID: "import_error_same_email", Args: []any{"Line", first}},
			Values: map[string]string{FieldEmail: r.cell(rec, FieldEmail)}}
	}
	r.seen[in.Email] = line
	return row, nil
}

// cell is what record rec holds for field, as written (trimmed), or "".
func (r *ImportReader) cell(rec []string, field string) string {
	want := fieldIndex(field)
	for i, col := range r.cols {
		if col == want && i < len(rec) {
			return csvout.Unneutralize(strings.TrimSpace(rec[i]))
		}
	}
	return ""
}

// blank reports whether every cell is empty or spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// yesNo are the spellings of yes and no a file may use, in the four
// languages; anything else is an error.
var yesNo = map[string]bool{
	"yes": true, "y": true, "true": true, "1": true, "x": true, "oui": true, "ya": true, "тийм": true,
	"no": false, "n": false, "false": false, "0": false, "non": false, "tidak": false, "үгүй": false,
}

func parseYesNo(s string) (value, ok bool) {
	value, ok = yesNo[textfold.Key(s)]
	return value, ok
}

// openCSV checks a file's bytes and reads its header; the reader it returns
// stands at the first record under the header.
func openCSV(data []byte) (*csv.Reader, []string, error) {
	data, err := checkText(data)
	if err != nil {
		return nil, nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffComma(data)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var header []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil, nil, fileError("import_error_empty")
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		if !blank(rec) {
			header = make([]string, len(rec))
			for i, c := range rec {
				header[i] = strings.TrimSpace(c)
			}
			return r, header, nil
		}
	}
}

// checkText returns the file without its UTF-8 byte-order mark, or an error
// naming the first line that is not UTF-8 text (a file saved as
// Windows-1251 or UTF-16, say). A NUL byte is never text.
func checkText(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fileError("import_error_encoding", "Line", 1)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError("import_error_empty")
	}
	if utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 {
		if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
			// Lines ended by CR alone, as old spreadsheets for the Mac
			// saved them: the csv package knows only LF and CRLF.
			data = bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
		}
		return data, nil
	}
	bad := 0
	for bad < len(data) {
		c, size := utf8.DecodeRune(data[bad:])
		if c == 0 || (c == utf8.RuneError && size == 1) {
			break
		}
		bad += size
	}
	return nil, fileError("import_error_encoding", "Line", 1+bytes.Count(data[:bad], []byte{'\n'}))
}

// sniffComma chooses the separator of a file from its first line: a comma,
// unless the line holds more semicolons (as spreadsheets write CSV in
// French) or tabs.
func sniffComma(data []byte) rune {
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	comma, most := ',', bytes.Count(first, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte{byte(c)}); n > most {
			comma, most = c, n
		}
	}
	return comma
}

// csvError is the whole-file error of a CSV parse error, naming its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileError("import_error_csv", "Line", pe.Line)
	}
	return fileError("import_error_csv", "Line", 1)
}

// resolveColumns gives each column of header its field under mapping m.
func resolveColumns(header []string, m Mapping) ([]importField, error) {
	named := make(map[string]bool, len(header))
	for _, h := range header {
		named[columnKey(h)] = true
	}
	mapped := make(map[string]string, len(m))
	for col, field := range m {
		field = strings.ToLower(strings.TrimSpace(field))
		if field != FieldIgnore && fieldIndex(field) == noField {
			return nil, mapError("import_error_map_field", "Field", field, "Fields", strings.Join(ImportFields, ", "))
		}
		if !named[columnKey(col)] {
			return nil, mapError("import_error_map_column", "Column", strings.TrimSpace(col))
		}
		mapped[columnKey(col)] = field
	}
	cols := make([]importField, len(header))
	by := map[importField]int{} // the column that fills each field
	some := false
	guessed := GuessFields(header)
	chosen := map[string]bool{} // the fields the mapping gives a column
	for _, f := range mapped {
		chosen[f] = true
	}
	for i, h := range header {
		field, ok := mapped[columnKey(h)]
		if !ok {
			field = guessed[i]
			if chosen[field] && headerKey(h) != headerKey(field) {
				field = "" // a common header yields to the mapping
			}
		}
		cols[i] = fieldIndex(field)
		if cols[i] == noField {
			continue
		}
		some = true
		if j, twice := by[cols[i]]; twice {
			return nil, mapError("import_error_map_twice", "Field", field, "First", header[j], "Second", h)
		}
		by[cols[i]] = i
	}
	if !some && len(m) == 0 {
		return nil, fileError("import_error_no_header")
	}
	if _, ok := by[fieldIndex(FieldEmail)]; !ok {
		return nil, mapError("import_error_no_email")
	}
	return cols, nil
}

// ImportHeader checks a file's bytes and returns its column names, trimmed.
func ImportHeader(data []byte) ([]string, error) {
	_, header, err := openCSV(data)
	return header, err
}

// ImportPreview is what the mapping step shows of a file: its columns, its
// first records as written, and how many records it has.
type ImportPreview struct {
	Header []string
	Rows   [][]string
	Count  int
}

// PreviewImport reads a whole file without a mapping: it fails as an import
// of it would (an encoding, a CSV error anywhere, no record under the
// header), and returns the header and the first n records.
func PreviewImport(data []byte, n int) (ImportPreview, error) {
	r, header, err := openCSV(data)
	if err != nil {
		return ImportPreview{}, err
	}
	p := ImportPreview{Header: header}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ImportPreview{}, csvError(err)
		}
		if blank(rec) {
			continue
		}
		if p.Count < n {
			p.Rows = append(p.Rows, append([]string(nil), rec...))
		}
		p.Count++
	}
	if p.Count == 0 {
		return ImportPreview{}, fileError("import_error_no_rows")
	}
	return p, nil
}
