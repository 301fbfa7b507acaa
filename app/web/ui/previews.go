package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"
)

// cardPath is the last part of a card's path, after its page's.
const cardPath = "/card.png"

// cardMaxAge is how long a browser or a preview service may keep a card
// (an edit shows in a new one at once on this node).
const cardMaxAge = "public, max-age=300"

// preview is the metadata of a shared page at path, in the page's
// language: its title and summary, its absolute URL, and its card's.
func (s *Handlers) preview(p *request.Page, path, title, summary string) *request.Meta {
	m := s.neutralPreview(p, title)
	m.Description = sharing.Summary(summary)
	m.URL = s.Config.Site() + path
	m.Image = m.URL + cardPath + "?lang=" + p.L.Lang
	m.ImageAlt = title
	return m
}

// neutralPreview is the metadata of a page that shares only its title
// (a discreet activity's, whose title is the neutral one).
func (s *Handlers) neutralPreview(p *request.Page, title string) *request.Meta {
	m := &request.Meta{Title: title, Locale: sharing.Locale(p.L.Lang)}
	for _, lang := range i18n.Supported {
		if lang != p.L.Lang {
			m.Alternates = append(m.Alternates, sharing.Locale(lang))
		}
	}
	return m
}

// ActivityCard is the picture of an activity's link preview: its title,
// and when and where it takes place. A discreet activity has none.
func (s *Handlers) ActivityCard(c *fiber.Ctx) error {
	a, err := s.sharedActivity(c)
	if err != nil {
		return err
	}
	l := s.Localizer(c)
	line := a.Span(l)
	if place := placeOf(a, l.Lang); place != "" {
		line += " · " + place
	}
	return s.sendCard(c, a.TextIn(l.Lang, s.Catalog.Default()).Title, line)
}

// PetitionCard is the picture of a petition's link preview: its title and
// how many have signed it.
func (s *Handlers) PetitionCard(c *fiber.Ctx) error {
	p, err := s.Petitions.GetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	l := s.Localizer(c)
	line := l.T("card_petition")
	if p.Signatures > 0 {
		line = l.Plural("card_signatures", p.Signatures)
	}
	return s.sendCard(c, p.TextIn(l.Lang, s.Catalog.Default()).Title, line)
}

// sendCard answers with the card of title and line, drawn once for all
// the requests of the cache's lifetime that ask for the same.
func (s *Handlers) sendCard(c *fiber.Ctx, title, line string) error {
	key := strconv.Itoa(len(title)) + ":" + title + line
	png, err := s.cards.Load(key, func() ([]byte, bool, error) {
		b, err := sharing.Card(title, line)
		return b, err == nil, err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, cardMaxAge)
	return c.Send(png)
}
