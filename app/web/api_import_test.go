package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/request"
)

// importState is what an import may change: the people and their tags and
// consents, uploads, and import entries of the audit log.
func (e *env) importState() string {
	e.t.Helper()
	var parts []string
	for _, q := range []string{"SELECT COUNT(*) FROM people", "SELECT COUNT(*) FROM person_tags", "SELECT COUNT(*) FROM tags",
		"SELECT COUNT(*) FROM person_consents", "SELECT COUNT(*) FROM import_uploads",
		"SELECT COUNT(*) FROM audit_log WHERE action = 'people.import'",
		"SELECT COUNT(*) FROM people WHERE updated_at <> created_at"} {
		var n int64
		if err := e.db.Raw(q).Scan(&n).Error; err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, fmt.Sprint(n))
	}
	return strings.Join(parts, " ")
}

// importCSV posts a CSV body to the import API with the query and headers.
func (c *client) importCSV(query, token, body string, header ...string) *response {
	req := httpRequest(http.MethodPost, api.ImportPath+query, body, "text/csv; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

type importReportBody struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Created  int                 `json:"created"`
	Updated  int                 `json:"updated"`
	Skipped  int                 `json:"skipped"`
	Rejected []request.Rejection `json:"rejected"`
}

func decodeReport(t *testing.T, r *response) importReportBody {
	t.Helper()
	var body importReportBody
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("report %q: %v", r.Body, err)
	}
	return body
}

// TestAPIImportBadFiles: every file that cannot be imported as a whole is
// refused with its status and reason, in the request's language, and
// nothing is written.
func TestAPIImportBadFiles(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("coord@example.org", access.Coordinator)
		tok := e.token("coord@example.org")
		c := e.client()
		en, fr := e.srv.Catalog.Localizer("en"), e.srv.Catalog.Localizer("fr")
		// A file whose CSV breaks after more rows than a batch: the first
		// batches are written, then undone.
		var long strings.Builder
		long.WriteString("email,given_name\n")
		for i := range people.ImportBatch + 200 {
			fmt.Fprintf(&long, "p%d@example.org,P\n", i)
		}
		brokenLine := people.ImportBatch + 202
		long.WriteString("late@example.org,\"Late\n")
		good := "email,given_name\nsaraa@example.org,Saraa\n"
		for _, tc := range []struct {
			name, query, body, ctype string
			status                   int
			field                    string // the field of a 422, else "" and message
			message                  string
		}{
			{"empty", "", "", "", 400, "", en.T("import_error_empty")},
			{"BOM and blank lines only", "", "\uFEFF\r\n\r\n", "", 400, "", en.T("import_error_empty")},
			{"header only", "", "email,given_name\r\n", "", 400, "", en.T("import_error_no_rows")},
			{"not CSV", "", "email,given_name\na@example.org,A\nb@example.org,\"B\n", "", 400, "", en.T("import_error_csv", "Line", 3)},
			{"broken after a batch", "", long.String(), "", 400, "", en.T("import_error_csv", "Line", brokenLine)},
			{"no header", "", "saraa@example.org,Saraa\n", "", 400, "", en.T("import_error_no_header")},
			{"Windows-1251", "", "email,given_name\nb@example.org,Bat\ns@example.org,\xd1\xe0\xf0\xe0\xe0\n", "", 400, "",
				en.T("import_error_encoding", "Line", 3)},
			{"UTF-16", "", "\xff\xfee\x00m\x00a\x00i\x00l\x00\n\x00", "", 400, "", en.T("import_error_encoding", "Line", 1)},
			{"no email column", "", "given_name,phone\nSaraa,123\n", "", 422, "map", en.T("import_error_no_email")},
			{"unknown mapping target", "?map=Name:first_name", "Name,email\nSaraa,s@example.org\n", "", 422, "map", ""},
			{"mapping a missing column", "?map=Mail:email", good, "", 422, "map", en.T("import_error_map_column", "Column", "Mail")},
			{"mapping without a colon", "?map=email", good, "", 422, "map", en.T("import_error_map_syntax")},
			{"unknown on_duplicate", "?on_duplicate=merge", good, "", 422, "on_duplicate", en.T("import_error_on_duplicate")},
			{"unknown all_or_nothing", "?all_or_nothing=yes", good, "", 422, "all_or_nothing", en.T("import_error_all_or_nothing")},
			{"JSON body", "", `{"email": "a@example.org"}`, "application/json", 400, "", en.T("import_error_content_type")},
			{"French", "?lang=fr", "", "", 400, "", fr.T("import_error_empty")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.importState()
				var res *response
				var header []string
				if tc.ctype != "" {
					header = []string{"Content-Type", tc.ctype}
				}
				if strings.Contains(tc.query, "lang=fr") {
					header = append(header, "Accept-Language", "fr")
				}
				res = c.importCSV(tc.query, tok, tc.body, header...)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.status, res.Body)
				}
				body := apiErr(t, res)
				switch {
				case tc.field != "" && body.Fields[tc.field] == "":
					t.Fatalf("no message for %s: %+v", tc.field, body)
				case tc.field != "" && tc.message != "" && body.Fields[tc.field] != tc.message:
					t.Fatalf("%s: %q, want %q", tc.field, body.Fields[tc.field], tc.message)
				case tc.field == "" && body.Message != tc.message:
					t.Fatalf("message %q, want %q", body.Message, tc.message)
				}
				if after := e.importState(); after != before {
					t.Fatalf("a refused import wrote: %s, then %s", before, after)
				}
			})
		}
		// Only who may write people may import.
		for _, role := range []string{access.Participant, access.Partner, access.Facilitator} {
			email := role + "@example.org"
			e.user(email, role)
			if res := c.importCSV("", e.token(email), good); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d", role, res.StatusCode)
			}
		}
		if res := c.importCSV("", "", good); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("no token: %d", res.StatusCode)
		}
	})
}

