package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/petitions"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// sharedTitle has what breaks a share link built carelessly: an '&' that
// would end the parameter, a '#' that would end the address, and Cyrillic.
const sharedTitle = "Лагерь & права #1"

// shareHref is the address of the share link of channel on page body.
func shareHref(t *testing.T, body, channel string) *url.URL {
	t.Helper()
	m := regexp.MustCompile(`<a id="share-` + channel + `" href="([^"]+)" rel="noopener noreferrer" target="_blank">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s share link opening a new tab without a referrer", channel)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// thirdParty lists what on body would load from anywhere but the portal:
// a script, any src= or <link href=> that is not a path of the site.
func thirdParty(body string) []string {
	var out []string
	if strings.Contains(strings.ToLower(body), "<script") {
		out = append(out, "<script")
	}
	for _, re := range []string{`\ssrc="([^"]*)"`, `<link[^>]*\shref="([^"]*)"`} {
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(body, -1) {
			if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
				out = append(out, m[0])
			}
		}
	}
	return out
}

// checkShare checks the share block of the page at path: each channel's
// link takes the page's absolute address marked with the channel, and the
// title whole; the address to copy; the poster; nothing from elsewhere.
func checkShare(t *testing.T, body, path string) {
	t.Helper()
	page := testConfig().BaseURL + path
	wa := shareHref(t, body, "whatsapp")
	if wa.Host != "wa.me" || wa.Query().Get("text") != sharedTitle+"\n"+page+"?src=whatsapp" {
		t.Errorf("WhatsApp: %s", wa)
	}
	tg := shareHref(t, body, "telegram")
	if tg.Host != "t.me" || tg.Path != "/share/url" || tg.Query().Get("url") != page+"?src=telegram" || tg.Query().Get("text") != sharedTitle {
		t.Errorf("Telegram: %s", tg)
	}
	fb := shareHref(t, body, "facebook")
	if fb.Host != "www.facebook.com" || fb.Path != "/sharer/sharer.php" || fb.Query().Get("u") != page+"?src=facebook" {
		t.Errorf("Facebook: %s", fb)
	}
	x := shareHref(t, body, "x")
	if x.Host != "x.com" || x.Path != "/intent/post" || x.Query().Get("url") != page+"?src=x" || x.Query().Get("text") != sharedTitle {
		t.Errorf("X: %s", x)
	}
	for _, want := range []string{`<label for="share-copy">Copy this link to pass it on anywhere</label>`,
		`<input id="share-copy" type="url" value="` + page + `?src=copy" readonly>`,
		`<a id="share-poster" href="` + path + `/poster">Print a poster with a QR code</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if bad := thirdParty(body); len(bad) > 0 {
		t.Errorf("the page loads from elsewhere: %q", bad)
	}
}

// sharedCamp is a published camp in Zavkhan (Ulaanbaatar time) titled
// sharedTitle, from 09:00 to 17:00 local time, forty days on.
func (e *env) sharedCamp(slug string) *activities.Activity {
	e.t.Helper()
	a := e.publishedCamp(slug, 20)
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 40)
	a, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Title: map[string]string{"en": sharedTitle},
		StartsAt: ptrTo(day.Add(time.Hour)), EndsAt: ptrTo(day.Add(9 * time.Hour))})
	if err != nil {
		e.t.Fatal(err)
	}
	if a.Timezone != "Asia/Ulaanbaatar" {
		e.t.Fatalf("the camp is in %q", a.Timezone)
	}
	return a
}

