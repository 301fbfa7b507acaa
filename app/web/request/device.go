package request

import (
	"crypto/hmac"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/mailaddr"
)

// DeviceCookie is OWASP's "device cookie": a successful sign-in leaves in
// the browser a signed note of the account and the time, and a later
// sign-in to that account that presents it is not held back by the
// ceiling per email, which is there for guesses from everywhere else. So a
// distributed guess cannot lock the owner out of a device they used before;
// the limits per address and per email and address still apply to it.
const DeviceCookie = "gotong_device"

// deviceLifetime is long: young people may sign in once a year, for a camp.
const deviceLifetime = 365 * 24 * time.Hour

// devices signs and checks device cookies. A cookie names the account by a
// keyed hash of its case-folded email, so it tells whoever reads it
// nothing, and only this site can make one.
type devices struct{ Signer }

func newDevices(key keys.DeviceKey) devices {
	return devices{NewSigner(key[:], "login-device", deviceLifetime)}
}

// account is how a cookie names the account of email.
func (d devices) account(email string) string { return d.MAC("account:" + mailaddr.Normalize(email)) }

// RememberDevice gives the browser of c a device cookie for email.
func (s *Kit) RememberDevice(c *fiber.Ctx, email string) {
	c.Cookie(&fiber.Cookie{Name: DeviceCookie, Value: s.devices.Seal(s.devices.account(email), time.Now()),
		Path: "/login", MaxAge: int(deviceLifetime.Seconds()), HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Secure: s.Config.SecureCookies})
}

// KnownDevice reports whether c presents a valid device cookie for email.
func (s *Kit) KnownDevice(c *fiber.Ctx, email string) bool {
	got, ok := s.devices.Open(c.Cookies(DeviceCookie), time.Now())
	return ok && hmac.Equal([]byte(got), []byte(s.devices.account(email)))
}
