package api

import (
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
)

// apiConsent is one line of a person's consent history.
type apiConsent struct {
	Given   bool      `json:"given"`
	Version string    `json:"version"`
	Source  string    `json:"source"`
	Purpose string    `json:"purpose"` // to keep the person's data, a guardian's to a minor's place, or to news
	At      time.Time `json:"at"`
}

// PersonFull is a Person as the API answers it one at a time: API.md's
// Person, whether their consent and their consent to news stand, and the
// history of both, newest first.
type PersonFull struct {
	Person
	Consent  bool         `json:"consent"`
	News     bool         `json:"news"`
	Consents []apiConsent `json:"consents"`
}

func toAPIPersonFull(p *people.Profile) PersonFull {
	out := PersonFull{Person: toAPIPerson(&p.Person, p.Tags), Consent: p.Consenting(), News: p.News(), Consents: []apiConsent{}}
	for _, c := range p.Consents {
		out.Consents = append(out.Consents, apiConsent{Given: c.Given, Version: c.Version, Source: c.Source, Purpose: c.Purpose, At: c.At})
	}
	return out
}

// personBody is what POST and PATCH /api/v1/people read: a Person's fields,
// consent and news (true records it given, false withdrawn, as staff heard
// it, with source staff).
// The read-only id and consents are accepted and ignored, so that a GET
// body can be sent back.
type personBody struct {
	people.Input
	ID       *int64          `json:"id"`
	Consent  *bool           `json:"consent"`
	News     *bool           `json:"news"`
	Consents json.RawMessage `json:"consents"`
}

// PersonPath is the API path of a person.
func PersonPath(id int64) string { return "/api/v1/people/" + strconv.FormatInt(id, 10) }

// PersonCreate stores a person written by staff: 201 and the Person; an
// email already known is a 409 on the field email.
func (s *Handlers) PersonCreate(c *fiber.Ctx) error {
	var body personBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	p, err := s.People.Create(c.UserContext(), request.ActorID(c), body.Input,
		body.Consent != nil && *body.Consent, body.News != nil && *body.News)
	if err != nil {
		return err
	}
	c.Location(PersonPath(p.ID))
	return c.Status(fiber.StatusCreated).JSON(toAPIPersonFull(p))
}

// PersonGet returns one person, with tags and consent history.
func (s *Handlers) PersonGet(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.People.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIPersonFull(p))
}

// PersonUpdate changes the fields of a person the body names; the body
// is read over the person as stored (in the same transaction as the save),
// so a field it leaves out keeps its value. consent and news, when given,
// record consent given or withdrawn with the change.
func (s *Handlers) PersonUpdate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.People.Change(c.UserContext(), request.ActorID(c), id, func(in *people.Input) (people.Consents, error) {
		body := personBody{Input: *in}
		if err := request.DecodeJSON(c, &body); err != nil {
			return people.Consents{}, err
		}
		*in = body.Input
		return people.Consents{Data: body.Consent, News: body.News}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(toAPIPersonFull(p))
}

// PeopleCount counts a segment: the filters of apiPeople, {"count": n}.
func (s *Handlers) PeopleCount(c *fiber.Ctx) error {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	filter, err := segments.Parse(v, "lang")
	if err != nil {
		return err
	}
	n, err := s.Segments.Count(c.UserContext(), filter, civil.Of(s.Clock().UTC()))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"count": n})
}

// Segment is a saved segment as the API shows it; count is null when
// it is unknown (see segments.Counted).
type Segment struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Query string `json:"query"`
	Count *int64 `json:"count"`
}

func toAPISegment(x *segments.Counted) Segment {
	return Segment{ID: x.ID, Name: x.Name, Query: x.Query, Count: x.Count}
}

// ListSegments lists the saved segments by name, each with its count.
func (s *Handlers) ListSegments(c *fiber.Ctx) error {
	list, err := s.Segments.ListSaved(c.UserContext(), civil.Of(s.Clock().UTC()))
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPISegment)
}

type SegmentBody struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// SegmentCreate saves a segment: 201 with its count; a name taken in any
// letter case is a 409, a query Parse refuses a 422 on the field query.
func (s *Handlers) SegmentCreate(c *fiber.Ctx) error {
	var body SegmentBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	saved, err := s.Segments.Save(c.UserContext(), request.ActorID(c), body.Name, body.Query)
	if err != nil {
		return err
	}
	counted := s.Segments.CountSaved(c.UserContext(), []segments.Saved{*saved}, civil.Of(s.Clock().UTC()))
	return c.Status(fiber.StatusCreated).JSON(toAPISegment(&counted[0]))
}

// SegmentDelete forgets a saved segment: 204.
func (s *Handlers) SegmentDelete(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Segments.DeleteSaved(c.UserContext(), request.ActorID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
