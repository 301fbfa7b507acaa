package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
)

// petitionCampaign creates a campaign with an English title and its themes
// and returns its id.
func (e *env) petitionCampaign(title string, themes ...string) int64 {
	e.t.Helper()
	c, err := e.srv.Campaigns.Create(context.Background(), access.Viewer{Staff: true},
		campaigns.Input{Title: map[string]string{"en": title}, Tags: &themes})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

// petitionPartnerUser creates a user of partner organisation partnerID,
// entering the organisation when it is new, and that organisation's part in
// the campaigns given.
func (e *env) petitionPartnerUser(email string, partnerID int64, campaigns ...int64) {
	e.t.Helper()
	now := time.Now().UTC()
	if err := e.db.Exec("INSERT INTO partners (id, name, kind, created_at, updated_at) VALUES (?, ?, 'ngo', ?, ?) ON CONFLICT DO NOTHING",
		partnerID, fmt.Sprintf("Organisation %d", partnerID), now, now).Error; err != nil {
		e.t.Fatal(err)
	}
	for _, c := range campaigns {
		if err := e.db.Exec("INSERT INTO campaign_partners (campaign_id, partner_id, stage) VALUES (?, ?, 'implementation')", c, partnerID).Error; err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := auth.NewStore(e.db, clock.System).CreateUser(context.Background(), 0, auth.NewUser{Email: email, DisplayName: "Partner",
		Password: testPassword, Role: access.Partner, PartnerID: partnerID}); err != nil {
		e.t.Fatal(err)
	}
}

// newPetition stores a petition with an English text only.
func (e *env) newPetition(campaign int64, slug string, goal int) *petitions.Petition {
	e.t.Helper()
	p, err := e.srv.Petitions.Create(context.Background(), 0, petitions.Input{CampaignID: &campaign, Slug: &slug, Goal: &goal,
		Title: map[string]string{"en": "Free the students"}, Text: map[string]string{"en": "They protested in peace.\n\nRelease them now."}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// petitionTally counts what a signature may write: people, signatures and
// tags of people.
func (e *env) petitionTally() [3]int64 {
	e.t.Helper()
	var out [3]int64
	for i, table := range []string{"people", "signatures", "person_tags"} {
		if err := e.db.Table(table).Count(&out[i]).Error; err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// apiPetitionJSON decodes a Petition strictly: a field API.md does not name fails.
func apiPetitionJSON(t *testing.T, r *response, status int) api.Petition {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", r.StatusCode, status, r.Body)
	}
	var p api.Petition
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("petition %q: %v", r.Body, err)
	}
	return p
}

func petitionJSON(campaign int64, slug string, goal int) string {
	b, _ := json.Marshal(map[string]any{"campaign_id": campaign, "slug": slug, "goal": goal,
		"title": map[string]string{"en": "Free the students", "id": "Bebaskan para mahasiswa"},
		"text":  map[string]string{"en": "They protested in peace.", "id": "Mereka berunjuk rasa dengan damai."}})
	return string(b)
}

func TestAPIPetitions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		shared := e.petitionCampaign("Free expression", "expression")
		other := e.petitionCampaign("Climate")

		p := apiPetitionJSON(t, c.api("POST", "/api/v1/petitions", tok, petitionJSON(shared, "free-them", 1000)), http.StatusCreated)
		want := api.Petition{ID: p.ID, CampaignID: shared, Slug: "free-them", Goal: 1000, Signatures: 0,
			Title: map[string]string{"en": "Free the students", "id": "Bebaskan para mahasiswa"},
			Text:  map[string]string{"en": "They protested in peace.", "id": "Mereka berunjuk rasa dengan damai."}}
		if p.ID == 0 || fmt.Sprint(p) != fmt.Sprint(want) {
			t.Fatalf("created %+v, want %+v", p, want)
		}
		second := apiPetitionJSON(t, c.api("POST", "/api/v1/petitions", tok, petitionJSON(other, "climate-now", 50)), http.StatusCreated)

		// Bad bodies: the status, the code and the field, in the request's
		// language, and nothing written.
		for _, tc := range []struct {
			name, body, lang string
			status           int
			code, field, msg string
		}{
			{"goal zero", petitionJSON(shared, "new-one", 0), "fr", 422, "validation_failed", "goal", "L'objectif est un nombre entier"},
			{"goal negative", petitionJSON(shared, "new-one", -3), "en", 422, "validation_failed", "goal", "The goal is a whole number"},
			{"unknown campaign", petitionJSON(9999, "new-one", 10), "id", 422, "validation_failed", "campaign_id", "Kampanye tidak dikenal"},
			{"slug taken", petitionJSON(shared, "free-them", 10), "en", 422, "validation_failed", "slug", "Another petition already has this address."},
			{"slug too short", petitionJSON(shared, "ab", 10), "en", 422, "validation_failed", "slug", "Use 3 to 80 lowercase"},
			{"slug with capitals", petitionJSON(shared, "Free-Them", 10), "en", 422, "validation_failed", "slug", "Use 3 to 80 lowercase"},
			{"no title", `{"campaign_id": 1, "slug": "new-one", "goal": 10}`, "en", 422, "validation_failed", "title", "Give a title in at least one language."},
			{"unknown field", `{"campaign_id": 1, "slug": "new-one", "goal": 10, "owner": 1}`, "en", 400, "bad_request", "", "The body is not valid JSON"},
			{"goal not a number", `{"campaign_id": 1, "slug": "new-one", "goal": "many"}`, "en", 400, "bad_request", "", "The body is not valid JSON"},
			{"id given", `{"id": 5, "campaign_id": 1, "slug": "new-one", "goal": 10, "title": {"en": "T"}, "text": {"en": "X"}}`, "en", 422, "validation_failed", "id", "set by the portal"},
		} {
			r := c.api("POST", "/api/v1/petitions?lang="+tc.lang, tok, tc.body)
			if r.StatusCode != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.name, r.StatusCode, tc.status, r.Body)
				continue
			}
			body := apiErr(t, r)
			got := body.Message
			if tc.field != "" {
				got = body.Fields[tc.field]
			}
			if body.Code != tc.code || !strings.Contains(got, tc.msg) {
				t.Errorf("%s: %+v, want %s with %q", tc.name, body, tc.code, tc.msg)
			}
		}
		var n int64
		e.db.Model(&petitions.Petition{}).Count(&n)
		if n != 2 {
			t.Fatalf("%d petitions after refusals, want 2", n)
		}

		// PATCH changes what it names; a body read back can be sent again.
		path := apiPath("/api/v1/petitions/%d", p.ID)
		up := apiPetitionJSON(t, c.api("PATCH", path, tok, `{"goal": 2000, "title": {"fr": "Libérez les étudiants"}, "text": {"fr": "Ils manifestaient en paix."}}`), http.StatusOK)
		if up.Goal != 2000 || up.Title["fr"] != "Libérez les étudiants" || up.Title["en"] != "Free the students" || up.Slug != "free-them" {
			t.Fatalf("patched %+v", up)
		}
		back, _ := json.Marshal(up)
		apiPetitionJSON(t, c.api("PATCH", path, tok, string(back)), http.StatusOK)
		for _, tc := range []struct {
			name, path, body string
			status           int
			field            string
		}{
			{"goal zero", path, `{"goal": 0}`, 422, "goal"},
			{"unknown campaign", path, `{"campaign_id": 9999}`, 422, "campaign_id"},
			{"slug taken", path, `{"slug": "climate-now"}`, 422, "slug"},
			{"another id", path, fmt.Sprintf(`{"id": %d}`, second.ID), 422, "id"},
			{"unknown petition", "/api/v1/petitions/99999", `{"goal": 5}`, 404, ""},
			{"not an id", "/api/v1/petitions/free-them", `{"goal": 5}`, 404, ""},
		} {
			r := c.api("PATCH", tc.path, tok, tc.body)
			if r.StatusCode != tc.status {
				t.Errorf("PATCH %s: %d, want %d", tc.name, r.StatusCode, tc.status)
				continue
			}
			if body := apiErr(t, r); tc.field != "" && body.Fields[tc.field] == "" {
				t.Errorf("PATCH %s: %+v names no %s", tc.name, body, tc.field)
			}
		}
		stored, _ := e.srv.Petitions.Get(context.Background(), access.Viewer{Staff: true}, p.ID)
		if stored.Goal != 2000 || stored.Slug != "free-them" || stored.CampaignID != shared {
			t.Fatalf("refused patches changed the petition: %+v", stored)
		}

		// The list: staff see all; a partner member the petitions of its
		// organisation's campaigns only; others may not list.
		var list struct{ Items []api.Petition }
		apiJSON(t, c.api("GET", "/api/v1/petitions", tok, ""), http.StatusOK, &list)
		if len(list.Items) != 2 || list.Items[0].ID != second.ID || list.Items[1].Signatures != 0 {
			t.Fatalf("staff list %+v", list.Items)
		}
		e.petitionPartnerUser("partner@example.org", 41, shared)
		partnerTok := e.token("partner@example.org")
		apiJSON(t, c.api("GET", "/api/v1/petitions", partnerTok, ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != p.ID {
			t.Fatalf("the partner sees %+v, want only its campaign's petition", list.Items)
		}
		e.petitionPartnerUser("outsider@example.org", 42)
		apiJSON(t, c.api("GET", "/api/v1/petitions", e.token("outsider@example.org"), ""), http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Fatalf("a partner in no campaign sees %+v", list.Items)
		}
		if r := c.api("GET", "/api/v1/petitions?campaign=1", tok, ""); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown filter: %d", r.StatusCode)
		}
		e.user("part@example.org", access.Participant)
		for _, r := range []struct {
			method, path, token, body string
			status                    int
		}{
			{"GET", "/api/v1/petitions", e.token("part@example.org"), "", 403},
			{"GET", "/api/v1/petitions", "", "", 401},
			{"POST", "/api/v1/petitions", partnerTok, petitionJSON(shared, "partner-one", 10), 403},
			{"PATCH", path, partnerTok, `{"goal": 1}`, 404}, // as if it did not exist
			{"POST", "/api/v1/petitions", "", petitionJSON(shared, "anon-one", 10), 401},
		} {
			if res := e.client().api(r.method, r.path, r.token, r.body); res.StatusCode != r.status {
				t.Errorf("%s %s: %d, want %d", r.method, r.path, res.StatusCode, r.status)
			}
		}
	})
}

func signatureJSON(email string, mod func(m map[string]any)) string {
	m := map[string]any{"given_name": "Sari", "family_name": "Wulandari", "email": email, "region": "ID-JB", "consent": true}
	if mod != nil {
		mod(m)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestAPISign: without a token, a well-formed signature answers 202 and the
// same bytes whether or not the address signed, and counts once its emailed
// link is tapped; staff who manage petitions sign at once (201, 409 for an
// address that signed); bad bodies are refused alike on both paths.
func TestAPISign(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression", "students")
		e.newPetition(camp, "free-them", 1000)
		anon, staff := e.client(), apiStaffToken(e)
		sign := "/api/v1/petitions/free-them/signatures"

		// Staff sign at once.
		var out map[string]int
		apiJSON(t, anon.api("POST", sign, staff, signatureJSON("known@example.org", nil)), http.StatusCreated, &out)
		if len(out) != 1 || out["signatures"] != 1 {
			t.Fatalf("staff's signature answered %v", out)
		}
		r := anon.api("POST", sign+"?lang=fr", staff, signatureJSON("KNOWN@example.org", nil))
		if body := apiErr(t, r); r.StatusCode != http.StatusConflict || body.Message != "Cette adresse e-mail a déjà signé cette pétition." {
			t.Fatalf("staff's second signature: %d %+v", r.StatusCode, body)
		}

		// The public path: the same answer for an address that signed and
		// one that did not, and nothing counted yet.
		before := e.petitionTally()
		known := anon.api("POST", sign, "", signatureJSON("Known@Example.org", nil))
		fresh := anon.api("POST", sign, "", signatureJSON("sari@example.org", nil))
		e.user("part@example.org", access.Participant)
		participant := anon.api("POST", sign, e.token("part@example.org"), signatureJSON("bat@example.org", nil))
		for _, res := range []*response{known, fresh, participant} {
			if res.StatusCode != http.StatusAccepted || res.Body != `{"status":"pending_verification"}` {
				t.Fatalf("a public signature answered %d %s", res.StatusCode, res.Body)
			}
		}
		if after := e.petitionTally(); after != before || e.count("free-them") != 1 {
			t.Fatalf("the forms counted before their links: %v, then %v", before, after)
		}
		if mail := e.signatureMail("known@example.org"); !slices.Equal(mail, []string{"known en"}) {
			t.Fatalf("mail to the address that signed: %v", mail)
		}

		// The link counts the signature, with the campaign's themes.
		link := e.linkTo("sari@example.org")
		c := e.client()
		c.get(link)
		if res := c.postForm(link, url.Values{}); res.StatusCode != http.StatusOK || e.count("free-them") != 2 {
			t.Fatalf("the tap: %d, count %d", res.StatusCode, e.count("free-them"))
		}
		var person people.Person
		if err := e.db.Where("email = ?", "sari@example.org").Take(&person).Error; err != nil {
			t.Fatal(err)
		}
		tags, _ := people.TagsOf(e.db, []int64{person.ID})
		if !slices.Equal(tags[person.ID], []string{"expression", "students"}) || person.Region != "ID-JB" {
			t.Fatalf("signer %+v tagged %v", person, tags[person.ID])
		}

		before = e.petitionTally()
		mails := countMail(e)
		for _, tc := range []struct {
			name, body, lang string
			status           int
			code, field, msg string
		}{
			{"no consent", signatureJSON("new@example.org", func(m map[string]any) { m["consent"] = false }), "fr", 422, "validation_failed", "consent", "Pour signer, veuillez accepter"},
			{"consent left out", signatureJSON("new@example.org", func(m map[string]any) { delete(m, "consent") }), "id", 422, "validation_failed", "consent", "mohon setujui"},
			{"bad email", signatureJSON("not-an-email", nil), "fr", 422, "validation_failed", "email", "Cette adresse e-mail n'est pas valide."},
			{"no email", signatureJSON("", nil), "en", 422, "validation_failed", "email", "This field is required."},
			{"no given name", signatureJSON("new@example.org", func(m map[string]any) { m["given_name"] = " " }), "id", 422, "validation_failed", "given_name", "wajib diisi"},
			{"unknown region", signatureJSON("new@example.org", func(m map[string]any) { m["region"] = "XX-1" }), "fr", 422, "validation_failed", "region", "Région inconnue"},
			{"not JSON", `{"email":`, "en", 400, "bad_request", "", "The body is not valid JSON"},
			{"unknown field", signatureJSON("new@example.org", func(m map[string]any) { m["birth_year"] = 2005 }), "en", 400, "bad_request", "", "The body is not valid JSON"},
			{"unknown petition", signatureJSON("new@example.org", nil), "en", 404, "not_found", "", "This page does not exist"},
		} {
			path := sign
			if tc.name == "unknown petition" {
				path = "/api/v1/petitions/no-such-petition/signatures"
			}
			for _, tok := range []string{"", staff} {
				r := anon.api("POST", path+"?lang="+tc.lang, tok, tc.body)
				if r.StatusCode != tc.status {
					t.Errorf("%s: %d, want %d: %s", tc.name, r.StatusCode, tc.status, r.Body)
					continue
				}
				body := apiErr(t, r)
				got := body.Message
				if tc.field != "" {
					got = body.Fields[tc.field]
				}
				if body.Code != tc.code || !strings.Contains(got, tc.msg) {
					t.Errorf("%s: %+v, want %s with %q", tc.name, body, tc.code, tc.msg)
				}
			}
		}
		if after := e.petitionTally(); after != before || countMail(e) != mails {
			t.Fatalf("refused signatures wrote: people, signatures, tags %v, then %v; mail %d, then %d", before, after, mails, countMail(e))
		}
		if n := e.count("free-them"); n != 2 {
			t.Fatalf("count %d after refusals, want 2", n)
		}
		// Accept-Language chooses the language too.
		anon.header.Set("Accept-Language", "id-ID,id;q=0.9")
		r = anon.api("POST", sign, "", signatureJSON("not-an-email", nil))
		if body := apiErr(t, r); !strings.Contains(body.Fields["email"], "Alamat email ini tidak valid.") {
			t.Errorf("Indonesian by Accept-Language: %+v", body)
		}
	})
}

// apiStaffToken is the token of a coordinator, who manages petitions.
func apiStaffToken(e *env) string {
	_, tok := apiStaff(e)
	return tok
}

// countMail counts the mail queued.
func countMail(e *env) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Model(&outbox.Message{}).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// petitionForm is a complete signing form.
func petitionForm(email string) url.Values {
	return url.Values{"given_name": {"Saraa"}, "family_name": {"Bold"}, "email": {email}, "region": {"MN-057"}, "consent": {"yes"}}
}

// TestSignaturesAnswerTheSame: the form and the API answer an address that
// signed exactly as one that did not: the same status, the same redirect to
// the same page, the same bytes. Only the email differs. Past the limit of
// notices per email, the answers stay the same and no more mail goes out.
func TestSignaturesAnswerTheSame(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		if _, err := e.srv.Petitions.Sign(context.Background(), "free-them",
			petitions.Signer{GivenName: "Saraa", Email: "signed@example.org", Consent: true}, "en"); err != nil {
			t.Fatal(err)
		}
		// The form, each from a fresh browser: status, Location and the
		// page it leads to.
		form := func(email string) (int, string, string) {
			c := e.client()
			c.get("/p/free-them?lang=mn")
			res := c.postForm("/p/free-them", petitionForm(email))
			return res.StatusCode, res.Header.Get("Location"), c.get(res.Header.Get("Location")).Body
		}
		knownStatus, knownLoc, knownPage := form("Signed@example.org")
		newStatus, newLoc, newPage := form("unknown@example.org")
		if knownStatus != http.StatusSeeOther || knownStatus != newStatus || knownLoc != newLoc || knownLoc != "/p/free-them/check-email" {
			t.Fatalf("the form answered %d to %q for a signer, %d to %q for a stranger", knownStatus, knownLoc, newStatus, newLoc)
		}
		if knownPage != newPage || pageLang(newPage) != "mn" {
			t.Fatal("the page after the form differs between a signer and a stranger")
		}
		// The API: the same bytes.
		api := func(email string) *response {
			return e.client().api("POST", "/api/v1/petitions/free-them/signatures", "", signatureJSON(email, nil))
		}
		known, fresh := api("SIGNED@example.org"), api("another@example.org")
		if known.StatusCode != http.StatusAccepted || known.StatusCode != fresh.StatusCode || known.Body != fresh.Body {
			t.Fatalf("the API answered %d %s for a signer, %d %s for a stranger", known.StatusCode, known.Body, fresh.StatusCode, fresh.Body)
		}
		// Only the email tells them apart, in the form's language.
		for email, want := range map[string][]string{"signed@example.org": {"known mn", "known en"},
			"unknown@example.org": {"verify mn"}, "another@example.org": {"verify en"}} {
			if got := e.signatureMail(email); !slices.Equal(got, want) {
				t.Errorf("mail to %s: %v, want %v", email, got, want)
			}
		}
		if n := e.count("free-them"); n != 1 {
			t.Fatalf("count %d, want 1: nothing counts before its link", n)
		}

		// Past the limit per email: answered alike, no more mail.
		c := e.client()
		c.get("/p/free-them")
		for i := 0; i < formlimit.PerEmail+2; i++ {
			res := c.postForm("/p/free-them", petitionForm("busy@example.org"))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != knownLoc {
				t.Fatalf("form %d: %d to %q", i+1, res.StatusCode, res.Header.Get("Location"))
			}
		}
		if res := api("busy@example.org"); res.StatusCode != http.StatusAccepted || res.Body != fresh.Body {
			t.Fatalf("the API past the limit: %d %s", res.StatusCode, res.Body)
		}
		if n := len(e.mailTo("busy@example.org")); n != formlimit.PerEmail {
			t.Fatalf("%d mails to one address, want %d", n, formlimit.PerEmail)
		}
	})
}

func TestPetitionPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		fr := e.srv.Catalog.Localizer("fr")
		c := e.client()

		page := c.get("/p/free-them?lang=fr")
		if page.StatusCode != http.StatusOK || pageLang(page.Body) != "fr" {
			t.Fatalf("page: %d", page.StatusCode)
		}
		for what, want := range map[string]string{
			"the title":            "Free the students",
			"the text":             "<p>They protested in peace.</p><p>Release them now.</p>",
			"the fallback notice":  html.EscapeString(fr.T("activity_fallback")),
			"the count of goal":    html.EscapeString(fr.Plural("petition_progress", 0, "Goal", fr.Number(1000))),
			"the meter":            `<meter id="petition-meter" min="0" max="1000" value="0"`,
			"the form":             `<form method="post" action="/p/free-them" class="form" id="sign-form">`,
			"the CSRF field":       `<input type="hidden" name="_csrf" value="`,
			"the consent text":     html.EscapeString(fr.T("petition_consent_text")),
			"the region select":    `<select id="f-region" name="region">`,
			"the given name field": `id="f-given_name" name="given_name"`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %s (%q)", what, want)
			}
		}
		if strings.Contains(page.Body, "style=") || strings.Contains(page.Body, "<script") {
			t.Error("the page has an inline style or a script, which the CSP forbids")
		}
		if size := gzipped(t, page.Body) + gzipped(t, c.get("/static/app.css").Body); size > 30*1024 {
			t.Errorf("the petition page weighs %d bytes gzipped with its stylesheet", size)
		}
		if res := c.get("/p/no-such-petition"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown petition: %d", res.StatusCode)
		}

		// Without the CSRF token nothing happens.
		before := e.petitionTally()
		if res := c.postRaw("/p/free-them", petitionForm("eve@example.org")); res.StatusCode != http.StatusForbidden {
			t.Fatalf("no CSRF token: %d", res.StatusCode)
		}
		if after := e.petitionTally(); after != before {
			t.Fatalf("a form without CSRF token wrote %v", after)
		}

		// A signature: 303 to "check your email", which says how long the
		// link works and what to do if nothing arrives; nothing counts yet.
		res := c.postForm("/p/free-them", petitionForm("saraa@example.org"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/p/free-them/check-email" {
			t.Fatalf("signing: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		check := c.get(res.Header.Get("Location"))
		if check.StatusCode != http.StatusOK || pageLang(check.Body) != "fr" {
			t.Fatalf("check your email: %d", check.StatusCode)
		}
		for what, want := range map[string]string{
			"the heading":     "<h1>" + html.EscapeString(fr.T("check_email_title")) + "</h1>",
			"the lifetime":    html.EscapeString(fr.T("check_email_lifetime", "Hours", 48)),
			"wait":            html.EscapeString(fr.T("check_email_wait")),
			"the spam folder": html.EscapeString(fr.T("check_email_spam")),
			"sign again":      `<a href="/p/free-them#sign-form" id="check-email-again">` + html.EscapeString(fr.T("check_email_again")) + `</a>`,
		} {
			if !strings.Contains(check.Body, want) {
				t.Errorf("check your email lacks %s (%q)", what, want)
			}
		}
		if strings.Contains(check.Body, "saraa") {
			t.Error("check your email echoes the address")
		}
		if res := c.get("/p/no-such-petition/check-email"); res.StatusCode != http.StatusNotFound {
			t.Errorf("check your email of an unknown petition: %d", res.StatusCode)
		}
		if page := c.get("/p/free-them"); !strings.Contains(page.Body, `value="0"`) {
			t.Error("the count rose before the link was tapped")
		}
		link := e.linkTo("saraa@example.org")
		c.get(link)
		c.postForm(link, url.Values{})
		if page := c.get("/p/free-them"); !strings.Contains(page.Body, `value="1"`) ||
			!strings.Contains(page.Body, html.EscapeString(fr.Plural("petition_progress", 1, "Goal", fr.Number(1000)))) {
			t.Error("the count did not rise after the tap")
		}

		// Refusals show the form again as typed, the message beside its
		// field, in French, with a 4xx, and write nothing.
		before = e.petitionTally()
		noConsent := petitionForm("new@example.org")
		noConsent.Del("consent")
		badRegion := petitionForm("new@example.org")
		badRegion.Set("region", "XX-1")
		noName := petitionForm("new@example.org")
		noName.Set("given_name", "")
		for _, tc := range []struct {
			name   string
			form   url.Values
			status int
			field  string
			msg    string
		}{
			{"no consent", noConsent, 422, "consent", fr.T("error_petition_consent_required")},
			{"bad email", petitionForm("not-an-email"), 422, "email", fr.T("error_email_invalid")},
			{"no given name", noName, 422, "given_name", fr.T("error_required")},
			{"unknown region", badRegion, 422, "region", fr.T("error_region_unknown")},
		} {
			res := c.postForm("/p/free-them", tc.form)
			if res.StatusCode != tc.status {
				t.Errorf("%s: %d, want %d", tc.name, res.StatusCode, tc.status)
				continue
			}
			if want := fieldError(tc.field, tc.msg); !strings.Contains(res.Body, want) {
				t.Errorf("%s: the page lacks %q", tc.name, want)
			}
			if email := tc.form.Get("email"); !strings.Contains(res.Body, `value="`+html.EscapeString(email)+`"`) || pageLang(res.Body) != "fr" {
				t.Errorf("%s: the form lost what was typed, or its language", tc.name)
			}
		}
		if !strings.Contains(c.postForm("/p/free-them", noConsent).Body, `value="Bold"`) {
			t.Error("the family name was not kept")
		}
		if after := e.petitionTally(); after != before || countMail(e) != 1 {
			t.Fatalf("refused forms wrote: %v, then %v; %d mails, want 1", before, after, countMail(e))
		}
		if res := c.postForm("/p/no-such-petition", petitionForm("new@example.org")); res.StatusCode != http.StatusNotFound {
			t.Errorf("signing an unknown petition: %d", res.StatusCode)
		}
	})
}