// sharedPetition is a petition titled sharedTitle.
func (e *env) sharedPetition(slug string) *petitions.Petition {
	e.t.Helper()
	p := e.newPetition(e.petitionCampaign("Students"), slug, 100)
	p, err := e.srv.Petitions.Update(context.Background(), 0, p.ID, petitions.Input{Title: map[string]string{"en": sharedTitle}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// TestShareLinks: an activity's and a petition's pages offer WhatsApp,
// Telegram, Facebook and X, each link carrying its own ?src= and the title
// whole, the address to copy and the poster, and load nothing from those
// services or anywhere else.
func TestShareLinks(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.sharedCamp("zavkhan-camp")
		e.sharedPetition("free-them")
		c := e.client()
		for _, path := range []string{"/activities/zavkhan-camp", "/p/free-them"} {
			t.Run(path, func(t *testing.T) {
				res := c.get(path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%d", res.StatusCode)
				}
				checkShare(t, res.Body, path)
			})
		}
		if mn := c.get("/p/free-them?lang=mn"); !strings.Contains(mn.Body, "QR кодтой зурагт хуудас хэвлэх") {
			t.Error("the Mongolian page's share block is not in Mongolian")
		}
	})
}

// decodeQRPNG reads the QR code of a PNG as a phone would.
func decodeQRPNG(t *testing.T, b []byte) (string, int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText(), img.Bounds().Dx()
}

// TestPosterAndQR: the posters show the title, an activity's time in its
// own zone, how to take part and the address; their QR codes, as PNG and
// SVG files to download, lead to the page marked as coming from a poster.
func TestPosterAndQR(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.sharedCamp("zavkhan-camp")
		e.sharedPetition("free-them")
		c := e.client()

		poster := c.get("/activities/zavkhan-camp/poster")
		if poster.StatusCode != http.StatusOK {
			t.Fatalf("poster: %d", poster.StatusCode)
		}
		when := regexp.MustCompile(`<dd id="poster-when">([^<]*)</dd>`).FindStringSubmatch(poster.Body)
		if when == nil || !strings.Contains(when[1], "09:00") || !strings.Contains(when[1], "17:00") || !strings.Contains(when[1], "(Ulaanbaatar time)") {
			t.Errorf("the poster's time: %q, want 09:00 – 17:00 (Ulaanbaatar time)", when)
		}
		for _, want := range []string{`<h1 lang="en">` + html.EscapeString(sharedTitle) + `</h1>`, `<dd id="poster-where">Uliastai, `,
			`<p class="poster-url" id="poster-url">127.0.0.1/activities/zavkhan-camp</p>`,
			"and register with your name and email address", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `,
			`href="/activities/zavkhan-camp/qr.png" download`, `href="/activities/zavkhan-camp/qr.svg" download`} {
			if !strings.Contains(poster.Body, want) {
				t.Errorf("the poster lacks %s", want)
			}
		}
		if bad := thirdParty(poster.Body); len(bad) > 0 {
			t.Errorf("the poster loads from elsewhere: %q", bad)
		}
		mn := c.get("/activities/zavkhan-camp/poster?lang=mn")
		if !strings.Contains(mn.Body, "Улаанбаатарын цагаар") || !strings.Contains(mn.Body, "нэр, имэйл хаягаараа бүртгүүлээрэй") {
			t.Error("the Mongolian poster lacks the zone or the how-to in Mongolian")
		}
		pp := c.get("/p/free-them/poster?lang=fr")
		if pp.StatusCode != http.StatusOK || !strings.Contains(pp.Body, "et signez avec votre nom") || strings.Contains(pp.Body, "poster-when") ||
			!strings.Contains(pp.Body, `<html lang="fr">`) {
			t.Errorf("the petition's poster in French: %d", pp.StatusCode)
		}

		for _, tt := range []struct{ path, page, file string }{
			{"/activities/zavkhan-camp", "http://127.0.0.1/activities/zavkhan-camp?src=poster", "gotong-zavkhan-camp-qr"},
			{"/p/free-them", "http://127.0.0.1/p/free-them?src=poster", "gotong-petition-free-them-qr"},
		} {
			res := c.get(tt.path + "/qr.png")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" ||
				res.Header.Get("Content-Disposition") != `attachment; filename="`+tt.file+`.png"` {
				t.Fatalf("%s/qr.png: %d %q %q", tt.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
			}
			if got, size := decodeQRPNG(t, []byte(res.Body)); got != tt.page || size != 1024 {
				t.Errorf("%s/qr.png: %d px, decodes to %q, want 1024 px of %q", tt.path, size, got, tt.page)
			}
			if got, size := decodeQRPNG(t, []byte(c.get(tt.path+"/qr.png?size=300").Body)); got != tt.page || size != 300 {
				t.Errorf("?size=300: %d px of %q", size, got)
			}
			if _, size := decodeQRPNG(t, []byte(c.get(tt.path+"/qr.png?size=999999").Body)); size != 2048 {
				t.Errorf("?size=999999: %d px, want the bound 2048", size)
			}
			bad := c.get(tt.path + "/qr.png?size=big&lang=en")
			if bad.StatusCode != http.StatusBadRequest || !strings.Contains(bad.Body, "The size must be a whole number of pixels, from 128 to 2,048.") {
				t.Errorf("?size=big: %d", bad.StatusCode)
			}

			svg := c.get(tt.path + "/qr.svg")
			if svg.StatusCode != http.StatusOK || svg.Header.Get("Content-Type") != "image/svg+xml" ||
				svg.Header.Get("Content-Disposition") != `attachment; filename="`+tt.file+`.svg"` {
				t.Fatalf("%s/qr.svg: %d %q %q", tt.path, svg.StatusCode, svg.Header.Get("Content-Type"), svg.Header.Get("Content-Disposition"))
			}
			var doc struct {
				XMLName xml.Name
				ViewBox string `xml:"viewBox,attr"`
			}
			if err := xml.Unmarshal([]byte(svg.Body), &doc); err != nil || doc.XMLName.Local != "svg" ||
				!regexp.MustCompile(`^0 0 (\d+) (\d+)$`).MatchString(doc.ViewBox) {
				t.Errorf("%s/qr.svg is not an SVG with a viewBox (%v): %.200s", tt.path, err, svg.Body)
			}
		}
		if res := c.get("/activities/no-such-camp/qr.png"); res.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown activity's QR code: %d", res.StatusCode)
		}
	})
}

// TestDiscreetActivityShareNothing: a discreet activity's page has no share
// links, and it has no poster and no QR code.
func TestDiscreetActivityShareNothing(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.discreetCamp("safe-space")
		c := e.client()
		page := c.get("/activities/safe-space")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("page: %d", page.StatusCode)
		}
		for _, leak := range []string{`id="share"`, "wa.me", "t.me", "facebook.com", "x.com", "?src=", "/poster", "qr."} {
			if strings.Contains(page.Body, leak) {
				t.Errorf("the discreet page holds %q", leak)
			}
		}
		for _, p := range []string{"/poster", "/poster?lang=mn", "/qr.png", "/qr.png?size=300", "/qr.svg"} {
			if res := c.get("/activities/safe-space" + p); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "LGBTI") {
				t.Errorf("%s: %d, want 404 naming nothing", p, res.StatusCode)
			}
		}
	})
}
