package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sourceOf is the source kept with the registration (table registrations)
// or signature (signatures) of the person with email.
func (e *env) sourceOf(table, email string) string {
	e.t.Helper()
	var src []string
	if err := e.db.Table(table+" AS t").Joins("JOIN people ON people.id = t.person_id").
		Where("people.email = ?", email).Pluck("t.source", &src).Error; err != nil {
		e.t.Fatal(err)
	}
	if len(src) != 1 {
		e.t.Fatalf("%d rows of %s for %s", len(src), table, email)
	}
	return src[0]
}

// TestSourceTravelsWithARegistration: a shared link's ?src= goes from the
// activity page to its form, in a hidden field, through the emailed link to
// the registration; the API takes it as a query parameter. A mangled src is
// dropped, never refused; a discreet activity keeps none.
func TestSourceTravelsWithARegistration(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("river", 20)
		c := e.client()
		page := c.get("/activities/river?src=WhatsApp&lang=mn")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `href="/activities/river/register?src=whatsapp"`) {
			t.Fatalf("the activity page's link to the form lost its source: %d", page.StatusCode)
		}
		if bare := c.get("/activities/river"); !strings.Contains(bare.Body, `href="/activities/river/register"`) {
			t.Error("a page reached directly names a source")
		}
		form := c.get("/activities/river/register?src=whatsapp")
		if !strings.Contains(form.Body, `<input type="hidden" name="src" value="whatsapp">`) {
			t.Fatal("the form has no hidden source")
		}
		vals := registrationForm("saraa@example.org", "rural")
		vals.Set("src", "whatsapp")
		if res := c.submitRegistration("river", vals); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		if got := e.sourceOf("registrations", "saraa@example.org"); got != "whatsapp" {
			t.Errorf("source %q, want whatsapp", got)
		}

		// A refused form keeps its source for the second try.
		vals = registrationForm("bat@example.org", "urban")
		vals.Set("src", "poster")
		vals.Del("consent")
		if res := c.postForm("/activities/river/register", vals); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, `name="src" value="poster"`) {
			t.Fatalf("refused form: %d, source kept %v", res.StatusCode, strings.Contains(res.Body, `value="poster"`))
		}

		for i, bad := range []string{"<script>", strings.Repeat("a", 40), "whats app", "partner_3"} {
			if page := c.get("/activities/river?src=" + url.QueryEscape(bad)); !strings.Contains(page.Body, `href="/activities/river/register"`) {
				t.Errorf("src %q reached the page's link", bad)
			}
			if form := c.get("/activities/river/register?src=" + url.QueryEscape(bad)); strings.Contains(form.Body, `name="src"`) {
				t.Errorf("src %q reached the form", bad)
			}
			email := "bad" + itoa(int64(i)) + "@example.org"
			vals := registrationForm(email, "urban")
			vals.Set("src", bad)
			if res := c.submitRegistration("river", vals); res.StatusCode != http.StatusOK {
				t.Fatalf("src %q: %d", bad, res.StatusCode)
			}
			if got := e.sourceOf("registrations", email); got != "" {
				t.Errorf("src %q kept as %q", bad, got)
			}
		}

		// The API: ?src= on the public form's POST, through the emailed link.
		id := itoa(a.ID)
		for email, tc := range map[string]struct{ src, want string }{
			"tuya@example.org":  {"partner-3", "partner-3"},
			"dulam@example.org": {"Telegram", "telegram"},
			"oyun@example.org":  {url.QueryEscape("<script>"), ""},
		} {
			res := c.api("POST", "/api/v1/activities/"+id+"/registrations?src="+tc.src, "", registrantJSON("Tuya", email, "rural", 2006, nil))
			if res.StatusCode != http.StatusAccepted {
				t.Fatalf("API src %q: %d %s", tc.src, res.StatusCode, res.Body)
			}
			if res := c.confirmByMail(email); res.StatusCode != http.StatusOK {
				t.Fatalf("API src %q, the tap: %d", tc.src, res.StatusCode)
			}
			if got := e.sourceOf("registrations", email); got != tc.want {
				t.Errorf("API src %q kept as %q, want %q", tc.src, got, tc.want)
			}
		}
		// Staff placing at once keep it too.
		_, tok := apiStaff(e)
		if res := c.api("POST", "/api/v1/activities/"+id+"/registrations?src=poster", tok, registrantJSON("Naran", "naran@example.org", "urban", 2005, nil)); res.StatusCode != http.StatusCreated {
			t.Fatalf("staff: %d %s", res.StatusCode, res.Body)
		}
		if got := e.sourceOf("registrations", "naran@example.org"); got != "poster" {
			t.Errorf("staff's registration kept %q", got)
		}

		// A discreet activity is passed on by no channel: its page carries
		// no source, and a source sent all the same is not kept.
		d := e.discreetCamp("safe-space")
		if page := c.get("/activities/safe-space?src=whatsapp"); !strings.Contains(page.Body, `href="/activities/safe-space/register"`) {
			t.Error("a discreet activity's page carries the source")
		}
		vals = registrationForm("khulan@example.org", "urban")
		vals.Set("src", "whatsapp")
		if res := c.submitRegistration("safe-space", vals); res.StatusCode != http.StatusOK {
			t.Fatalf("discreet: %d", res.StatusCode)
		}
		if res := c.api("POST", "/api/v1/activities/"+itoa(d.ID)+"/registrations?src=poster", "", registrantJSON("Enkh", "enkh@example.org", "rural", 2006, nil)); res.StatusCode != http.StatusAccepted {
			t.Fatalf("discreet by the API: %d", res.StatusCode)
		}
		c.confirmByMail("enkh@example.org")
		for _, email := range []string{"khulan@example.org", "enkh@example.org"} {
			if got := e.sourceOf("registrations", email); got != "" {
				t.Errorf("a discreet activity kept the source %q", got)
			}
		}
	})
}

