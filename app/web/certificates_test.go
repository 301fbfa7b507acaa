package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/ledongthuc/pdf"
)

// Certificates of attendance (issue 17): from the private link and the
// account, checked at /verify/{code} and GET /api/v1/certificates/{code}.

// certActivity publishes a training with titles in English and Mongolian,
// starting in a month, 8 hours long.
func (e *env) certActivity(slug string, discreet bool) *activities.Activity {
	e.t.Helper()
	ctx := context.Background()
	start := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	end := start.Add(8 * time.Hour)
	a, err := e.srv.Activities.Create(ctx, 0, activities.Input{Slug: &slug, Kind: ptrTo(activities.KindTraining), Capacity: ptrTo(10),
		StartsAt: &start, EndsAt: &end, Discreet: &discreet, Timezone: ptrTo("Asia/Ulaanbaatar"),
		Title: map[string]string{"en": "Resilience and well-being", "mn": "Тэсвэрт чанар ба сайн сайхан байдал"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if a, err = e.srv.Activities.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// placed registers a person at a, in Mongolian, and returns the
// registration with its manage link's token.
func (e *env) placed(a *activities.Activity, given, family, email string) *registration.Placed {
	e.t.Helper()
	r, err := e.srv.Registrations.Register(context.Background(), a, registration.Request{Consent: true, Person: people.Declared{
		GivenName: given, FamilyName: family, Email: email, BirthYear: 2006, Region: "MN-057", Locality: people.Urban, Locale: "mn"}})
	if err != nil || r.ManageToken == "" {
		e.t.Fatalf("register %s: %+v, %v", email, r, err)
	}
	return r
}

// attended marks attendance as if the activity had taken place.
func (e *env) attended(r *registration.Placed, came bool) {
	e.t.Helper()
	if err := e.db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", came).Error; err != nil {
		e.t.Fatal(err)
	}
}

// completeInPast completes a and moves it a week into the past, when the
// rest of a private link's page is dead.
func (e *env) completeInPast(a *activities.Activity) {
	e.t.Helper()
	if _, err := e.srv.Activities.SetStatus(context.Background(), 0, a.ID, activities.StatusCompleted); err != nil {
		e.t.Fatal(err)
	}
	start := time.Now().UTC().Add(-7 * 24 * time.Hour)
	e.setActivity(a.ID, "starts_at", start)
	e.setActivity(a.ID, "ends_at", start.Add(8*time.Hour))
}

// certificateCode is the code of registration id's certificate as printed.
func (e *env) certificateCode(id int64) string {
	e.t.Helper()
	var codes []string
	if err := e.db.Model(&path.Certificate{}).Where("registration_id = ?", id).Pluck("code", &codes).Error; err != nil || len(codes) != 1 {
		e.t.Fatalf("the certificate of registration %d: %v, %v", id, codes, err)
	}
	return path.FormatCode(codes[0])
}

// wantPDF fails unless r is a certificate as an attachment, and returns
// the text a PDF parser reads from it.
func wantPDF(t *testing.T, what string, r *response) string {
	t.Helper()
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="gotong-certificate-`) ||
		r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%s: %d %s %q %q", what, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), r.Body)
	}
	return pdfText(t, what, r.Body)
}

// pdfText is the text a PDF parser reads from the PDF body.
func pdfText(t *testing.T, what, body string) string {
	t.Helper()
	rd, err := pdf.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	tr, err := rd.GetPlainText()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, tr); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCertificateByLink: before completion the certificate is a 409, an
// absent participant's a 404, each said in the person's language; an
// attendee's link lives on after the end for the certificate, in their
// language with their name in Cyrillic, and its code is confirmed by the
// page and the API, while a forged code is not.
func TestCertificateByLink(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.certActivity("resilience", false)
		came := e.placed(a, "Батбаяр", "Өлзий", "batbayar@example.org")
		absent := e.placed(a, "Сараа", "Болд", "saraa@example.org")
		e.attended(came, true)
		e.attended(absent, false)
		c := e.client()
		link := "/r/" + came.ManageToken

		if r := c.get(link + "/certificate.pdf"); r.StatusCode != http.StatusConflict || !strings.Contains(text(r), e.msg("mn", "error_certificate_not_completed")) {
			t.Fatalf("before completion: %d %s", r.StatusCode, r.Body)
		}
		if page := c.get(link); page.StatusCode != http.StatusOK || strings.Contains(page.Body, "certificate.pdf") {
			t.Fatalf("the page before completion: %d", page.StatusCode)
		}
		e.completeInPast(a)

		r := c.get("/r/" + absent.ManageToken + "/certificate.pdf")
		if r.StatusCode != http.StatusNotFound || !strings.Contains(text(r), e.msg("mn", "error_certificate_not_attended")) {
			t.Fatalf("the absent participant: %d %s", r.StatusCode, r.Body)
		}
		wantPrivate(t, "a refusal", r)
		if r := c.get("/r/" + absent.ManageToken); r.StatusCode != http.StatusNotFound {
			t.Fatalf("the absent participant's page after the end: %d", r.StatusCode)
		}
		if e.rows("certificates") != 0 {
			t.Fatal("a refusal issued a certificate")
		}

		page := c.get(link)
		if page.StatusCode != http.StatusOK || !strings.Contains(text(page), e.msg("mn", "certificate_ready")) ||
			!strings.Contains(page.Body, `href="`+link+`/certificate.pdf"`) || strings.Contains(page.Body, "/cancel") {
			t.Fatalf("the attendee's page after the end: %d %s", page.StatusCode, page.Body)
		}
		wantPrivate(t, "the attendee's page", page)

		pdfRes := c.get(link + "/certificate.pdf")
		body := wantPDF(t, "the certificate", pdfRes)
		wantPrivate(t, "the certificate", pdfRes)
		code := e.certificateCode(came.ID)
		for _, want := range []string{"Батбаяр Өлзий", "Тэсвэрт чанар ба сайн сайхан байдал", e.msg("mn", "certificate_heading"), code,
			"http://127.0.0.1/verify/" + code, e.msg("mn", "certificate_hours", "Hours", 8)} {
			if !strings.Contains(body, want) {
				t.Errorf("the certificate lacks %q:\n%s", want, body)
			}
		}
		if got := pdfRes.Header.Get("Content-Disposition"); got != `attachment; filename="gotong-certificate-`+code+`.pdf"` {
			t.Errorf("Content-Disposition %q", got)
		}
		// In French on asking, with the same code.
		if fr := wantPDF(t, "in French", c.get(link+"/certificate.pdf?lang=fr")); !strings.Contains(fr, e.msg("fr", "certificate_heading")) || e.certificateCode(came.ID) != code {
			t.Errorf("in French:\n%s", fr)
		}

		// The check, in the visitor's language, however the code is typed.
		visitor := e.client()
		check := visitor.get("/verify/" + strings.ToLower(code) + "?lang=en")
		if check.StatusCode != http.StatusOK || !strings.Contains(text(check), e.msg("en", "verify_certificate_valid")) ||
			!strings.Contains(check.Body, "Батбаяр Өлзий") || !strings.Contains(check.Body, "Resilience and well-being") {
			t.Fatalf("the check: %d %s", check.StatusCode, check.Body)
		}
		wantPrivate(t, "the check", check)
		res := visitor.get("/api/v1/certificates/" + code + "?lang=mn")
		var got struct {
			Valid    bool    `json:"valid"`
			Name     string  `json:"name"`
			Activity string  `json:"activity"`
			EndedOn  string  `json:"ended_on"`
			Hours    float64 `json:"hours"`
		}
		if err := json.Unmarshal([]byte(res.Body), &got); res.StatusCode != http.StatusOK || err != nil || !got.Valid || got.Name != "Батбаяр Өлзий" ||
			got.Activity != "Тэсвэрт чанар ба сайн сайхан байдал" || got.Hours != 8 || len(got.EndedOn) != 10 {
			t.Fatalf("the API's check: %d %s", res.StatusCode, res.Body)
		}

		forged := path.FormatCode(path.NewCode())
		if r := visitor.get("/verify/" + forged); r.StatusCode != http.StatusNotFound || !strings.Contains(text(r), e.msg("en", "error_certificate_invalid")) ||
			strings.Contains(r.Body, "Батбаяр") {
			t.Fatalf("a forged code's check: %d %s", r.StatusCode, r.Body)
		}
		for _, bad := range []string{forged, "not-a-code", url.PathEscape("Ө")} {
			r := visitor.get("/api/v1/certificates/" + bad)
			if r.StatusCode != http.StatusNotFound || apiErr(t, r).Code != "not_found" {
				t.Fatalf("the API's check of %q: %d %s", bad, r.StatusCode, r.Body)
			}
		}
	})
}

