package web

import (
	"bytes"
	"encoding/csv"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/ui"
)

// postFile posts a multipart form as a browser would: the fields, the CSRF
// token of the last page, and a file field "file" (none when name is "").
func (c *client) postFile(path string, fields url.Values, name, content string) *response {
	c.e.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if _, ok := fields["_csrf"]; !ok {
		_ = w.WriteField("_csrf", c.cookies["gotong_csrf"])
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if name != "" {
		f, _ := w.CreateFormFile("file", name)
		_, _ = f.Write([]byte(content))
	}
	_ = w.Close()
	return c.do(httpRequest(http.MethodPost, path, b.String(), w.FormDataContentType()))
}

var uploadPath = regexp.MustCompile(`^/manage/people/import/(\d+)$`)

// upload sends a file through the first step and returns the path of the
// mapping step it redirects to.
func (c *client) upload(content string, fields url.Values) string {
	c.e.t.Helper()
	c.get(ui.ManageImportPath)
	res := c.postFile(ui.ManageImportPath, fields, "people.csv", content)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !uploadPath.MatchString(loc) {
		c.e.t.Fatalf("upload: %d to %q %.300s", res.StatusCode, loc, res.Body)
	}
	return loc
}

// selected is the value chosen in select name of a page.
func selected(body, name string) string {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[:strings.Index(rest, "</select>")]
	m := regexp.MustCompile(`<option value="([a-z_]+)" selected>`).FindStringSubmatch(rest)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestImportPages: the three steps of an import, refusals on each step in
// the user's language, and an upload only its uploader reaches, once.
func TestImportPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("coord@example.org", access.Coordinator)
		e.user("other@example.org", access.Coordinator)
		e.user("partner@example.org", access.Partner)
		e.user("facil@example.org", access.Facilitator)
		c := e.client()
		c.login("coord@example.org")
		fr := e.srv.Catalog.Localizer("fr")

		// Step 1 refuses, on the form and in French, what cannot be imported.
		page := c.get(ui.ManageImportPath + "?lang=fr")
		if page.StatusCode != 200 || !strings.Contains(page.Body, `enctype="multipart/form-data"`) || pageLang(page.Body) != "fr" {
			t.Fatalf("upload form: %d", page.StatusCode)
		}
		for _, tc := range []struct {
			name, file string
			status     int
			msg        string
		}{
			{"", "", 422, fr.T("import_error_no_file")},
			{"empty.csv", "", 400, fr.T("import_error_empty")},
			{"a.csv", "email,given_name\nb@example.org,B\nc@example.org,\xc7\xe0\n", 400, fr.T("import_error_encoding", "Line", 3)},
			{"a.csv", "email,given_name\n\"a@example.org,A\n", 400, fr.T("import_error_csv", "Line", 2)},
			{"a.csv", "email,given_name\n", 400, fr.T("import_error_no_rows")},
		} {
			before := e.importState()
			res := c.postFile(ui.ManageImportPath, nil, tc.name, tc.file)
			if res.StatusCode != tc.status || !strings.Contains(html.UnescapeString(res.Body), tc.msg) {
				t.Errorf("upload %q: %d, want %d and %q", tc.file, res.StatusCode, tc.status, tc.msg)
			}
			if e.importState() != before {
				t.Errorf("upload %q was kept", tc.file)
			}
		}
		// Too large a file is refused by the form, with the limit named.
		big := "email,given_name\n" + strings.Repeat("x", people.MaxImportBytes)
		if res := c.postFile(ui.ManageImportPath, nil, "big.csv", big); res.StatusCode != http.StatusRequestEntityTooLarge ||
			!strings.Contains(html.UnescapeString(res.Body), fr.T("import_error_too_large", "Max", 32)) {
			t.Errorf("a large file: %d", res.StatusCode)
		}
		c.get(ui.ManageImportPath + "?lang=en")

		// Step 2: the columns, each pre-set by its name.
		file := "E-mail,Given Name,Prénom usuel,notes\r\n" +
			"saraa@example.org,Saraa,Сараа,\r\n" + // 2
			"bad-address,Bat,Бат,\r\n" + // 3
			"dewi@example.org,Dewi,,\r\n" + // 4
			"saraa@example.org,Again,Саруул,\r\n" // 5
		mapping := c.upload(file, url.Values{"on_duplicate": {"update"}})
		page = c.get(mapping)
		if page.StatusCode != 200 || selected(page.Body, "map_0") != "email" || selected(page.Body, "map_1") != "given_name" ||
			selected(page.Body, "map_2") != "ignore" || !strings.Contains(page.Body, "Сараа") ||
			!strings.Contains(page.Body, `value="update" id="f-on_duplicate-update" checked`) {
			t.Fatalf("mapping page: %d %s", page.StatusCode, page.Body)
		}
		// Nobody else reaches the upload: another coordinator, a partner, a
		// facilitator.
		for _, email := range []string{"other@example.org", "partner@example.org", "facil@example.org"} {
			o := e.client()
			o.login(email)
			if res := o.get(mapping); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reaches the upload: %d", email, res.StatusCode)
			}
			if res := o.get(mapping); email == "other@example.org" && res.StatusCode != http.StatusNotFound {
				t.Errorf("another coordinator: %d, want 404", res.StatusCode)
			}
		}
		// A mapping without email shows the columns again, with the reason.
		before := e.importState()
		res := c.postForm(mapping, url.Values{"map_0": {"ignore"}, "map_1": {"given_name"}, "map_2": {"ignore"}, "map_3": {"ignore"}})
		if res.StatusCode != 422 || !strings.Contains(html.UnescapeString(res.Body), e.srv.Catalog.Localizer("en").T("import_error_no_email")) {
			t.Fatalf("no email: %d", res.StatusCode)
		}
		// Checking the columns imports nothing: it shows what would be
		// imported and what refused, each refusal beside its cell, and the
		// button that confirms.
		en := e.srv.Catalog.Localizer("en")
		res = c.postForm(mapping, url.Values{"map_0": {"email"}, "map_1": {"ignore"}, "map_2": {"given_name"}, "map_3": {"ignore"},
			"step": {"check"}})
		body := html.UnescapeString(res.Body)
		if res.StatusCode != 200 || !strings.Contains(body, en.Plural("import_ready", 1)) || !strings.Contains(body, en.Plural("import_rejected", 3)) ||
			!strings.Contains(body, `<td class="num">3</td><td>email: `+en.T("error_email_invalid")+`</td><td><span class="cell-value">email: <code>bad-address</code>`) ||
			!strings.Contains(body, `name="step" value="import"`) || selected(body, "map_2") != "given_name" {
			t.Fatalf("check: %d %s", res.StatusCode, body)
		}
		if e.importState() != before {
			t.Fatal("a check wrote")
		}
		// A form posted without its step is checked, not imported.
		if res := c.postForm(mapping, url.Values{"map_0": {"email"}, "map_2": {"given_name"}}); res.StatusCode != 200 || e.importState() != before {
			t.Fatalf("no step: %d", res.StatusCode)
		}
		// All or nothing with a bad row: the report, nothing written, and the
		// upload kept for another try.
		res = c.postForm(mapping, url.Values{"map_0": {"email"}, "map_1": {"ignore"}, "map_2": {"given_name"}, "map_3": {"ignore"},
			"all_or_nothing": {"true"}, "step": {"import"}})
		if res.StatusCode != 422 || !strings.Contains(res.Body, `id="import-nothing"`) || !strings.Contains(res.Body, `href="`+mapping+`"`) {
			t.Fatalf("all or nothing: %d %s", res.StatusCode, res.Body)
		}
		if e.importState() != before {
			t.Fatal("a refused import wrote")
		}
		// Step 3: the import and its report.
		res = c.postForm(mapping, url.Values{"map_0": {"email"}, "map_1": {"ignore"}, "map_2": {"given_name"}, "map_3": {"ignore"},
			"on_duplicate": {"skip"}, "step": {"import"}})
		body = html.UnescapeString(res.Body)
		if res.StatusCode != 200 || !strings.Contains(body, en.Plural("import_created", 1)) ||
			!strings.Contains(body, en.Plural("import_rejected", 3)) ||
			!strings.Contains(body, `<td class="num">3</td><td>email: `+en.T("error_email_invalid")) ||
			!strings.Contains(body, `<td class="num">4</td><td>given_name: `+en.T("error_required")) ||
			!strings.Contains(body, `<td class="num">5</td><td>`+en.T("import_error_same_email", "Line", 2)) {
			t.Fatalf("report: %d %s", res.StatusCode, body)
		}
		var name string
		e.db.Raw("SELECT given_name FROM people WHERE email = 'saraa@example.org'").Scan(&name)
		if name != "Сараа" {
			t.Fatalf("imported name %q", name)
		}
		// The upload went with its import: a second click finds nothing.
		before = e.importState()
		if res := c.postForm(mapping, url.Values{"map_0": {"email"}, "map_2": {"given_name"}, "step": {"import"}}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("second click: %d", res.StatusCode)
		}
		if res := c.get(mapping); res.StatusCode != http.StatusNotFound {
			t.Fatalf("imported upload: %d", res.StatusCode)
		}
		if e.importState() != before {
			t.Fatal("the second click wrote")
		}
		// Who may not write people may not import.
		p := e.client()
		p.login("facil@example.org")
		if res := p.get(ui.ManageImportPath); res.StatusCode != http.StatusForbidden {
			t.Fatalf("facilitator: %d", res.StatusCode)
		}
	})
}