// TestSourceTravelsWithASignature: /p/{slug}?src= → the signing form's
// hidden field → the emailed link → the signature; the API's ?src= alike.
func TestSourceTravelsWithASignature(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.newPetition(e.petitionCampaign("Free expression"), "free-them", 100)
		c := e.client()
		page := c.get("/p/free-them?src=poster")
		if !strings.Contains(page.Body, `<input type="hidden" name="src" value="poster">`) {
			t.Fatal("the signing form has no hidden source")
		}
		if bare := c.get("/p/free-them?src=%3Cscript%3E"); strings.Contains(bare.Body, `name="src"`) {
			t.Error("a mangled src reached the signing form")
		}
		for email, src := range map[string]string{"saraa@example.org": "poster", "bat@example.org": "<script>", "tuya@example.org": ""} {
			f := petitionForm(email)
			if src != "" {
				f.Set("src", src)
			}
			if res := c.postForm("/p/free-them", f); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("signing: %d", res.StatusCode)
			}
			c.confirmByMail(email)
		}
		for email, want := range map[string]string{"saraa@example.org": "poster", "bat@example.org": "", "tuya@example.org": ""} {
			if got := e.sourceOf("signatures", email); got != want {
				t.Errorf("%s: source %q, want %q", email, got, want)
			}
		}
		res := c.api("POST", "/api/v1/petitions/free-them/signatures?src=X", "",
			`{"given_name": "Dulam", "email": "dulam@example.org", "region": "MN-057", "consent": true}`)
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("API: %d %s", res.StatusCode, res.Body)
		}
		c.confirmByMail("dulam@example.org")
		if got := e.sourceOf("signatures", "dulam@example.org"); got != "x" {
			t.Errorf("API source %q, want x", got)
		}
		_, tok := apiStaff(e)
		if res := c.api("POST", "/api/v1/petitions/free-them/signatures?src="+strings.Repeat("b", 33), tok,
			`{"given_name": "Naran", "email": "naran@example.org", "region": "MN-057", "consent": true}`); res.StatusCode != http.StatusCreated {
			t.Fatalf("staff: %d %s", res.StatusCode, res.Body)
		}
		if got := e.sourceOf("signatures", "naran@example.org"); got != "" {
			t.Errorf("a 33-character src kept as %q", got)
		}
	})
}
