package api

import (
	"errors"
	"slices"
	"strings"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
)

// ImportPath is the import of the JSON API; its body limit is
// people.MaxImportBytes (see body_limits.go).
const ImportPath = "/api/v1/people/import"

// csvTypes are the content types an import body may declare.
var csvTypes = []string{"text/csv", "application/csv", "text/plain"}

// PeopleImport imports the people of a CSV body (API.md). The query
// takes map, on_duplicate and all_or_nothing; a rejected row under
// all_or_nothing makes a 422 whose body is both an error and the report.
func (s *Handlers) PeopleImport(c *fiber.Ctx) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	// A compressed body never gets here: refuseEncodedBody answers it.
	if ct != "" && !slices.Contains(csvTypes, strings.TrimSpace(ct)) {
		return apperr.New(apperr.Malformed, "import_error_content_type")
	}
	opts, f := request.ImportOptions(c.Query("on_duplicate"), c.Query("all_or_nothing"))
	if err := f.Err(); err != nil {
		return err
	}
	m, err := people.ParseMapping(c.Query("map"))
	if err != nil {
		return err
	}
	opts.Mapping, opts.ActorID = m, request.ActorID(c)
	rep, err := s.People.Import(c.UserContext(), c.Request().Body(), opts)
	l := s.Localizer(c)
	if errors.Is(err, people.ErrImportRejected) {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(struct {
			Error request.APIErrorBody `json:"error"`
			request.ImportReport
		}{request.APIErrorBody{Code: request.ErrorCodes[fiber.StatusUnprocessableEntity].Code, Message: l.T("import_error_rejected")},
			request.ToImportReport(l, &rep)})
	}
	if err != nil {
		return err
	}
	return c.JSON(request.ToImportReport(l, &rep))
}
