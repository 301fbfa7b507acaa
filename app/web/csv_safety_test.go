package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/csvout"
	"github.com/gotong/gotong/app/web/ui"
)

// formulaName would be two cells for a spreadsheet that splits on ';', the
// second a formula.
const formulaName = "Ana;=1+1"

// readCSVBoth reads a downloaded CSV as spreadsheets do, with ',' and with
// ';': no cell, read either way, may start a formula; read with ',' one cell
// must be want once its apostrophes are undone.
func readCSVBoth(t *testing.T, what string, res *response, want string) {
	t.Helper()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: %d %s", what, res.StatusCode, res.Body)
	}
	body, ok := strings.CutPrefix(res.Body, "\ufeff")
	if !ok {
		t.Fatalf("%s has no byte-order mark", what)
	}
	found := false
	for _, comma := range []rune{',', ';'} {
		r := csv.NewReader(strings.NewReader(body))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = comma, -1, comma == ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s read with %q: %v", what, comma, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s read with %q has a cell that starts a formula: %q", what, comma, cell)
				}
				if comma == ',' && cell != want && csvout.Unneutralize(cell) == want {
					found = true
				}
			}
		}
	}
	if !found {
		t.Errorf("%s does not hold %q, neutralised:\n%s", what, want, body)
	}
}

// TestCSVSafeWithEitherSeparator: a name that is a formula after a ';'
// leaves the people export, a report and the unmatched list neutralised for
// spreadsheets that split on ',' and on ';'.
func TestCSVSafeWithEitherSeparator(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		res := c.api("POST", "/api/v1/people", tok, `{"given_name": "`+formulaName+`", "email": "ana@example.org", "tags": ["privacy"]}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("person: %d %s", res.StatusCode, res.Body)
		}
		readCSVBoth(t, "API people export", c.api("GET", "/api/v1/people/export", tok, ""), formulaName)
		campCreate(t, c, tok, `{"title": {"en": "`+formulaName+`"}}`)
		c.login("coord@example.org")
		readCSVBoth(t, "people export page", c.get("/manage/people/export"), formulaName)
		readCSVBoth(t, "campaigns report", c.get("/manage/reports/campaigns.csv"), formulaName)
		c.get(ui.ManageMatchPath)
		res = c.postFile(ui.ManageMatchPath, url.Values{"list": {`"` + formulaName + `"`}, "format": {"csv"}}, "", "")
		readCSVBoth(t, "unmatched list", res, formulaName)
		if !slices.Contains(strings.Split(res.Body, "\n"), `"Ana;'=1+1"`) {
			t.Errorf("unmatched list %q", res.Body)
		}
	})
}
