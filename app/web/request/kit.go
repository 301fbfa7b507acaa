package request

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/views"
)

// Kit is what every handler holds: the wired application and the parts of
// the web layer that pages, the API and the server's middleware share.
type Kit struct {
	*app.App
	Sessions *session.Store

	devices devices     // signs the device cookies of sign-ins
	views   fiber.Views // the page templates Render writes with
}

// NewKit builds the kit over a; sessions is the server's session store,
// views the loaded page templates.
func NewKit(a *app.App, sessions *session.Store, views fiber.Views) *Kit {
	return &Kit{App: a, Sessions: sessions, views: views, devices: newDevices(a.Keys.Devices)}
}

// AssetVersion changes whenever a static file changes, so links to
// /static/… can be cached for a year.
var AssetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(views.FS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(views.FS, p)
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:10]
}()
