package api

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/web/request"
)

// Mailing is a Mailing as API.md shows it. Reach and Links are only in the
// answers about one mailing, not in the list.
type Mailing struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	Subject     map[string]string `json:"subject"`
	Body        map[string]string `json:"body"`
	SegmentID   *int64            `json:"segment_id"`
	Query       string            `json:"query"`
	Status      string            `json:"status"`
	ScheduledAt *time.Time        `json:"scheduled_at"`
	StartedAt   *time.Time        `json:"started_at"`
	FinishedAt  *time.Time        `json:"finished_at"`
	Counts      MailingCounts     `json:"counts"`
}

// MailingCounts are where a mailing's messages are (mailings.Counts).
type MailingCounts struct {
	Recipients   int64 `json:"recipients"`
	Queued       int64 `json:"queued"`
	Sent         int64 `json:"sent"`
	Failed       int64 `json:"failed"`
	Skipped      int64 `json:"skipped"`
	Unsubscribed int64 `json:"unsubscribed"`
	Clicks       int64 `json:"clicks"`
}

// MailingFull is one mailing: a Mailing, how many it would reach if it
// started now (null once it has started, or when its segment no longer
// reads), and its counted links with their visits by language.
type MailingFull struct {
	Mailing
	Reach *int64        `json:"reach"`
	Links []MailingLink `json:"links"`
}

// MailingLink is a counted link of a mailing: visits, never visitors.
type MailingLink struct {
	URL      string           `json:"url"`
	Clicks   int64            `json:"clicks"`
	ByLocale map[string]int64 `json:"by_locale"`
}

// MailingPath is the API path of a mailing.
func MailingPath(id int64) string { return "/api/v1/mailings/" + strconv.FormatInt(id, 10) }

func toAPIMailing(m *mailings.Mailing, c mailings.Counts) Mailing {
	out := Mailing{ID: m.ID, Name: m.Name, Subject: map[string]string{}, Body: map[string]string{},
		SegmentID: m.SegmentID, Query: m.Query, Status: m.Status,
		ScheduledAt: utcPtr(m.ScheduledAt), StartedAt: utcPtr(m.StartedAt), FinishedAt: utcPtr(m.FinishedAt),
		Counts: MailingCounts{Recipients: c.Recipients, Queued: c.Queued, Sent: c.Sent, Failed: c.Failed,
			Skipped: c.Skipped, Unsubscribed: c.Unsubscribed, Clicks: c.Clicks}}
	for _, t := range m.Texts {
		out.Subject[t.Locale] = t.Subject
		out.Body[t.Locale] = t.Body
	}
	return out
}

// mailingFull reads what one mailing's answer holds besides the mailing.
func (s *Handlers) mailingFull(c *fiber.Ctx, m *mailings.Mailing) (MailingFull, error) {
	ctx := c.UserContext()
	counts, err := s.Mailings.Counts(ctx, m.ID)
	if err != nil {
		return MailingFull{}, err
	}
	out := MailingFull{Mailing: toAPIMailing(m, counts), Links: []MailingLink{}}
	if m.Status == mailings.StatusDraft || m.Status == mailings.StatusScheduled {
		n, err := s.Mailings.Reach(ctx, m)
		var ae *apperr.Error
		switch {
		case errors.As(err, &ae) && ae.Kind == apperr.Invalid, errors.Is(err, apperr.ErrTimeout):
			// Its segment no longer reads, or counting took too long:
			// sending says so; reading it is no error.
		case err != nil:
			return MailingFull{}, err
		default:
			out.Reach = &n
		}
	}
	links, err := s.Mailings.Links(ctx, m.ID)
	if err != nil {
		return MailingFull{}, err
	}
	for _, l := range links {
		out.Links = append(out.Links, MailingLink{URL: l.URL, Clicks: l.Total, ByLocale: l.ByLocale})
	}
	return out, nil
}

// sendMailing answers one mailing with status.
func (s *Handlers) sendMailing(c *fiber.Ctx, status int, m *mailings.Mailing) error {
	full, err := s.mailingFull(c, m)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(full)
}

// mailingBody is a Mailing as a client sends it; a field left out is kept
// (PATCH). In subject and body a language given is set and a language left
// out kept; an empty subject and body together remove a language.
// segment_id and query together say whom it goes to, so giving either
// replaces both. The id may only be repeated as it is, and the read-only
// fields are accepted and ignored, so that a GET body can be sent back:
// the status changes by /send and /cancel only.
type mailingBody struct {
	ID        *int64            `json:"id"`
	Name      *string           `json:"name"`
	Subject   map[string]string `json:"subject"`
	Body      map[string]string `json:"body"`
	SegmentID json.RawMessage   `json:"segment_id"` // nil when left out, "null" when given as null
	Query     *string           `json:"query"`

	Status      json.RawMessage `json:"status"`
	ScheduledAt json.RawMessage `json:"scheduled_at"`
	StartedAt   json.RawMessage `json:"started_at"`
	FinishedAt  json.RawMessage `json:"finished_at"`
	Counts      json.RawMessage `json:"counts"`
	Reach       json.RawMessage `json:"reach"`
	Links       json.RawMessage `json:"links"`
}