// petitionFormValues is a complete staff form of a petition.
func petitionFormValues(campaign int64, slug string) url.Values {
	return url.Values{"campaign_id": {itoa(campaign)}, "slug": {slug}, "goal": {"1000"},
		"title_en": {"Free the students"}, "text_en": {"They protested in peace."},
		"title_fr": {""}, "text_fr": {""}, "title_mn": {""}, "text_mn": {""}, "title_id": {""}, "text_id": {""}}
}

func TestManagePetitions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression")
		c := e.staffClient("coord@example.org", access.Coordinator)
		if res := c.get("/manage/petitions"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "No petitions yet.") {
			t.Fatalf("empty list: %d", res.StatusCode)
		}
		form := c.get("/manage/petitions/new")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `<option value="`+itoa(camp)+`">Free expression</option>`) {
			t.Fatalf("new form: %d", form.StatusCode)
		}

		// Refusals show the form again with the messages beside the fields.
		bad := petitionFormValues(camp, "Bad Slug")
		bad.Set("goal", "0")
		bad.Set("text_en", "")
		res := c.postForm("/manage/petitions", bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d", res.StatusCode)
		}
		for field, msg := range map[string]string{
			"goal": "The goal is a whole number of signatures from 1 to 100,000,000.",
			"slug": "Use 3 to 80 lowercase letters, digits and dashes.",
			"text": "Give both a title and a text in each language you write in.",
		} {
			if !strings.Contains(res.Body, fieldError(field, msg)) {
				t.Errorf("the form lacks the %s message", field)
			}
		}
		if !strings.Contains(res.Body, `value="Bad Slug"`) || !strings.Contains(res.Body, `value="Free the students"`) {
			t.Error("the form lost what was typed")
		}
		notNumber := petitionFormValues(camp, "free-them")
		notNumber.Set("goal", "lots")
		notNumber.Set("campaign_id", "9999")
		if res := c.postForm("/manage/petitions", notNumber); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, fieldError("goal", "The goal is a whole number of signatures from 1 to 100,000,000.")) {
			t.Errorf("a goal that is not a number: %d", res.StatusCode)
		}
		if res := c.postForm("/manage/petitions", petitionFormValues(9999, "free-them")); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, fieldError("campaign_id", "Unknown campaign.")) {
			t.Errorf("an unknown campaign: %d", res.StatusCode)
		}
		var n int64
		e.db.Model(&petitions.Petition{}).Count(&n)
		if n != 0 {
			t.Fatalf("refused forms stored %d petitions", n)
		}

		// A valid form stores the petition; the list shows its count and goal.
		res = c.postForm("/manage/petitions", petitionFormValues(camp, "free-them"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/manage/petitions?saved=1" {
			t.Fatalf("create: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		p, err := e.srv.Petitions.GetBySlug(context.Background(), "free-them")
		if err != nil || p.Goal != 1000 || p.CampaignID != camp {
			t.Fatalf("stored %+v, %v", p, err)
		}
		if _, err := e.srv.Petitions.Sign(context.Background(), "free-them", petitions.Signer{GivenName: "A", Email: "a@example.org", Consent: true}, "en"); err != nil {
			t.Fatal(err)
		}
		list := c.get("/manage/petitions?saved=1")
		row := fmt.Sprintf(`<tr id="petition-%d">`, p.ID)
		if !strings.Contains(list.Body, row) || !strings.Contains(list.Body, ">Free expression</td>") ||
			!strings.Contains(list.Body, `data-label="Signatures">1</td>`) || !strings.Contains(list.Body, `data-label="Goal">1,000</td>`) {
			t.Fatalf("the list does not show the petition with its count and goal")
		}

		// Editing: the form is filled in; a save changes the petition.
		edit := c.get(fmt.Sprintf("/manage/petitions/%d/edit", p.ID))
		if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, `value="free-them"`) || !strings.Contains(edit.Body, `value="1000"`) ||
			!strings.Contains(edit.Body, "1 of 1,000 signatures") {
			t.Fatalf("edit form: %d", edit.StatusCode)
		}
		vals := petitionFormOfValues(p)
		vals.Set("goal", "50")
		vals.Set("title_fr", "Libérez les étudiants")
		vals.Set("text_fr", "Ils manifestaient en paix.")
		if res := c.postForm(fmt.Sprintf("/manage/petitions/%d", p.ID), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		p, _ = e.srv.Petitions.Get(context.Background(), access.Viewer{Staff: true}, p.ID)
		if p.Goal != 50 || p.TextIn("fr", "en").Title != "Libérez les étudiants" {
			t.Fatalf("saved %+v", p)
		}
		vals.Set("goal", "-1")
		if res := c.postForm(fmt.Sprintf("/manage/petitions/%d", p.ID), vals); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad save: %d", res.StatusCode)
		}
		for _, path := range []string{"/manage/petitions/99999/edit", "/manage/petitions/abc/edit"} {
			if res := c.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, res.StatusCode)
			}
		}

		// Partner members and participants may not; visitors must sign in.
		e.petitionPartnerUser("partner@example.org", 41, camp)
		partner := e.client()
		partner.login("partner@example.org")
		participant := e.staffClient("part@example.org", access.Participant)
		for _, u := range []*client{partner, participant} {
			for _, path := range []string{"/manage/petitions", "/manage/petitions/new", fmt.Sprintf("/manage/petitions/%d/edit", p.ID)} {
				want := http.StatusForbidden
				if u == partner && strings.HasSuffix(path, "/edit") {
					want = http.StatusNotFound // a page of an object: as if it did not exist
				}
				if res := u.get(path); res.StatusCode != want {
					t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
				}
			}
			if res := u.postForm("/manage/petitions", petitionFormValues(camp, "sneaky-one")); res.StatusCode != http.StatusForbidden {
				t.Errorf("POST /manage/petitions: %d, want 403", res.StatusCode)
			}
		}
		if res := e.client().get("/manage/petitions"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("anonymous: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		e.db.Model(&petitions.Petition{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d petitions, want 1", n)
		}
	})
}

// petitionFormOfValues is the edit form of a stored petition as a browser
// would send it back.
func petitionFormOfValues(p *petitions.Petition) url.Values {
	vals := url.Values{}
	for k, v := range ui.PetitionFormOf(p) {
		vals.Set(k, v)
	}
	return vals
}
