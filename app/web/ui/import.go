package ui

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/csvout"
	"github.com/gotong/gotong/app/people"
)

// Template names of the import and list matching pages.
const (
	tplImportUpload = "people_import"
	tplImportMap    = "people_import_map"
	tplImportReport = "people_import_report"
	tplMatch        = "people_match"
)

// Paths of the import and list matching pages.
const (
	ManageImportPath = "/manage/people/import"
	ManageMatchPath  = "/manage/people/match"
)

// MatchBodyLimit bounds the form of the matching page: people.MaxMatchValues
// emails of a usual length, with room to spare.
const MatchBodyLimit = 8 << 20

// Bounds of what the pages show.
const (
	previewRows      = 5    // records shown under the columns to map
	shownRejections  = 1000 // rejected rows listed in a report
	shownUnmatched   = 100  // unmatched values listed after a match
	maxFilenameRunes = 200
)

// importFieldLabels are the message ids of the fields a column may fill.
var importFieldLabels = map[string]string{
	people.FieldGivenName: "import_f_given_name", people.FieldFamilyName: "import_f_family_name",
	people.FieldEmail: "import_f_email", people.FieldPhone: "import_f_phone", people.FieldBirthYear: "import_f_birth_year",
	people.FieldRegion: "import_f_region", people.FieldLocality: "import_f_locality", people.FieldLocale: "import_f_locale",
	people.FieldHandle: "import_f_handle", people.FieldVolunteer: "import_f_volunteer", people.FieldTags: "import_f_tags",
	people.FieldConsent: "import_f_consent", people.FieldIgnore: "import_ignore",
}

// errorStatus is the status of a domain error, as the error handler maps it.
func errorStatus(err error) int {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		if st, ok := request.StatusOf[ae.Kind]; ok {
			return st
		}
	}
	return fiber.StatusBadRequest
}

// errorText is a domain error in the page's language: the message of its
// one field when it names one (a mapping), else its own.
func errorText(p *request.Page, err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return p.L.T("error_bad_request")
	}
	if len(ae.Fields) > 0 {
		m := ae.Fields[slices.Min(slices.Collect(maps.Keys(ae.Fields)))]
		return p.L.T(m.ID, m.Args...)
	}
	return p.L.T(ae.Message.ID, ae.Message.Args...)
}

// --- Step 1: the upload ---

// importForm shows the upload form; errs are its messages, by field.
func (s *Handlers) importForm(c *fiber.Ctx, status int, form, errs map[string]string) error {
	p := s.Page(c, "import_title", map[string]any{"MaxMB": people.MaxImportBytes >> 20})
	p.Form, p.Errors = form, errs
	return s.Render(c, status, tplImportUpload, p)
}

// ImportPage is the first step of an import: choose a file and the options.
func (s *Handlers) ImportPage(c *fiber.Ctx) error {
	return s.importForm(c, fiber.StatusOK, map[string]string{"on_duplicate": "skip"}, nil)
}

// ImportUpload keeps the posted file for the mapping step, once it reads as
// a CSV file with people under a header, and sends there. A file that does
// not is refused on the form, with the reason.
func (s *Handlers) ImportUpload(c *fiber.Ctx) error {
	form := map[string]string{"on_duplicate": c.FormValue("on_duplicate"), "all_or_nothing": c.FormValue("all_or_nothing")}
	p := s.Page(c, "import_title", nil)
	opts, f := request.ImportOptions(form["on_duplicate"], form["all_or_nothing"])
	errs := map[string]string{}
	for k, m := range f {
		errs[k] = p.L.T(m.ID, m.Args...)
	}
	data, name, status, msg := s.uploadedFile(c, p, people.MaxImportBytes)
	if msg != "" {
		errs["file"] = msg
	} else if _, err := people.PreviewImport(data, 0); err != nil {
		status, errs["file"] = errorStatus(err), errorText(p, err)
	}
	if len(errs) > 0 {
		if len(f) > 0 {
			status = fiber.StatusUnprocessableEntity
		}
		return s.importForm(c, status, form, errs)
	}
	up := &people.ImportUpload{UserID: request.ActorID(c), Filename: name, Data: data, UpdateKnown: opts.Update,
		AllOrNothing: opts.AllOrNothing}
	if err := s.People.SaveUpload(c.UserContext(), up); err != nil {
		return err
	}
	return c.Redirect(importUploadPath(up.ID), fiber.StatusSeeOther)
}

