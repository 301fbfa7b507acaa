package api

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
)

// Person is a Person as API.md shows it: its id, then the fields staff
// write. Sensitive attributes never are part of it.
type Person struct {
	ID int64 `json:"id"`
	people.Input
}

func toAPIPerson(p *people.Person, tags []string) Person {
	return Person{ID: p.ID, Input: people.InputOf(p, tags)}
}

// DefaultPage is the people of a page when limit is not given.
const DefaultPage = 50

// ListPeople lists a segment of people, a page at a time: the filters of
// segments.Params, limit (1–500) and cursor (the next_cursor of the page
// before). An unknown filter or an upside-down range is a 422.
func (s *Handlers) ListPeople(c *fiber.Ctx) error {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	f := apperr.Fields{}
	filter, err := segments.Parse(v, "limit", "cursor", "lang")
	if err != nil {
		return err
	}
	limit, after := DefaultPage, int64(0)
	if s := v.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > segments.MaxPage {
			f.Add("limit", "error_filter_limit", "Max", segments.MaxPage)
		}
	}
	if s := v.Get("cursor"); s != "" {
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			f.Add("cursor", "error_filter_cursor")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	page, err := s.Segments.List(c.UserContext(), filter, civil.Of(s.Clock().UTC()), after, limit)
	if err != nil {
		return err
	}
	items := make([]Person, len(page.People))
	for i := range page.People {
		items[i] = toAPIPerson(&page.People[i], page.Tags[page.People[i].ID])
	}
	var next *string
	if page.Next != 0 {
		n := strconv.FormatInt(page.Next, 10)
		next = &n
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": next})
}

// sensitiveHeader names the columns a sensitive export adds.
var sensitiveHeader = []string{"disability", "minority", "lgbti", "accessibility_needs"}

// PeopleExport sends a segment as CSV; see exportPeople.
func (s *Handlers) PeopleExport(c *fiber.Ctx) error { return s.exportPeople(c) }

// exportPeople sends a segment as CSV (the filters of apiPeople), every
// person of it, never a sensitive attribute; with sensitive=true, and only
// for those who hold PeopleAdmin (403 for anyone else), it adds the
// self-declared sensitive attributes. The export is audited with its count
// and the names of its filters, not their values. The API and the people
// page both answer with it.
func (s *Handlers) exportPeople(c *fiber.Ctx) error {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	sensitive := false
	switch v.Get("sensitive") {
	case "", "false":
	case "true":
		sensitive = true
	default:
		return apperr.Fields{"sensitive": {ID: "error_filter_boolean"}}.Err()
	}
	if sensitive && !s.Can(c, access.PeopleAdmin) {
		return apperr.New(apperr.Forbidden, "error_forbidden")
	}
	filter, err := segments.Parse(v, "lang", "sensitive")
	if err != nil {
		return err
	}
	var extra *segments.Columns
	action := "people.export"
	if sensitive {
		action = "people.export.sensitive"
		extra = &segments.Columns{Header: sensitiveHeader, Cells: s.sensitiveCells}
	}
	var buf bytes.Buffer
	n, err := s.Segments.ExportWith(c.UserContext(), filter, civil.Of(s.Clock().UTC()), &buf, extra)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	if err := s.App.Audit.Record(c.UserContext(), request.ActorID(c), action, "people", "",
		map[string]any{"count": n, "filters": names}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="people.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// sensitiveCells opens the sensitive attributes of a page of people for an
// export: true or false, the needs as written, empty when not declared.
func (s *Handlers) sensitiveCells(ctx context.Context, ids []int64) (map[int64][]string, error) {
	open, err := s.People.OpenSensitiveOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]string, len(open))
	b := func(v *bool) string {
		if v == nil {
			return ""
		}
		return strconv.FormatBool(*v)
	}
	for id, v := range open {
		needs := ""
		if v.AccessibilityNeeds != nil {
			needs = *v.AccessibilityNeeds
		}
		out[id] = []string{b(v.Disability), b(v.Minority), b(v.LGBTI), needs}
	}
	return out, nil
}

type matchBody struct {
	Emails  []string `json:"emails"`
	Handles []string `json:"handles"`
}

// PeopleMatch tells how many of a list of emails and social handles are
// already supporters, and which are not.
func (s *Handlers) PeopleMatch(c *fiber.Ctx) error {
	var body matchBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	if len(body.Emails)+len(body.Handles) > people.MaxMatchValues {
		return apperr.Fields{"emails": {ID: "error_match_too_many", Args: []any{"Max", people.MaxMatchValues}}}.Err()
	}
	res, err := s.People.Match(c.UserContext(), body.Emails, body.Handles)
	if err != nil {
		return err
	}
	values := res.UnmatchedValues
	if values == nil {
		values = []string{}
	}
	return c.JSON(fiber.Map{"matched": res.Matched, "unmatched": res.Unmatched, "unmatched_values": values})
}
