package ui

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"
)

// tplPoster is the printable poster of an activity or a petition.
const tplPoster = "poster"

// shareLabels name each share link's channel, by channel.
var shareLabels = map[string]string{sharing.SourceWhatsApp: "share_whatsapp", sharing.SourceTelegram: "share_telegram",
	sharing.SourceFacebook: "share_facebook", sharing.SourceX: "share_x"}

// shareLink is a share link as the page shows it.
type shareLink struct {
	Channel, Href, Label string
}

// shareBlock is what the share partial shows: the links to each channel,
// the page's address to copy, and the way to its poster.
type shareBlock struct {
	Links  []shareLink
	Copy   string // the page's absolute address with ?src=copy
	Poster string // the poster's path
}

// shareFor is the share block of the page at path titled title.
func (s *Handlers) shareFor(p *request.Page, path, title string) *shareBlock {
	b := &shareBlock{Copy: sharing.PageURL(s.Config.Site(), path, sharing.SourceCopy), Poster: path + "/poster"}
	for _, l := range sharing.Links(s.Config.Site(), path, title) {
		b.Links = append(b.Links, shareLink{Channel: l.Channel, Href: l.Href, Label: p.L.T(shareLabels[l.Channel])})
	}
	return b
}

// sharedActivity is the public activity of the request that may be passed
// on: a discreet one is reached only by the link its people were given, so
// it has no poster and no QR code.
func (s *Handlers) sharedActivity(c *fiber.Ctx) (*activities.Activity, error) {
	a, err := s.publicActivity(c)
	if err != nil {
		return nil, err
	}
	if a.Discreet {
		return nil, apperr.ErrNotFound
	}
	return a, nil
}

// posterData is what a poster shows.
type posterData struct {
	Title, TitleLang string
	When, Where      string // an activity's; empty for a petition
	Closed           string // why an activity's registration is not open
	HowTo            string
	ShortURL         string // the page's address as one types it
	QR               template.HTML
	Page             string // the path of the page the poster is of
	QRName           string // the path of the QR code files, without the extension
	Petition         bool
}

// ActivityPoster is the printable poster of a public activity.
func (s *Handlers) ActivityPoster(c *fiber.Ctx) error {
	a, err := s.sharedActivity(c)
	if err != nil {
		return err
	}
	p := s.Page(c, "poster_title", nil)
	card, err := s.card(c, p, a, false)
	if err != nil {
		return err
	}
	path := activityPath(a.Slug)
	d := posterData{Title: card.Text.Title, TitleLang: card.Text.Lang, When: a.Span(p.L), Closed: card.Closed,
		HowTo: p.L.T("poster_howto_register")}
	if a.Applications() {
		d.HowTo = p.L.T("poster_howto_apply")
	}
	d.Where = placeOf(a, p.L.Lang)
	return s.poster(c, p, d, path)
}

// PetitionPoster is the printable poster of a petition.
func (s *Handlers) PetitionPoster(c *fiber.Ctx) error {
	pt, err := s.Petitions.GetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	p := s.Page(c, "poster_title", nil)
	text := pt.TextIn(p.L.Lang, s.Catalog.Default())
	d := posterData{Title: text.Title, TitleLang: text.Lang, HowTo: p.L.T("poster_howto_sign"), Petition: true}
	return s.poster(c, p, d, petitionPath(pt.Slug))
}

// poster renders d as the poster of the page at path, with the QR code of
// the page's address marked as coming from a poster.
func (s *Handlers) poster(c *fiber.Ctx, p *request.Page, d posterData, path string) error {
	qr, err := sharing.NewQR(sharing.PageURL(s.Config.Site(), path, sharing.SourcePoster))
	if err != nil {
		return err
	}
	d.ShortURL = strings.TrimPrefix(strings.TrimPrefix(s.Config.Site(), "https://"), "http://") + path
	// The SVG is drawn by sharing from the code's modules: no text of
	// anyone's in it.
	d.QR = template.HTML(qr.SVG())
	d.Page, d.QRName = path, path+"/qr"
	if d.Title != "" {
		p.Title = p.L.T("poster_page_title", "Title", d.Title)
	}
	p.Data = d
	return s.Render(c, fiber.StatusOK, tplPoster, p)
}

// ActivityQRPNG, ActivityQRSVG, PetitionQRPNG and PetitionQRSVG serve the
// QR code of a page's address (with ?src=poster) as a file to download,
// for a partner's own flyers.
func (s *Handlers) ActivityQRPNG(c *fiber.Ctx) error { return s.activityQR(c, false) }
func (s *Handlers) ActivityQRSVG(c *fiber.Ctx) error { return s.activityQR(c, true) }
func (s *Handlers) PetitionQRPNG(c *fiber.Ctx) error { return s.petitionQR(c, false) }
func (s *Handlers) PetitionQRSVG(c *fiber.Ctx) error { return s.petitionQR(c, true) }

func (s *Handlers) activityQR(c *fiber.Ctx, svg bool) error {
	a, err := s.sharedActivity(c)
	if err != nil {
		return err
	}
	return s.qrFile(c, activityPath(a.Slug), a.Slug, svg)
}

func (s *Handlers) petitionQR(c *fiber.Ctx, svg bool) error {
	pt, err := s.Petitions.GetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.qrFile(c, petitionPath(pt.Slug), "petition-"+pt.Slug, svg)
}

// qrFile sends the QR code of the page at path as name-qr.svg or
// name-qr.png, the PNG ?size= pixels wide (sharing bounds it).
func (s *Handlers) qrFile(c *fiber.Ctx, path, name string, svg bool) error {
	size := sharing.QRDefaultSize
	if raw := c.Query("size"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return apperr.New(apperr.Malformed, "error_qr_size", "Min", sharing.QRMinSize, "Max", sharing.QRMaxSize)
		}
		size = n
	}
	qr, err := sharing.NewQR(sharing.PageURL(s.Config.Site(), path, sharing.SourcePoster))
	if err != nil {
		return err
	}
	file := "gotong-" + name + "-qr"
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	if svg {
		c.Set(fiber.HeaderContentType, "image/svg+xml")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`.svg"`)
		return c.SendString(qr.SVG())
	}
	b, err := qr.PNG(size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`.png"`)
	return c.Send(b)
}
