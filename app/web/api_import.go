package web

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/people"
)

// apiImportPath is the import of the JSON API; its body limit is
// people.MaxImportBytes (see body_limits.go).
const apiImportPath = "/api/v1/people/import"

// apiImportReport is an import's report as API.md shows it.
type apiImportReport struct {
	Created  int            `json:"created"`
	Updated  int            `json:"updated"`
	Skipped  int            `json:"skipped"`
	Rejected []apiRejection `json:"rejected"`
}

type apiRejection struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// rejectionReason is why a row was rejected, in l's language: the reason
// of the row, or each bad field as "field: message", in ImportFields'
// order.
func rejectionReason(l *i18n.Localizer, r *people.Rejection) string {
	if r.Reason.ID != "" {
		return l.T(r.Reason.ID, r.Reason.Args...)
	}
	parts := make([]string, 0, len(r.Fields))
	for _, f := range people.ImportFields {
		if m, ok := r.Fields[f]; ok {
			parts = append(parts, f+": "+l.T(m.ID, m.Args...))
		}
	}
	return strings.Join(parts, "; ")
}

func toAPIImportReport(l *i18n.Localizer, rep *people.ImportReport) apiImportReport {
	out := apiImportReport{Created: rep.Created, Updated: rep.Updated, Skipped: rep.Skipped,
		Rejected: make([]apiRejection, len(rep.Rejected))}
	for i := range rep.Rejected {
		out.Rejected[i] = apiRejection{Line: rep.Rejected[i].Line, Reason: rejectionReason(l, &rep.Rejected[i])}
	}
	return out
}

// importOptions reads the options of an import: on_duplicate (skip, the
// default, or update) and all_or_nothing (false or true).
func importOptions(onDuplicate, allOrNothing string) (people.ImportOptions, apperr.Fields) {
	var opts people.ImportOptions
	f := apperr.Fields{}
	switch onDuplicate {
	case "", "skip":
	case "update":
		opts.Update = true
	default:
		f.Add("on_duplicate", "import_error_on_duplicate")
	}
	switch allOrNothing {
	case "", "false":
	case "true":
		opts.AllOrNothing = true
	default:
		f.Add("all_or_nothing", "import_error_all_or_nothing")
	}
	return opts, f
}

// csvTypes are the content types an import body may declare.
var csvTypes = []string{"text/csv", "application/csv", "text/plain"}

// apiPeopleImport imports the people of a CSV body (API.md). The query
// takes map, on_duplicate and all_or_nothing; a rejected row under
// all_or_nothing makes a 422 whose body is both an error and the report.
func (s *Server) apiPeopleImport(c *fiber.Ctx) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	// A compressed body never gets here: refuseEncodedBody answers it.
	if ct != "" && !slices.Contains(csvTypes, strings.TrimSpace(ct)) {
		return apperr.New(apperr.Malformed, "import_error_content_type")
	}
	opts, f := importOptions(c.Query("on_duplicate"), c.Query("all_or_nothing"))
	if err := f.Err(); err != nil {
		return err
	}
	m, err := people.ParseMapping(c.Query("map"))
	if err != nil {
		return err
	}
	opts.Mapping, opts.ActorID = m, actorID(c)
	rep, err := s.people.Import(c.UserContext(), c.Request().Body(), opts)
	l := s.localizer(c)
	if errors.Is(err, people.ErrImportRejected) {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(struct {
			Error apiErrorBody `json:"error"`
			apiImportReport
		}{apiErrorBody{Code: errorCodes[fiber.StatusUnprocessableEntity].code, Message: l.T("import_error_rejected")},
			toAPIImportReport(l, &rep)})
	}
	if err != nil {
		return err
	}
	return c.JSON(toAPIImportReport(l, &rep))
}
