package web

import (
	"bytes"
	"context"
	"html"
	"image/png"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// Link previews: what WhatsApp, Telegram, Facebook and X read from the head
// of a shared page, and the card they show.

// previewBase is the portal's address in these tests, not the test
// server's, with the trailing slash an operator may type.
const previewBase = "https://gotong.example.org/"

func previewEnv(t *testing.T, db *gorm.DB) *env {
	cfg := testConfig()
	cfg.BaseURL = previewBase
	return newEnvConfig(t, db, cfg)
}

var metaTag = regexp.MustCompile(`<meta (?:property|name)="([^"]+)" content="([^"]*)">`)

// headMeta is the Open Graph and Twitter Card metadata in a page's head,
// each property with its values in order.
func headMeta(t *testing.T, body string) map[string][]string {
	t.Helper()
	end := strings.Index(body, "</head>")
	if end < 0 {
		t.Fatal("the page has no head")
	}
	m := map[string][]string{}
	for _, tag := range metaTag.FindAllStringSubmatch(body[:end], -1) {
		if strings.HasPrefix(tag[1], "og:") || strings.HasPrefix(tag[1], "twitter:") {
			m[tag[1]] = append(m[tag[1]], html.UnescapeString(tag[2]))
		}
	}
	return m
}

// wantCard fetches a card by its absolute URL and checks that it is a PNG
// of 1200×630 under 100 KB that browsers and previews may keep a while.
func wantCard(t *testing.T, c *client, abs string) []byte {
	t.Helper()
	if !strings.HasPrefix(abs, strings.TrimSuffix(previewBase, "/")+"/") {
		t.Fatalf("the card's URL %q is not on the portal's address", abs)
	}
	res := c.get(strings.TrimPrefix(abs, strings.TrimSuffix(previewBase, "/")))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("%s: %d %s", abs, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("%s: Cache-Control %q", abs, cc)
	}
	if len(res.Body) >= 100<<10 {
		t.Errorf("%s: %d bytes, want under 100 KB", abs, len(res.Body))
	}
	img, err := png.Decode(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", abs, err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
		t.Errorf("%s is %dx%d", abs, b.Dx(), b.Dy())
	}
	return []byte(res.Body)
}

// previewTexts are an activity's and a petition's titles and summaries;
// the activity has no Indonesian summary, which falls back to English as on
// its page (a petition has each text in each language it has).
var previewTexts = struct{ title, summary map[string]string }{
	title: map[string]string{"en": "Steppe rights camp", "fr": "Camp des droits dans la steppe",
		"id": "Perkemahan hak di stepa", "mn": "Талын хүний эрхийн зуслан"},
	summary: map[string]string{"en": "Five days of rights & friends.", "fr": "Cinq jours de droits et d’amis.",
		"mn": "Эрх, нөхөрлөлийн таван өдөр."},
}

// petitionTextID is the petition's Indonesian text.
const petitionTextID = "Lima hari hak dan teman."

func previewSummary(page, lang string) string {
	if s, ok := previewTexts.summary[lang]; ok {
		return s
	}
	if strings.HasPrefix(page, "/p/") {
		return petitionTextID
	}
	return previewTexts.summary["en"]
}

// TestLinkPreviewMeta: an activity's and a petition's pages carry, in each
// language, their title and summary in that language, their absolute
// address on GOTONG_BASE_URL without the query, the card's (which answers
// a PNG), and the language's locale with the other three as alternates.
// Other pages carry none.
func TestLinkPreviewMeta(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := previewEnv(t, db)
		ctx := context.Background()
		a := e.publishedCamp("steppe-camp", 10)
		if _, err := e.srv.Activities.Update(ctx, 0, a.ID, activities.Input{Title: previewTexts.title,
			Summary: previewTexts.summary}); err != nil {
			t.Fatal(err)
		}
		p := e.newPetition(e.petitionCampaign("Rights now"), "free-them", 100)
		text := maps.Clone(previewTexts.summary)
		text["id"] = petitionTextID
		if _, err := e.srv.Petitions.Update(ctx, 0, p.ID, petitions.Input{Title: previewTexts.title, Text: text}); err != nil {
			t.Fatal(err)
		}
		for _, page := range []string{"/activities/steppe-camp", "/p/free-them"} {
			for _, lang := range i18n.Supported {
				c := e.client()
				res := c.get(page + "?lang=" + lang + "&src=whatsapp")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s in %s: %d", page, lang, res.StatusCode)
				}
				m := headMeta(t, res.Body)
				url := "https://gotong.example.org" + page
				image := url + "/card.png?lang=" + lang
				var others []string
				for _, l := range i18n.Supported {
					if l != lang {
						others = append(others, sharing.Locale(l))
					}
				}
				for prop, want := range map[string][]string{
					"og:type": {"website"}, "og:site_name": {"Gotong"},
					"og:title": {previewTexts.title[lang]}, "twitter:title": {previewTexts.title[lang]},
					"og:description": {previewSummary(page, lang)}, "twitter:description": {previewSummary(page, lang)},
					"og:url": {url}, "og:image": {image}, "twitter:image": {image},
					"og:image:width": {"1200"}, "og:image:height": {"630"}, "og:image:alt": {previewTexts.title[lang]},
					"twitter:card": {"summary_large_image"},
					"og:locale":    {sharing.Locale(lang)}, "og:locale:alternate": others,
				} {
					if got := m[prop]; !slices.Equal(got, want) {
						t.Errorf("%s in %s: %s = %q, want %q", page, lang, prop, got, want)
					}
				}
				wantCard(t, c, image)
			}
		}
		if m := headMeta(t, e.client().get("/activities").Body); len(m) != 0 {
			t.Errorf("the list of activities has preview metadata: %v", m)
		}
	})
}