// TestAPIImport: a file with a BOM, CRLF, Cyrillic names and a quoted
// newline is imported with its bad rows reported by the line where their
// record starts, in the request's language; then known people are skipped
// or updated; all or nothing refuses a file with a bad row.
func TestAPIImport(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("coord@example.org", access.Coordinator)
		tok := e.token("coord@example.org")
		c := e.client()
		fr := e.srv.Catalog.Localizer("fr")
		file := "\uFEFFCourriel,given_name,family_name,tags,Notes\r\n" +
			"saraa@example.org,Сараа,Болд,privacy;camps,\r\n" + // 2
			"bat@example.org,Бат,Дорж,,\"long, note\r\non two lines\"\r\n" + // 3-4
			"dewi@,Dewi,,,\r\n" + // 5
			"SARAA@example.org,Again,,,\r\n" + // 6
			"nomin@example.org,,,,\r\n" // 7
		res := c.importCSV("?map=Courriel:email", tok, file, "Accept-Language", "fr")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("import: %d %s", res.StatusCode, res.Body)
		}
		rep := decodeReport(t, res)
		want := []request.Rejection{
			{Line: 5, Reason: "email: " + fr.T("error_email_invalid"), Values: map[string]string{"email": "dewi@"}},
			{Line: 6, Reason: fr.T("import_error_same_email", "Line", 2), Values: map[string]string{"email": "SARAA@example.org"}},
			{Line: 7, Reason: "given_name: " + fr.T("error_required")},
		}
		if rep.Created != 2 || rep.Updated != 0 || rep.Skipped != 0 || !reflect.DeepEqual(rep.Rejected, want) || rep.Error != nil {
			t.Fatalf("report %+v, want 2 created and %v", rep, want)
		}
		var family string
		e.db.Raw("SELECT family_name FROM people WHERE email = 'bat@example.org'").Scan(&family)
		if family != "Дорж" {
			t.Fatalf("the record with a quoted newline: family name %q", family)
		}

		// Again: skipped, by default; updated when asked.
		again := "email,given_name,volunteer\nsaraa@example.org,Saraa,yes\nnew@example.org,New,no\n"
		rep = decodeReport(t, c.importCSV("", tok, again))
		if rep.Created != 1 || rep.Skipped != 1 || rep.Updated != 0 || len(rep.Rejected) != 0 {
			t.Fatalf("skip: %+v", rep)
		}
		rep = decodeReport(t, c.importCSV("?on_duplicate=update", tok, again))
		if rep.Created != 0 || rep.Skipped != 0 || rep.Updated != 2 {
			t.Fatalf("update: %+v", rep)
		}
		var name, familyName string
		e.db.Raw("SELECT given_name FROM people WHERE email = 'saraa@example.org'").Scan(&name)
		e.db.Raw("SELECT family_name FROM people WHERE email = 'saraa@example.org'").Scan(&familyName)
		if name != "Saraa" || familyName != "Болд" {
			t.Fatalf("updated: %q %q", name, familyName)
		}

		// All or nothing: one bad row, nothing written, and a 422 that is
		// both an error and the report.
		before := e.importState()
		res = c.importCSV("?all_or_nothing=true&on_duplicate=update", tok, "email,given_name\nz@example.org,Z\nbad,Bad\n")
		rep = decodeReport(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || rep.Error == nil || rep.Error.Code != "validation_failed" ||
			len(rep.Rejected) != 1 || rep.Rejected[0].Line != 3 || rep.Created != 0 {
			t.Fatalf("all or nothing: %d %s", res.StatusCode, res.Body)
		}
		if after := e.importState(); after != before {
			t.Fatalf("all or nothing wrote: %s, then %s", before, after)
		}
	})
}

