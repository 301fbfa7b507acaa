package people_test

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
)

// importNow is the clock of the import tests: birth years up to 2026.
var importNow = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// importErrID is the message id of an import error, the one of its field
// "map" for a mapping error, and its kind.
func importErrID(t *testing.T, err error) (apperr.Kind, string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *apperr.Error", err)
	}
	if m, ok := ae.Fields["map"]; ok {
		return ae.Kind, m.ID
	}
	return ae.Kind, ae.Message.ID
}

// readImport reads a whole file: its rows and rejections, or the error.
func readImport(data string, m people.Mapping) ([]people.ImportRow, []people.Rejection, error) {
	r, err := people.NewImportReader([]byte(data), m, importNow)
	if err != nil {
		return nil, nil, err
	}
	var rows []people.ImportRow
	var rejected []people.Rejection
	for {
		row, rej, err := r.Next()
		if err == io.EOF {
			return rows, rejected, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if rej != nil {
			rejected = append(rejected, *rej)
		} else {
			rows = append(rows, row)
		}
	}
}

// TestImportBadFiles: each file that cannot be imported as a whole fails
// with its kind and reason (the line where there is one), before any row.
func TestImportBadFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data string
		m    people.Mapping
		kind apperr.Kind
		id   string
		line int // 0 when the message names none
	}{
		{"empty", "", nil, apperr.Malformed, "import_error_empty", 0},
		{"only spaces and a BOM", "\uFEFF \r\n\n", nil, apperr.Malformed, "import_error_empty", 0},
		{"only blank cells", ",,\n,,\n", nil, apperr.Malformed, "import_error_empty", 0},
		{"UTF-16 with its mark", "\xFF\xFEe\x00m\x00", nil, apperr.Malformed, "import_error_encoding", 1},
		{"UTF-16 big-endian", "\xFE\xFF\x00e\x00m", nil, apperr.Malformed, "import_error_encoding", 1},
		{"UTF-16 without mark", "e\x00m\x00a\x00i\x00l\x00", nil, apperr.Malformed, "import_error_encoding", 1},
		{"Windows-1251 on line 3", "given_name,email\nSaraa,s@example.org\n\xd1\xe0\xf0\xe0\xe0,b@example.org\n", nil,
			apperr.Malformed, "import_error_encoding", 3},
		{"bare quote in the header", "given\"name,email\nA,a@example.org\n", nil, apperr.Malformed, "import_error_csv", 1},
		{"no header: a person first", "Saraa,saraa@example.org\nBat,bat@example.org\n", nil, apperr.Malformed, "import_error_no_header", 0},
		{"no email column", "given_name,family_name\nSaraa,Bold\n", nil, apperr.Invalid, "import_error_no_email", 0},
		{"email column ignored", "given_name,email\nSaraa,s@example.org\n", people.Mapping{"email": "ignore"},
			apperr.Invalid, "import_error_no_email", 0},
		{"unknown mapping target", "Name,Mail\nSaraa,s@example.org\n", people.Mapping{"Mail": "email", "Name": "first_name"},
			apperr.Invalid, "import_error_map_field", 0},
		{"mapping a column not there", "given_name,email\nSaraa,s@example.org\n", people.Mapping{"Phone": "phone"},
			apperr.Invalid, "import_error_map_column", 0},
		{"two columns for one field", "email,E-mail\na@example.org,b@example.org\n", nil, apperr.Invalid, "import_error_map_twice", 0},
		{"mapped onto a named column", "given_name,Name,email\nA,B,a@example.org\n", people.Mapping{"Name": "given_name"},
			apperr.Invalid, "import_error_map_twice", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readImport(tc.data, tc.m)
			if err == nil {
				t.Fatal("no error")
			}
			kind, id := importErrID(t, err)
			if kind != tc.kind || id != tc.id {
				t.Fatalf("error %v (kind %d), want %s (kind %d)", err, kind, tc.id, tc.kind)
			}
			if tc.line != 0 {
				var ae *apperr.Error
				errors.As(err, &ae)
				if !reflect.DeepEqual(ae.Message.Args, []any{"Line", tc.line}) {
					t.Fatalf("arguments %v, want line %d", ae.Message.Args, tc.line)
				}
			}
		})
	}
	// A parse error further down stops the reader, with its line.
	r, err := people.NewImportReader([]byte("given_name,email\nA,a@example.org\nB,\"b@example.org\nC,c@example.org\n"), nil, importNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, rej, err := r.Next(); err != nil || rej != nil {
		t.Fatalf("first record: %v %v", rej, err)
	}
	if _, _, err := r.Next(); err == nil {
		t.Fatal("an unclosed quote reads")
	} else if _, id := importErrID(t, err); id != "import_error_csv" {
		t.Fatalf("unclosed quote: %v", err)
	}
	// A header without people under it is for the store to refuse, and the
	// preview.
	if _, err := people.PreviewImport([]byte("given_name,email\n,\n"), 5); err == nil {
		t.Fatal("a header alone previews")
	} else if _, id := importErrID(t, err); id != "import_error_no_rows" {
		t.Fatalf("header alone: %v", err)
	}
}