// input lays b over cur (the mailing as stored; nil for a new one) and
// returns the whole mailing as the service takes it.
func (b *mailingBody) input(id int64, cur *mailings.Mailing) (mailings.Input, error) {
	if b.ID != nil && *b.ID != id {
		return mailings.Input{}, apperr.Fields{"id": {ID: "error_read_only"}}.Err()
	}
	in := mailings.Input{Subject: map[string]string{}, Body: map[string]string{}}
	if cur != nil {
		in.Name, in.SegmentID, in.Query = cur.Name, cur.SegmentID, cur.Query
		for _, t := range cur.Texts {
			in.Subject[t.Locale], in.Body[t.Locale] = t.Subject, t.Body
		}
	}
	if b.Name != nil {
		in.Name = *b.Name
	}
	for lang, v := range b.Subject {
		in.Subject[lang] = v
	}
	for lang, v := range b.Body {
		in.Body[lang] = v
	}
	if b.SegmentID != nil || b.Query != nil {
		in.SegmentID, in.Query = nil, ""
		if b.SegmentID != nil {
			if err := json.Unmarshal(b.SegmentID, &in.SegmentID); err != nil {
				return mailings.Input{}, apperr.New(apperr.Malformed, "error_json_malformed")
			}
		}
		if b.Query != nil {
			in.Query = *b.Query
		}
	}
	return in, nil
}

// ListMailings lists every mailing, the newest first, with its counts.
func (s *Handlers) ListMailings(c *fiber.Ctx) error {
	f := apperr.Fields{}
	f.RefuseUnknown(queryNames(c), "lang")
	if err := f.Err(); err != nil {
		return err
	}
	list, err := s.Mailings.List(c.UserContext())
	if err != nil {
		return err
	}
	return sendItems(c, list, func(x *mailings.Summary) Mailing { return toAPIMailing(&x.Mailing, x.Counts) })
}

// MailingCreate keeps a new draft: 201 and the mailing.
func (s *Handlers) MailingCreate(c *fiber.Ctx) error {
	var body mailingBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(0, nil)
	if err != nil {
		return err
	}
	m, err := s.Mailings.Create(c.UserContext(), request.ActorID(c), in)
	if err != nil {
		return err
	}
	c.Location(MailingPath(m.ID))
	return s.sendMailing(c, fiber.StatusCreated, m)
}

// Mailing returns one mailing, with its reach and links.
func (s *Handlers) Mailing(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.Mailings.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.sendMailing(c, fiber.StatusOK, m)
}

// MailingUpdate changes the fields of a draft that the body gives; a
// mailing past its draft is a 409.
func (s *Handlers) MailingUpdate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var body mailingBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	cur, err := s.Mailings.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	in, err := body.input(id, cur)
	if err != nil {
		return err
	}
	m, err := s.Mailings.Update(c.UserContext(), request.ActorID(c), id, in)
	if err != nil {
		return err
	}
	return s.sendMailing(c, fiber.StatusOK, m)
}

// MailingDelete removes a draft: 204; a mailing past its draft is a 409.
func (s *Handlers) MailingDelete(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Mailings.Delete(c.UserContext(), request.ActorID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// MailingTest sends the mailing to the caller's own email, in the language
// the request is answered in (their own unless ?lang= says otherwise) and
// with their name: 202, the message queued in the outbox.
func (s *Handlers) MailingTest(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	u := request.CurrentUser(c)
	to := mailings.Reader{Email: u.Email, Name: u.DisplayName, Locale: s.Localizer(c).Lang}
	if err := s.Mailings.Test(c.UserContext(), u.ID, id, to); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"to": u.Email})
}

// mailingSendBody is when to start: at once when at is null or left out.
type mailingSendBody struct {
	At *time.Time `json:"at"`
}

// MailingSend starts a draft or scheduled mailing now, or schedules it at
// a time to come (422 for a past one); one that would reach nobody, or is
// past its schedule, is a 409. An empty body starts it now.
func (s *Handlers) MailingSend(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var body mailingSendBody
	if len(c.Body()) > 0 {
		if err := request.DecodeJSON(c, &body); err != nil {
			return err
		}
	}
	m, err := s.Mailings.Send(c.UserContext(), request.ActorID(c), id, body.At)
	if err != nil {
		return err
	}
	return s.sendMailing(c, fiber.StatusOK, m)
}

// MailingCancel stops a scheduled or sending mailing; any other is a 409.
func (s *Handlers) MailingCancel(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.Mailings.Cancel(c.UserContext(), request.ActorID(c), id)
	if err != nil {
		return err
	}
	return s.sendMailing(c, fiber.StatusOK, m)
}