// TestImportBodyLimit: the import takes a body over the general limit
// (lowered here: TestProductionBodyLimits reads BodyLimit) and up to
// people.MaxImportBytes, refused past it at once (413, without reading the
// body); every other route keeps refusing over the general limit.
func TestImportBodyLimit(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.lowerBodyLimit()
		e.user("coord@example.org", access.Coordinator)
		tok := e.token("coord@example.org")
		c := e.client()
		var b strings.Builder
		b.WriteString("email,given_name,family_name\n")
		for i := 0; b.Len() <= 2*testBodyLimit; i++ {
			fmt.Fprintf(&b, "person%d@example.org,Given%d,A family name long enough to fill the file faster %d\n", i, i, i)
		}
		res := c.importCSV("", tok, b.String())
		if res.StatusCode != http.StatusOK {
			t.Fatalf("a %d-byte import: %d %.200s", b.Len(), res.StatusCode, res.Body)
		}
		// Routed whatever the letter case and a trailing slash, so limited alike.
		req := httpRequest(http.MethodPost, "/api/v1/People/Import/?on_duplicate=update", b.String(), "text/csv")
		req.Header.Set("Authorization", "Bearer "+tok)
		if res := c.do(req); res.StatusCode != http.StatusOK || decodeReport(t, res).Updated == 0 {
			t.Fatalf("the import by another spelling: %d %.200s", res.StatusCode, res.Body)
		}
		// The same size elsewhere, also with the path written otherwise, and
		// over the import's own limit, over a real connection: refused as
		// soon as the length is read.
		base := e.listen()
		for _, tc := range []struct {
			path string
			size int
		}{
			{"/api/v1/people/match", b.Len()}, {"/api/v1/people/import/x", b.Len()}, {"/api/v1/people/importer", b.Len()},
			{"/api/v1/me", b.Len()}, {api.ImportPath, people.MaxImportBytes + 1}, {"/api/v1/People/Import/", people.MaxImportBytes + 1},
		} {
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: text/csv\r\nContent-Length: %d\r\n\r\nemail", tc.path, tok, tc.size)
			raw, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			body, _ := io.ReadAll(raw.Body)
			raw.Body.Close()
			conn.Close()
			if raw.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s with %d bytes: %d", tc.path, tc.size, raw.StatusCode)
			}
			if e := apiErr(t, &response{Response: raw, Body: string(body)}); e.Code != "too_large" {
				t.Fatalf("%s with %d bytes: code %q", tc.path, tc.size, e.Code)
			}
		}
	})
}
