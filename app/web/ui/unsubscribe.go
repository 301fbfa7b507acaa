package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/mailings"
)

// The public links of a mailing: /u/{token}, a recipient's unsubscribe
// page and its one-click POST (RFC 8058), and /c/{token}, a counted link,
// which names a mailing's link and a language, never a recipient. The
// server serves both uncached, unindexed and without a referrer.

const tplUnsubscribe = "unsubscribe"

// unsubscribeData is what the unsubscribe page says: the button while
// consent to news stands, or that no news comes.
type unsubscribeData struct {
	Standing bool
	Done     bool   // the button was pressed (or the POST came from a mail program)
	Action   string // the form's address: the link itself
}

// unsubscribePage renders the page in the person's language; an erased
// person's is the visitor's.
func (s *Handlers) unsubscribePage(c *fiber.Ctx, u mailings.Unsubscription, data unsubscribeData) error {
	if u.Locale != "" {
		s.LocalizeAs(c, u.Locale)
	}
	// The title names no cause nor organisation: a shared phone's history
	// should not tell whose news this was.
	return s.Render(c, fiber.StatusOK, tplUnsubscribe, s.Page(c, "unsubscribe_title", data))
}

// UnsubscribePage is GET /u/{token}: whether news still comes, and one
// button. It changes nothing, since mail scanners open links by themselves.
func (s *Handlers) UnsubscribePage(c *fiber.Ctx) error {
	token := c.Params("token")
	u, err := s.Mailings.Unsubscribing(c.UserContext(), token)
	if err != nil {
		return err
	}
	return s.unsubscribePage(c, u, unsubscribeData{Standing: u.Standing, Action: "/u/" + url.PathEscape(token)})
}

// Unsubscribe is POST /u/{token}, the page's button and the one-click
// unsubscribe of mail programs (body List-Unsubscribe=One-Click, no
// cookie): the token is its authority, so the server asks no _csrf of it.
// A second one changes nothing and says the same.
func (s *Handlers) Unsubscribe(c *fiber.Ctx) error {
	u, err := s.Mailings.Unsubscribe(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.unsubscribePage(c, u, unsubscribeData{Done: true})
}

// FollowLink is GET /c/{token}: it counts a visit of a mailing's link, for
// the mailing and the message's language only, and sends the visitor on.
// Nothing of the visitor is kept: no cookie, no session, and the access log
// names the route, not the token.
func (s *Handlers) FollowLink(c *fiber.Ctx) error {
	// A HEAD (link checkers, previews) leads on without counting.
	to, err := s.Mailings.Follow(c.UserContext(), c.Params("token"), c.Method() == fiber.MethodGet)
	if err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