// TestMatchPage: a pasted list and a file are matched, the counts shown,
// and the unmatched downloaded as CSV with formulas neutralised.
func TestMatchPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("coord@example.org", access.Coordinator)
		e.user("partner@example.org", access.Partner)
		if _, err := e.srv.People.Import(t.Context(), []byte("email,given_name,handle\nsaraa@example.org,Saraa,@saraa\nbat@example.org,Bat,\n"),
			people.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("coord@example.org")
		en := e.srv.Catalog.Localizer("en")
		c.get(ui.ManageMatchPath)
		list := "SARAA@example.org\n@new_one\n=HYPERLINK(\"http://evil\")\n"
		file := "email,name\nbat@example.org,Bat\n+nobody@example.org,N\nsaraa,Saraa\n"
		res := c.postFile(ui.ManageMatchPath, url.Values{"list": {list}}, "list.csv", file)
		body := html.UnescapeString(res.Body)
		if res.StatusCode != 200 || !strings.Contains(body, en.Plural("match_matched", 3)) || !strings.Contains(body, en.Plural("match_unmatched", 3)) ||
			!strings.Contains(body, "@new_one") {
			t.Fatalf("match: %d %s", res.StatusCode, body)
		}
		// The download: the same form with format=csv.
		res = c.postFile(ui.ManageMatchPath, url.Values{"list": {list}, "format": {"csv"}}, "list.csv", file)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r[0])
		}
		want := []string{"value", "'+nobody@example.org", `'=HYPERLINK("http://evil")`, "'@new_one"}
		slices.Sort(got[1:])
		if !slices.Equal(got, want) {
			t.Fatalf("unmatched CSV %q, want %q", got, want)
		}
		// Refusals: nothing given; a file that is not UTF-8; too many values.
		for _, tc := range []struct {
			list, file string
			msg        string
		}{
			{"", "", en.T("match_error_empty")},
			{"", "a@example.org\n\xc7\xe0\n", en.T("import_error_encoding", "Line", 2)},
			{strings.Repeat("x\n", people.MaxMatchValues+1), "", en.T("error_match_too_many", "Max", en.Number(people.MaxMatchValues))},
		} {
			name := ""
			if tc.file != "" {
				name = "list.txt"
			}
			res := c.postFile(ui.ManageMatchPath, url.Values{"list": {tc.list}}, name, tc.file)
			if res.StatusCode < 400 || res.StatusCode > 422 || !strings.Contains(html.UnescapeString(res.Body), tc.msg) {
				t.Errorf("list %.20q, file %q: %d, want the message %q", tc.list, tc.file, res.StatusCode, tc.msg)
			}
		}
		// A partner member may not match.
		p := e.client()
		p.login("partner@example.org")
		if res := p.get(ui.ManageMatchPath); res.StatusCode != http.StatusForbidden {
			t.Fatalf("partner: %d", res.StatusCode)
		}
	})
}
