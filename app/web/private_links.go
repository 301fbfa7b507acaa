package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/web/request"
)

// privateLinkPrefixes are the paths of private links, whose token is their
// authority: a form's confirmation, a registration's page, a guardian's, a
// mailing's unsubscribe page and its counted links; a survey's invitation;
// and a certificate's check, whose code names a person (and stops verifying
// once they are erased).
var privateLinkPrefixes = []string{"/v/", "/r/", "/g/", "/u/", "/c/", "/s/", "/verify/"}

// privateLinks marks every response under a private link's path, error
// pages and refusals too: no cache keeps it, no search engine indexes it,
// and no request it leads to carries its address as a referrer. (The
// access log names the route, never the token: see accessLog.)
func privateLinks(c *fiber.Ctx) error {
	for _, prefix := range privateLinkPrefixes {
		if strings.HasPrefix(c.Path(), prefix) {
			c.Set(fiber.HeaderCacheControl, "no-store")
			c.Set("X-Robots-Tag", "noindex, nofollow")
			c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
			c.Locals(request.NoIndexLocal, true)
			break
		}
	}
	return c.Next()
}