// TestDiscreetCertificateChoice: a discreet activity's certificate names
// it neutrally by default; the participant's choice, posted with the
// form's token, names it in full under a new code.
func TestDiscreetCertificateChoice(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.certActivity("circle", true)
		r := e.placed(a, "Батбаяр", "Өлзий", "batbayar@example.org")
		e.attended(r, true)
		e.completeInPast(a)
		c := e.client()
		link := "/r/" + r.ManageToken
		page := c.get(link)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `action="`+link+`/certificate"`) ||
			!strings.Contains(page.Body, `name="full_title" value="yes"`) {
			t.Fatalf("the discreet activity's page: %d %s", page.StatusCode, page.Body)
		}
		neutral := wantPDF(t, "by default", c.get(link+"/certificate.pdf"))
		if strings.Contains(neutral, "Тэсвэрт чанар") || !strings.Contains(neutral, e.msg("mn", "certificate_neutral_title")) {
			t.Fatalf("by default the certificate names the activity:\n%s", neutral)
		}
		first := e.certificateCode(r.ID)
		if v := c.get("/api/v1/certificates/" + first + "?lang=en"); !strings.Contains(v.Body, `"activity":"`+e.msg("en", "certificate_neutral_title")+`"`) {
			t.Fatalf("the neutral certificate's check: %s", v.Body)
		}

		if res := c.postRaw(link+"/certificate", url.Values{"full_title": {"yes"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a choice without the form's token: %d", res.StatusCode)
		}
		if res := c.postForm(link+"/certificate", url.Values{"full_title": {"maybe"}}); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("a choice that is none: %d", res.StatusCode)
		}
		res := c.postForm(link+"/certificate", url.Values{"full_title": {"yes"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != link+"/certificate.pdf" {
			t.Fatalf("the choice: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		full := wantPDF(t, "with the full title", c.get(res.Header.Get("Location")))
		if !strings.Contains(full, "Тэсвэрт чанар ба сайн сайхан байдал") {
			t.Fatalf("the full title chosen:\n%s", full)
		}
		second := e.certificateCode(r.ID)
		if second == first || c.get("/verify/"+first).StatusCode != http.StatusNotFound {
			t.Fatalf("the old code %s after the choice (new %s)", first, second)
		}
		if v := c.get("/verify/" + second + "?lang=en"); v.StatusCode != http.StatusOK || !strings.Contains(v.Body, "Resilience and well-being") {
			t.Fatalf("the new code's check: %d %s", v.StatusCode, v.Body)
		}
		// Unticked again: neutral again.
		c.get(link)
		c.postForm(link+"/certificate", url.Values{})
		if again := wantPDF(t, "unticked", c.get(link+"/certificate.pdf")); strings.Contains(again, "Тэсвэрт чанар") {
			t.Fatalf("unticked again:\n%s", again)
		}
	})
}

// TestAccountCertificates: a participant's account lists their
// certificates and downloads them; another person's registration is a 404.
func TestAccountCertificates(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.certActivity("account", false)
		mine := e.placed(a, "Батбаяр", "Өлзий", "batbayar@example.org")
		other := e.placed(a, "Сараа", "Болд", "saraa@example.org")
		e.attended(mine, true)
		e.attended(other, true)
		e.completeInPast(a)
		e.user("batbayar@example.org", "participant")
		c := e.client()
		c.login("batbayar@example.org")
		download := "/account/registrations/" + strconv.FormatInt(mine.ID, 10) + "/certificate.pdf"
		page := c.get("/account?lang=en")
		if page.StatusCode != http.StatusOK || !strings.Contains(text(page), e.msg("en", "account_certificates")) ||
			!strings.Contains(page.Body, `href="`+download+`"`) || strings.Contains(page.Body, strconv.FormatInt(other.ID, 10)+"/certificate") {
			t.Fatalf("the account: %d %s", page.StatusCode, page.Body)
		}
		body := wantPDF(t, "from the account", c.get(download))
		if !strings.Contains(body, "Батбаяр Өлзий") || !strings.Contains(body, e.msg("en", "certificate_heading")) {
			t.Fatalf("the account's certificate:\n%s", body)
		}
		if page := c.get("/account?lang=en"); !strings.Contains(page.Body, e.certificateCode(mine.ID)) {
			t.Fatal("the account does not show the issued code")
		}
		if r := c.get("/account/registrations/" + strconv.FormatInt(other.ID, 10) + "/certificate.pdf"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("another person's certificate: %d", r.StatusCode)
		}
		if r := e.client().get(download); r.StatusCode == http.StatusOK {
			t.Fatal("a certificate downloaded without signing in")
		}
	})
}