// TestLinkPreviewCard: a card of a Mongolian title is a PNG of 1200×630
// under 100 KB; an edit of the title shows in the next card; a card of a
// draft or of nothing is not found, as its page.
func TestLinkPreviewCard(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := previewEnv(t, db)
		ctx := context.Background()
		c := e.client()
		a := e.publishedCamp("steppe-camp", 10)
		mn := func(title string) activities.Input {
			return activities.Input{Title: map[string]string{"mn": title}}
		}
		if _, err := e.srv.Activities.Update(ctx, 0, a.ID, mn("Өвөрхангай аймгийн залуучуудын хүний эрхийн зуны зуслан")); err != nil {
			t.Fatal(err)
		}
		card := "https://gotong.example.org/activities/steppe-camp/card.png?lang=mn"
		before := wantCard(t, c, card)
		if again := wantCard(t, c, card); !bytes.Equal(before, again) {
			t.Error("the same card was drawn otherwise")
		}
		if _, err := e.srv.Activities.Update(ctx, 0, a.ID, mn("Өвөрхангай аймгийн зуслан")); err != nil {
			t.Fatal(err)
		}
		if after := wantCard(t, c, card); bytes.Equal(before, after) {
			t.Error("the card did not change with the title")
		}

		p := e.newPetition(e.petitionCampaign("Rights now"), "free-them", 100)
		petitionCard := "https://gotong.example.org/p/free-them/card.png?lang=mn"
		before = wantCard(t, c, petitionCard)
		if _, err := e.srv.Petitions.Update(ctx, 0, p.ID, petitions.Input{Title: map[string]string{"mn": "Оюутнуудыг суллаарай"},
			Text: map[string]string{"mn": "Тэд тайван жагссан."}}); err != nil {
			t.Fatal(err)
		}
		if after := wantCard(t, c, petitionCard); bytes.Equal(before, after) {
			t.Error("the petition's card did not change with its title")
		}

		draft, err := e.srv.Activities.Create(ctx, 0, activities.Input{Slug: ptrTo("draft-camp"), Kind: ptrTo(activities.KindCamp),
			Capacity: ptrTo(5), StartsAt: &a.StartsAt, EndsAt: &a.EndsAt, Title: map[string]string{"en": "Draft"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/activities/" + draft.Slug + "/card.png", "/activities/nowhere/card.png", "/p/nowhere/card.png"} {
			if res := c.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, res.StatusCode)
			}
		}
	})
}

// TestLinkPreviewDiscreet: a discreet activity's page tells a preview its
// neutral title only, in the page's language: no summary, no address, no
// picture; its card is not found.
func TestLinkPreviewDiscreet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := previewEnv(t, db)
		e.discreetCamp("safe-space")
		c := e.client()
		for lang, neutral := range map[string]string{"en": "Gotong activity", "fr": "Activité Gotong"} {
			m := headMeta(t, c.get("/activities/safe-space?lang="+lang).Body)
			if !slices.Equal(m["og:title"], []string{neutral}) || !slices.Equal(m["twitter:title"], []string{neutral}) {
				t.Errorf("%s: titles %q and %q, want %q", lang, m["og:title"], m["twitter:title"], neutral)
			}
			for _, prop := range []string{"og:description", "twitter:description", "og:url", "og:image", "og:image:alt", "twitter:image"} {
				if v, ok := m[prop]; ok {
					t.Errorf("%s: the discreet page gives %s %q", lang, prop, v)
				}
			}
			if !slices.Equal(m["twitter:card"], []string{"summary"}) {
				t.Errorf("%s: twitter:card %q, want summary", lang, m["twitter:card"])
			}
			for _, path := range []string{"/activities/safe-space/card.png", "/activities/safe-space/card.png?lang=" + lang} {
				if res := c.get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "LGBTI") {
					t.Errorf("%s: %d, want 404", path, res.StatusCode)
				}
			}
		}
	})
}