// TestImportRows: BOM or not, CRLF, Cyrillic, quoted commas and newlines
// (lines are where records start; a name may not hold a line break), a
// semicolon file, blank records, bad values as field errors, repeated
// emails, and cells past the header.
func TestImportRows(t *testing.T) {
	t.Parallel()
	file := "given_name,family_name,email,birth_year,volunteer,tags,phone,consent,notes\r\n" +
		"Сараа,Болд,Saraa@Example.ORG,2004,yes,Privacy;LGBTI rights,'+976 99 11 22 33,тийм,\r\n" + // line 2
		"\"Bat, the elder\",\"Dorj\nson of Dorj\",bat@example.org,,no,,,,\"a note\non two lines\"\r\n" + // lines 3 to 5
		"\"Bat, the younger\",Dorj,bat2@example.org,,no,,,,\"a note\non two lines\"\r\n" + // lines 6 and 7
		"\r\n" + // line 8, blank
		",,,,,,,,\r\n" + // line 9, all blank
		"Dewi,,not-an-email,1890,maybe,,call me,perhaps,\r\n" + // line 10
		"Ayu,,SARAA@example.org,,,,,,\r\n" + // line 11: the email of line 2
		"Nomin,,nomin@example.org,,,,,,,extra\r\n" + // line 12: one cell too many
		"Tuya,,tuya@example.org,,,,,,,,\r\n" + // line 13: trailing empty cells are fine
		"Short,,short@example.org\r\n" // line 14: missing cells are blank
	for _, bom := range []string{"", "\uFEFF"} {
		rows, rejected, err := readImport(bom+file, nil)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, r := range rows {
			lines = append(lines, r.Line)
		}
		if !reflect.DeepEqual(lines, []int{2, 6, 13, 14}) {
			t.Fatalf("rows at lines %v", lines)
		}
		s := rows[0]
		year := 2004
		want := people.Input{GivenName: "Сараа", FamilyName: "Болд", Email: "saraa@example.org", Phone: "+976 99 11 22 33",
			BirthYear: &year, Volunteer: true, Tags: []string{"lgbti rights", "privacy"}}
		if !reflect.DeepEqual(s.Input, want) || s.Consent == nil || !*s.Consent {
			t.Fatalf("row 2 = %+v (consent %v), want %+v", s.Input, s.Consent, want)
		}
		if !s.Gives("phone") || s.Gives("region") || s.Gives("nothing") {
			t.Fatal("Gives is wrong for row 2")
		}
		b := rows[1]
		if b.Input.GivenName != "Bat, the younger" || b.Input.Volunteer || !b.Gives("volunteer") || b.Consent != nil || b.Gives("birth_year") {
			t.Fatalf("row 6 = %+v", b)
		}
		var rejLines []int
		for _, r := range rejected {
			rejLines = append(rejLines, r.Line)
		}
		if !reflect.DeepEqual(rejLines, []int{3, 10, 11, 12}) {
			t.Fatalf("rejections at lines %v", rejLines)
		}
		if f := rejected[0].Fields; len(f) != 1 || f["family_name"].ID != "error_text_control" {
			t.Fatalf("line 3 fields %v", f)
		}
		rejected = rejected[1:]
		fields := map[string]string{}
		for k, m := range rejected[0].Fields {
			fields[k] = m.ID
		}
		wantFields := map[string]string{"email": "error_email_invalid", "birth_year": "error_birth_year",
			"volunteer": "import_error_yes_no", "phone": "error_phone_invalid", "consent": "import_error_yes_no"}
		if !reflect.DeepEqual(fields, wantFields) {
			t.Fatalf("line 10 fields %v, want %v", fields, wantFields)
		}
		if r := rejected[1]; r.Reason.ID != "import_error_same_email" || !reflect.DeepEqual(r.Reason.Args, []any{"Line", 2}) {
			t.Fatalf("line 11: %+v", r)
		}
		if r := rejected[2]; r.Reason.ID != "import_error_cells" {
			t.Fatalf("line 12: %+v", r)
		}
	}

	// A semicolon file, as spreadsheets save CSV in French; a row without
	// an email is rejected, a given name is required.
	rows, rejected, err := readImport("Prénom;E-mail;Region\nAmélie;amelie@example.fr;fr-idf\n;x@example.fr;\nLéa;;\n",
		people.Mapping{"Prénom": "given_name"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Input.GivenName != "Amélie" || rows[0].Input.Region != "FR-IDF" {
		t.Fatalf("semicolon rows %+v", rows)
	}
	if len(rejected) != 2 || rejected[0].Fields["given_name"].ID != "error_required" || rejected[1].Fields["email"].ID != "error_required" {
		t.Fatalf("semicolon rejections %+v", rejected)
	}

	// Lines ended by CR alone.
	rows, rejected, err = readImport("email,given_name\rsaraa@example.org,Saraa\rbad,Bad\r", nil)
	if err != nil || len(rows) != 1 || len(rejected) != 1 || rejected[0].Line != 3 {
		t.Fatalf("CR lines: %+v %+v %v", rows, rejected, err)
	}
}

// TestImportMapping: the API's map parameter, and the names columns fill
// on their own.
func TestImportMapping(t *testing.T) {
	t.Parallel()
	m, err := people.ParseMapping(" Courriel : email ,Nom:family_name,,Notes:ignore,a:b:c:given_name")
	if err != nil {
		t.Fatal(err)
	}
	want := people.Mapping{"Courriel": "email", "Nom": "family_name", "Notes": "ignore", "a:b:c": "given_name"}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("ParseMapping = %v, want %v", m, want)
	}
	for _, bad := range []string{"email", ":email", "A:email,a:phone"} {
		if _, err := people.ParseMapping(bad); err == nil {
			t.Errorf("ParseMapping(%q) succeeds", bad)
		}
	}
	for name, want := range map[string]string{"Given Name": "given_name", "GIVEN-NAME": "given_name", " e-mail ": "email",
		"birthyear": "birth_year", "Tags": "tags", "name": "", "id": "",
		"First name": "given_name", "PRÉNOM": "given_name", "Prenom": "given_name", "Нэр": "given_name", "nama depan": "given_name",
		"Last name": "family_name", "Family name": "family_name", "Nom de famille": "family_name", "ОВОГ": "family_name",
		"nama belakang": "family_name", "Courriel": "email", "Имэйл": "email", "Twitter": "handle", "Phone": "phone",
		"Téléphone": "phone", "Утас": "phone", "Telepon": "phone", "Region": "region", "Аймаг": "region",
		"Provinsi": "region", "Locality": "locality", "Хот/хөдөө": "locality", "Langue": "locale", "Хэл": "locale",
		"Year of birth": "birth_year", "Төрсөн он": "birth_year", "Bénévole": "volunteer", "Зөвшөөрөл": "consent",
		"Given name (given_name)": "given_name", "Нэр (given_name)": "given_name", "Овог нэр": ""} {
		if got := people.AutoField(name); got != want {
			t.Errorf("AutoField(%q) = %q, want %q", name, got, want)
		}
	}
	rows, _, err := readImport("Courriel,Prénom,email_old\na@example.org,Amélie,old@example.org\n",
		people.Mapping{"courriel": "email", "PRÉNOM": "given_name", "email_old": "ignore"})
	if err != nil || len(rows) != 1 || rows[0].Input.Email != "a@example.org" || rows[0].Input.GivenName != "Amélie" {
		t.Fatalf("mapped rows %+v, %v", rows, err)
	}
	// An export of Gotong imports back: its id column is ignored and its
	// neutralised cells are read as they were.
	rows, rejected, err := readImport("\uFEFFid,given_name,family_name,email,phone,birth_year,region,locality,locale,handle,volunteer,tags\n"+
		"12,Saraa,Bold,saraa@example.org,'+976 11 22 33,2004,MN-057,rural,mn,'@saraa,true,lgbti rights;privacy\n", nil)
	if err != nil || len(rejected) != 0 || len(rows) != 1 {
		t.Fatalf("export: %v %v %v", rows, rejected, err)
	}
	if in := rows[0].Input; in.Handle != "@saraa" || in.Phone != "+976 11 22 33" || in.Locality != "rural" || !in.Volunteer {
		t.Fatalf("export row %+v", in)
	}
}

// TestSplitMatchList: lines or a CSV's first column, emails by an @ inside,
// a header skipped, formulas undone, bad text refused.
func TestSplitMatchList(t *testing.T) {
	t.Parallel()
	emails, handles, err := people.SplitMatchList([]byte("\uFEFFEmail,name\r\nsaraa@example.org,Saraa\r\n@bat_mn,Bat\r\n\r\n  dewi  \r\n'@ayu,\"A, B\"\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(emails, []string{"saraa@example.org"}) || !reflect.DeepEqual(handles, []string{"@bat_mn", "dewi", "@ayu"}) {
		t.Fatalf("emails %v, handles %v", emails, handles)
	}
	emails, handles, err = people.SplitMatchList([]byte("https://www.tiktok.com/@ayu\nx.com/bat\nc@example.org\n"))
	if err != nil || !reflect.DeepEqual(emails, []string{"c@example.org"}) || !reflect.DeepEqual(handles, []string{"https://www.tiktok.com/@ayu", "x.com/bat"}) {
		t.Fatalf("profile links: %v %v %v", emails, handles, err)
	}
	emails, handles, err = people.SplitMatchList([]byte("a@example.org\nb@example.org\n"))
	if err != nil || len(emails) != 2 || handles != nil {
		t.Fatalf("plain lines: %v %v %v", emails, handles, err)
	}
	if _, _, err := people.SplitMatchList([]byte("a@example.org\n\xe0\xe1\n")); err == nil || !strings.Contains(err.Error(), "import_error_encoding") {
		t.Fatalf("Windows-1251: %v", err)
	}
}

// TestImportWords: a coded cell is read from its code or from the words
// people write for it, the interface's labels in the four languages among
// them, in any letter case; anything else is kept for validation to refuse.
func TestImportWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fn       func(string) string
		in, want string
	}{
		{people.LocalityCode, "rural", "rural"},
		{people.LocalityCode, "URBAN", "urban"},
		{people.LocalityCode, "хөдөө", "rural"},
		{people.LocalityCode, "ХӨДӨӨ", "rural"},
		{people.LocalityCode, "Хотод", "urban"},
		{people.LocalityCode, "Хөдөө эсвэл сумын төвд", "rural"}, // the registration form's label
		{people.LocalityCode, "In the countryside or a village", "rural"},
		{people.LocalityCode, "rurale", "rural"},
		{people.LocalityCode, "En ville", "urban"},
		{people.LocalityCode, "à la campagne ou dans un village", "rural"},
		{people.LocalityCode, "pedesaan", "rural"},
		{people.LocalityCode, "Perdesaan", "rural"},
		{people.LocalityCode, "Di kota", "urban"},
		{people.LocalityCode, " suburb ", "suburb"},
		{people.RegionCode, "MN-073", "MN-073"},
		{people.RegionCode, "mn-073", "MN-073"},
		{people.RegionCode, "Архангай", "MN-073"},
		{people.RegionCode, "АРХАНГАЙ", "MN-073"},
		{people.RegionCode, "arkhangai", "MN-073"},
		{people.RegionCode, "Bayan-Olgii", "MN-071"},
		{people.RegionCode, "Баян-Өлгий", "MN-071"},
		{people.RegionCode, "Guyane", "FR-973"},
		{people.RegionCode, "Guyana Prancis", "FR-973"},
		{people.RegionCode, "Atlantis", "Atlantis"},
		{people.LocaleCode, "MN", "mn"},
		{people.LocaleCode, "Français", "fr"},
		{people.LocaleCode, "english", "en"},
		{people.LocaleCode, "klingon", "klingon"},
	} {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("%q gives %q, want %q", c.in, got, c.want)
		}
	}
}