func importUploadPath(id int64) string { return ManageImportPath + "/" + strconv.FormatInt(id, 10) }

// uploadedFile reads the form's file field, at most limit bytes. When there
// is none or it is too large, msg says so, with the status to answer.
func (s *Handlers) uploadedFile(c *fiber.Ctx, p *request.Page, limit int) (data []byte, name string, status int, msg string) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, "", fiber.StatusUnprocessableEntity, p.L.T("import_error_no_file")
	}
	if fh.Size == 0 {
		return nil, "", fiber.StatusBadRequest, p.L.T("import_error_empty")
	}
	if fh.Size > int64(limit) {
		return nil, "", fiber.StatusRequestEntityTooLarge, p.L.T("import_error_too_large", "Max", limit>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", fiber.StatusBadRequest, p.L.T("error_bad_request")
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil || len(data) > limit {
		return nil, "", fiber.StatusBadRequest, p.L.T("error_bad_request")
	}
	name = filepath.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if !utf8.ValidString(name) {
		name = ""
	}
	if r := []rune(name); len(r) > maxFilenameRunes {
		name = string(r[:maxFilenameRunes])
	}
	return data, name, fiber.StatusOK, ""
}

// --- Step 2: the columns ---

// importColumn is a column of the file with the choice of its field.
type importColumn struct {
	Index   int
	Name    string
	Options []option
}

type importMapData struct {
	Action   string
	Filename string
	Rows     string // how many rows, in words
	Columns  []importColumn
	Preview  [][]string
	Check    *importCheckData // what the posted columns would import, once checked
}

// importCheckData is an import checked before it is confirmed.
type importCheckData struct {
	Ready    string // the rows ready, in words
	Rejected string // the rows rejected, in words
	Rows     []request.Rejection
	More     string // the rejected rows not listed, in words
}

// importMapForm shows the columns of upload up, each with its field as
// form says (map_<index>), the first records, and the options; check, when
// not nil, is what an import with those columns would do.
func (s *Handlers) importMapForm(c *fiber.Ctx, status int, up *people.ImportUpload, form map[string]string, alert string,
	check *people.ImportCheck) error {
	preview, err := people.PreviewImport(up.Data, previewRows)
	if err != nil {
		return err
	}
	p := s.Page(c, "import_map_title", nil)
	data := importMapData{Action: importUploadPath(up.ID), Filename: up.Filename,
		Rows: p.L.Plural("import_rows_in_file", preview.Count), Preview: preview.Rows}
	choices := append([]string{people.FieldIgnore}, people.ImportFields...)
	for i, name := range preview.Header {
		chosen := form["map_"+strconv.Itoa(i)]
		data.Columns = append(data.Columns, importColumn{Index: i, Name: name, Options: options(choices, importFieldLabels, p, chosen)})
	}
	// Rows as long as the header, so the table's columns line up.
	for i, row := range data.Preview {
		if len(row) < len(preview.Header) {
			data.Preview[i] = append(row, make([]string, len(preview.Header)-len(row))...)
		}
	}
	if check != nil {
		l := p.L
		data.Check = &importCheckData{Ready: l.Plural("import_ready", check.Ready),
			Rejected: l.Plural("import_rejected", len(check.Rejected)),
			Rows:     request.ToImportReport(l, &people.ImportReport{Rejected: check.Rejected}).Rejected}
		if n := len(data.Check.Rows); n > shownRejections {
			data.Check.Rows, data.Check.More = data.Check.Rows[:shownRejections], l.Plural("import_rejected_more", n-shownRejections)
		}
	}
	p.Data, p.Form, p.ErrorMsg = data, form, alert
	return s.Render(c, status, tplImportMap, p)
}

// ownUpload reads the :id upload of the signed-in user.
func (s *Handlers) ownUpload(c *fiber.Ctx) (*people.ImportUpload, error) {
	id, err := request.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.People.Upload(c.UserContext(), id, request.ActorID(c))
}

// ImportMapping is the second step: each column pre-set to the field of its
// name, or to ignore.
func (s *Handlers) ImportMapping(c *fiber.Ctx) error {
	up, err := s.ownUpload(c)
	if err != nil {
		return err
	}
	header, err := people.ImportHeader(up.Data)
	if err != nil {
		return err
	}
	form := map[string]string{"on_duplicate": "skip"}
	if up.UpdateKnown {
		form["on_duplicate"] = "update"
	}
	if up.AllOrNothing {
		form["all_or_nothing"] = "true"
	}
	for i, field := range people.GuessFields(header) {
		if field == "" {
			field = people.FieldIgnore
		}
		form["map_"+strconv.Itoa(i)] = field
	}
	return s.importMapForm(c, fiber.StatusOK, up, form, "", nil)
}

// --- Step 3: the import and its report ---

type importReportData struct {
	Counts   []string // created, updated, skipped, rejected, in words
	Rejected []request.Rejection
	More     string // the rejected rows not listed, in words
	Nothing  bool   // all or nothing was asked and rows were rejected
	Back     string // the mapping step, while its upload lasts
}

// ImportRun checks the upload with the posted columns and options and
// shows what an import would take and refuse, with the columns again; only
// when the import is confirmed (step=import) does it import, and show the
// report. A mapping that does not fit the file shows the columns again
// with the reason; rejected rows under all or nothing show the report
// (422) with a way back to the columns, the upload being kept.
func (s *Handlers) ImportRun(c *fiber.Ctx) error {
	up, err := s.ownUpload(c)
	if err != nil {
		return err
	}
	header, err := people.ImportHeader(up.Data)
	if err != nil {
		return err
	}
	form := map[string]string{"on_duplicate": c.FormValue("on_duplicate"), "all_or_nothing": c.FormValue("all_or_nothing")}
	m := people.Mapping{}
	for i, name := range header {
		k := "map_" + strconv.Itoa(i)
		form[k] = c.FormValue(k, people.FieldIgnore)
		m[name] = form[k]
	}
	opts, f := request.ImportOptions(form["on_duplicate"], form["all_or_nothing"])
	if err := f.Err(); err != nil {
		return s.importMapForm(c, fiber.StatusUnprocessableEntity, up, form, errorText(s.Page(c, "import_map_title", nil), err), nil)
	}
	badFile := func(err error) bool {
		var ae *apperr.Error
		return errors.As(err, &ae) && (ae.Kind == apperr.Invalid || ae.Kind == apperr.Malformed)
	}
	if c.FormValue("step") != "import" {
		check, err := s.People.CheckImport(up.Data, m)
		if badFile(err) {
			return s.importMapForm(c, errorStatus(err), up, form, errorText(s.Page(c, "import_map_title", nil), err), nil)
		}
		if err != nil {
			return err
		}
		return s.importMapForm(c, fiber.StatusOK, up, form, "", &check)
	}
	opts.Mapping, opts.ActorID, opts.UploadID = m, request.ActorID(c), up.ID
	rep, err := s.People.Import(c.UserContext(), up.Data, opts)
	rejected := errors.Is(err, people.ErrImportRejected)
	if err != nil && !rejected && badFile(err) {
		return s.importMapForm(c, errorStatus(err), up, form, errorText(s.Page(c, "import_map_title", nil), err), nil)
	}
	if err != nil && !rejected {
		return err
	}
	p := s.Page(c, "import_report_title", nil)
	l := p.L
	report := request.ToImportReport(l, &rep)
	data := importReportData{Nothing: rejected,
		Counts: []string{l.Plural("import_created", rep.Created), l.Plural("import_updated", rep.Updated),
			l.Plural("import_skipped", rep.Skipped), l.Plural("import_rejected", len(rep.Rejected))}}
	if rejected {
		data.Back = importUploadPath(up.ID)
	}
	data.Rejected = report.Rejected
	if n := len(data.Rejected); n > shownRejections {
		data.Rejected, data.More = data.Rejected[:shownRejections], l.Plural("import_rejected_more", n-shownRejections)
	}
	p.Data = data
	status := fiber.StatusOK
	if rejected {
		status = fiber.StatusUnprocessableEntity
	}
	return s.Render(c, status, tplImportReport, p)
}

// --- List matching ---

type matchData struct {
	Done      bool
	Matched   string // in words
	Unmatched string
	Values    []string // the first unmatched values
	Shown     string   // how many are listed, in words, when not all are
}

// MatchPage shows the list matching form.
func (s *Handlers) MatchPage(c *fiber.Ctx) error {
	return s.Render(c, fiber.StatusOK, tplMatch, s.Page(c, "match_title", matchData{}))
}

// MatchList matches the pasted list (field list) and the uploaded file
// (field file) against the people database, and shows how many are known,
// or, with format=csv, sends the unmatched values as CSV: the download
// posts the same form again, so nothing is kept on the server.
func (s *Handlers) MatchList(c *fiber.Ctx) error {
	p := s.Page(c, "match_title", matchData{})
	form := map[string]string{"list": c.FormValue("list")}
	errs := map[string]string{}
	status := fiber.StatusUnprocessableEntity
	var emails, handles []string
	add := func(field string, data []byte) {
		e, h, err := people.SplitMatchList(data)
		if err != nil {
			status, errs[field] = errorStatus(err), errorText(p, err)
			return
		}
		emails, handles = append(emails, e...), append(handles, h...)
	}
	if strings.TrimSpace(form["list"]) != "" {
		add("list", []byte(form["list"]))
	}
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		data, _, st, msg := s.uploadedFile(c, p, MatchBodyLimit)
		if msg != "" {
			status, errs["file"] = st, msg
		} else {
			add("file", data)
		}
	}
	switch n := len(emails) + len(handles); {
	case len(errs) > 0:
	case n == 0:
		errs["list"] = p.L.T("match_error_empty")
	case n > people.MaxMatchValues:
		errs["list"] = p.L.T("error_match_too_many", "Max", p.L.Number(people.MaxMatchValues))
	}
	if len(errs) > 0 {
		p.Form, p.Errors = form, errs
		return s.Render(c, status, tplMatch, p)
	}
	res, err := s.People.Match(c.UserContext(), emails, handles)
	if err != nil {
		return err
	}
	if c.FormValue("format") == "csv" {
		return sendUnmatched(c, res.UnmatchedValues)
	}
	data := matchData{Done: true, Matched: p.L.Plural("match_matched", res.Matched),
		Unmatched: p.L.Plural("match_unmatched", res.Unmatched), Values: res.UnmatchedValues}
	if len(data.Values) > shownUnmatched {
		data.Values, data.Shown = data.Values[:shownUnmatched], p.L.Plural("match_unmatched_first", shownUnmatched)
	}
	p.Data, p.Form = data, form
	return s.Render(c, fiber.StatusOK, tplMatch, p)
}

// sendUnmatched sends values as a CSV file of one column.
func sendUnmatched(c *fiber.Ctx, values []string) error {
	var buf bytes.Buffer
	w := csvout.NewWriter(&buf)
	_ = w.Write([]string{"value"})
	for _, v := range values {
		_ = w.Write([]string{v})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="unmatched.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