// TestImportMongolian: a file written in Mongolian (headers, labels,
// region names) imports as its English twin, and a rejected line carries
// the cells at fault.
func TestImportMongolian(t *testing.T) {
	t.Parallel()
	rows, rejected, err := readImport("Нэр,Овог,Имэйл,Аймаг,Хот/хөдөө,Твиттер,Сайн дурын\n"+
		"Батбаяр,Болд,bat@example.org,Архангай,хөдөө,https://x.com/batb,тийм\n"+
		"Сараа,Дорж,saraa@example.org,Атлантис,ХОТ,,ҮГҮЙ\n", nil)
	if err != nil || len(rows) != 1 || len(rejected) != 1 {
		t.Fatalf("rows %+v, rejected %+v, %v", rows, rejected, err)
	}
	in := rows[0].Input
	if in.GivenName != "Батбаяр" || in.FamilyName != "Болд" || in.Region != "MN-073" || in.Locality != "rural" ||
		in.Handle != "@batb" || !in.Volunteer {
		t.Fatalf("row %+v", in)
	}
	r := rejected[0]
	if r.Line != 3 || r.Fields["region"].ID != "error_region_unknown" || r.Values["region"] != "Атлантис" || len(r.Values) != 1 {
		t.Fatalf("rejected %+v", r)
	}
	// Common headers yield to one named after the field, and to a mapping.
	if got := people.GuessFields([]string{"First name", "given_name", "Prénom", "e-mail", "Notes"}); !reflect.DeepEqual(got,
		[]string{"", "given_name", "", "email", ""}) {
		t.Fatalf("GuessFields = %q", got)
	}
	rows, _, err = readImport("Prénom,Nom,Courriel,Nickname\nAmélie,Roux,a@example.org,Ami\n", people.Mapping{"Nickname": "given_name"})
	if err != nil || len(rows) != 1 || rows[0].Input.GivenName != "Ami" || rows[0].Input.FamilyName != "Roux" {
		t.Fatalf("mapped over a common header: %+v, %v", rows, err)
	}
}
