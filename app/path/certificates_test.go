package path

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"github.com/ledongthuc/pdf"
	"gorm.io/gorm"
)

func TestParseCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"7KQ2MX9D4TH3VWB", "7KQ2MX9D4TH3VWB", true},
		{"7KQ2M-X9D4T-H3VWB", "7KQ2MX9D4TH3VWB", true},
		{"7kq2m-x9d4t-h3vwb", "7KQ2MX9D4TH3VWB", true},
		{" 7kq2m x9d4t h3vwb ", "7KQ2MX9D4TH3VWB", true},
		{"OKQ2M-X9D4T-H3VWB", "0KQ2MX9D4TH3VWB", true}, // O is read as zero
		{"IKQ2M-X9D4T-H3VWL", "1KQ2MX9D4TH3VW1", true}, // I and L as one
		{"UKQ2M-X9D4T-H3VWB", "", false},               // U is not in the alphabet
		{"7KQ2M-X9D4T-H3VW", "", false},                // too short
		{"7KQ2M-X9D4T-H3VWBB", "", false},              // too long
		{"7KQ2M_X9D4T_H3VWB", "", false},
		{"7KQ2M-X9D4T-H3VWБ", "", false},
		{"", "", false},
		{strings.Repeat("-", 100) + "7KQ2MX9D4TH3VWB", "", false},
	} {
		got, ok := ParseCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseCode(%q) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if back, ok := ParseCode(FormatCode(c)); !ok || back != c || seen[c] {
			t.Fatalf("NewCode() = %q: parsed back %q, %v; seen before %v", c, back, ok, seen[c])
		}
		seen[c] = true
	}
	if got := FormatCode("7KQ2MX9D4TH3VWB"); got != "7KQ2M-X9D4T-H3VWB" {
		t.Errorf("FormatCode = %q", got)
	}
}

// FuzzParseCode: whatever is typed, ParseCode either refuses it or returns
// a code in its own form, which it reads back unchanged, printed or not.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"7KQ2M-X9D4T-H3VWB", "okq2m x9d4t h3vwl", "", "Ө"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := ParseCode(s)
		if !ok {
			return
		}
		if len(code) != CodeLen || strings.Trim(code, codeAlphabet) != "" {
			t.Fatalf("ParseCode(%q) = %q", s, code)
		}
		for _, again := range []string{code, FormatCode(code), strings.ToLower(FormatCode(code))} {
			if back, ok := ParseCode(again); !ok || back != code {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", again, back, ok, code)
			}
		}
	})
}

// certWorld is a database with an activity store and a registration
// service, for the certificate tests.
type certWorld struct {
	t    *testing.T
	db   *gorm.DB
	reg  *registration.Service
	acts *activities.Store
	cert *Certificates
}

func newCertWorld(t *testing.T, db *gorm.DB) *certWorld {
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	gens := new(changes.Generations)
	reg := registration.NewService(db, people.NewStore(db, sealer, clock.System), nil, activities.NewCache(db, &gens.Activities), nil, "http://gotong.test", gens, clock.System, registration.Rules{})
	return &certWorld{t: t, db: db, reg: reg, acts: activities.NewStore(db, reg, gens, clock.System, "UTC"),
		cert: NewCertificates(db, clock.System)}
}

// activity creates and publishes an activity of 8 hours ending at end.
func (w *certWorld) activity(title string, end time.Time, discreet bool) *activities.Activity {
	w.t.Helper()
	kind, capacity, start, zone := activities.KindTraining, 10, end.Add(-8*time.Hour), "Asia/Ulaanbaatar"
	a, err := w.acts.Create(context.Background(), 0, activities.Input{Kind: &kind, Capacity: &capacity, Timezone: &zone,
		StartsAt: &start, EndsAt: &end, Discreet: &discreet, Title: map[string]string{"mn": title}})
	if err != nil {
		w.t.Fatal(err)
	}
	if a, err = w.acts.SetStatus(context.Background(), 0, a.ID, activities.StatusPublished); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *certWorld) complete(a *activities.Activity) {
	w.t.Helper()
	if _, err := w.acts.SetStatus(context.Background(), 0, a.ID, activities.StatusCompleted); err != nil {
		w.t.Fatal(err)
	}
}

func (w *certWorld) register(a *activities.Activity, given, family, email string) *registration.Placed {
	w.t.Helper()
	r, err := w.reg.Register(context.Background(), a, registration.Request{Consent: true, Person: people.Declared{
		GivenName: given, FamilyName: family, Email: email, BirthYear: 2006, Region: "MN-057", Locality: people.Urban, Locale: "mn"}})
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// attend marks attendance as if the activity had taken place (it starts
// in the future: the service would refuse the mark).
func (w *certWorld) attend(r *registration.Placed, came bool) {
	w.t.Helper()
	if err := w.db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", came).Error; err != nil {
		w.t.Fatal(err)
	}
}

// TestCertificates: who gets one (an attendee of a completed activity,
// nobody absent or unmarked, nobody before completion), that it is issued
// once, verifies by its code however typed, appears on the path, and that
// a forged code or an erased person's verifies nothing.
func TestCertificates(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newCertWorld(t, db)
		end := time.Date(2031, 7, 4, 20, 0, 0, 0, time.UTC) // the next morning in Ulaanbaatar
		a := w.activity("Хүний эрхийн сургалт", end, false)
		came := w.register(a, "Батбаяр", "Өлзий", "batbayar@example.org")
		absent := w.register(a, "Сараа", "Болд", "saraa@example.org")
		unmarked := w.register(a, "Тэмүүлэн", "", "temuulen@example.org")
		w.attend(came, true)
		w.attend(absent, false)
		owner := func(r *registration.Placed) int64 { return *r.PersonID }

		if _, err := w.cert.ForRegistration(ctx, owner(came), came.ID); !errors.Is(err, ErrNotCompleted) {
			t.Fatalf("before completion: %v", err)
		}
		w.complete(a)
		for name, r := range map[string]*registration.Placed{"absent": absent, "unmarked": unmarked} {
			if _, err := w.cert.ForRegistration(ctx, owner(r), r.ID); !errors.Is(err, ErrNotAttended) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := w.cert.ForRegistration(ctx, owner(absent), came.ID); err == nil {
			t.Fatal("another person's registration gave a certificate")
		}
		o, err := w.cert.ForRegistration(ctx, owner(came), came.ID)
		if err != nil || o.Name != "Батбаяр Өлзий" || o.Certificate != nil {
			t.Fatalf("the attendee's offer: %+v, %v", o, err)
		}
		byLink, err := w.cert.ByLink(ctx, came.ManageToken)
		if err != nil || byLink.RegistrationID != came.ID {
			t.Fatalf("by the manage link: %+v, %v", byLink, err)
		}
		for _, token := range []string{"junk", strings.Repeat("a", 43), absent.ManageToken} {
			if _, err := w.cert.ByLink(ctx, token); err == nil {
				t.Errorf("link %q gave a certificate", token)
			}
		}
		if _, err := w.cert.ByLink(ctx, "junk"); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Errorf("a junk link: %v", err)
		}

		c, err := w.cert.Issue(ctx, o, "mn")
		if err != nil || len(c.Code) != CodeLen || c.Locale != "mn" || c.FullTitle {
			t.Fatalf("issued %+v, %v", c, err)
		}
		again, _ := w.cert.ForRegistration(ctx, owner(came), came.ID)
		if c2, err := w.cert.Issue(ctx, again, "en"); err != nil || c2.Code != c.Code || c2.Locale != "mn" {
			t.Fatalf("issued again: %+v, %v", c2, err)
		}
		// Two first downloads at once issue one certificate.
		fresh := &Offer{RegistrationID: came.ID, PersonID: owner(came)}
		if c3, err := w.cert.Issue(ctx, fresh, "en"); err != nil || c3.Code != c.Code {
			t.Fatalf("a concurrent first issue: %+v, %v", c3, err)
		}

		for _, typed := range []string{c.Code, FormatCode(c.Code), strings.ToLower(FormatCode(c.Code))} {
			v, err := w.cert.Verify(ctx, typed)
			if err != nil || v.Name != "Батбаяр Өлзий" || v.Activity.ID != a.ID || v.Minutes != 480 ||
				v.EndedOn.String() != "2031-07-05" || v.Code != FormatCode(c.Code) {
				t.Fatalf("Verify(%q) = %+v, %v", typed, v, err)
			}
		}
		for _, forged := range []string{NewCode(), "not a code", ""} {
			if _, err := w.cert.Verify(ctx, forged); !errors.Is(err, ErrInvalidCode) {
				t.Errorf("Verify(%q): %v", forged, err)
			}
		}

		list, err := w.cert.ForPerson(ctx, owner(came))
		if err != nil || len(list) != 1 || list[0].Certificate == nil || list[0].Certificate.Code != c.Code {
			t.Fatalf("ForPerson: %+v, %v", list, err)
		}
		if list, err := w.cert.ForPerson(ctx, owner(absent)); err != nil || len(list) != 0 {
			t.Fatalf("the absent person's certificates: %+v, %v", list, err)
		}
		p, err := NewService(db).Of(ctx, owner(came))
		if err != nil || len(p.Entries) != 1 || p.Entries[0].Certificate == nil || *p.Entries[0].Certificate != FormatCode(c.Code) {
			t.Fatalf("the path: %+v, %v", p, err)
		}

		// Attendance unmarked afterwards: the code no longer verifies.
		w.attend(came, false)
		if _, err := w.cert.Verify(ctx, c.Code); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("after attendance was unmarked: %v", err)
		}
		w.attend(came, true)
		// The person erased: their certificate goes with them.
		if err := db.Delete(&people.Person{}, owner(came)).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := w.cert.Verify(ctx, c.Code); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("after erasure: %v", err)
		}
		var left int64
		db.Model(&Certificate{}).Count(&left)
		if left != 0 {
			t.Fatalf("%d certificates left after erasure", left)
		}
	})
}

// TestDiscreetCertificate: a discreet activity's certificate names it
// neutrally until its participant chooses the full title; a changed choice
// gets a new code, and the old one no longer verifies.
func TestDiscreetCertificate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newCertWorld(t, db)
		a := w.activity("ЛГБТИ залуучуудын уулзалт", time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC), true)
		r := w.register(a, "Сараа", "Болд", "saraa@example.org")
		w.attend(r, true)
		w.complete(a)
		o, err := w.cert.ForRegistration(ctx, *r.PersonID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.cert.Issue(ctx, o, "mn")
		if err != nil || c.FullTitle {
			t.Fatalf("issued %+v, %v", c, err)
		}
		v, _ := w.cert.Verify(ctx, c.Code)
		if got := Title(v.Activity, v.FullTitle, "mn", "en", "neutral"); got != "neutral" {
			t.Fatalf("by default the title is %q", got)
		}
		first := c.Code
		c, err = w.cert.Choose(ctx, o, "mn", true)
		if err != nil || !c.FullTitle || c.Code == first {
			t.Fatalf("chose the full title: %+v, %v", c, err)
		}
		if _, err := w.cert.Verify(ctx, first); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("the first code after the choice: %v", err)
		}
		v, err = w.cert.Verify(ctx, c.Code)
		if err != nil || Title(v.Activity, v.FullTitle, "mn", "en", "neutral") != "ЛГБТИ залуучуудын уулзалт" {
			t.Fatalf("the new code: %+v, %v", v, err)
		}
		// The same choice again changes nothing.
		if same, err := w.cert.Choose(ctx, o, "mn", true); err != nil || same.Code != c.Code {
			t.Fatalf("the same choice again: %+v, %v", same, err)
		}
	})
}

func TestTitle(t *testing.T) {
	t.Parallel()
	open := &activities.Activity{Translations: []activities.Translation{{Locale: "en", Title: "Camp"}, {Locale: "mn", Title: "Зуслан"}}}
	discreet := &activities.Activity{Discreet: true, Translations: open.Translations}
	for _, tc := range []struct {
		a    *activities.Activity
		full bool
		lang string
		want string
	}{
		{open, false, "mn", "Зуслан"},
		{open, true, "fr", "Camp"}, // falls back to the default language
		{discreet, false, "mn", "neutral"},
		{discreet, true, "mn", "Зуслан"},
	} {
		if got := Title(tc.a, tc.full, tc.lang, "en", "neutral"); got != tc.want {
			t.Errorf("Title(discreet %v, full %v, %s) = %q, want %q", tc.a.Discreet, tc.full, tc.lang, got, tc.want)
		}
	}
}

// pdfText is the text a PDF parser reads from a PDF, lines joined.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if r.NumPage() != 1 {
		t.Fatalf("%d pages", r.NumPage())
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestCertificatePDF reads the certificate back with a PDF parser: the
// name in Cyrillic with Mongolian Ө and Ү, the Mongolian title, the local
// dates, the hours, the code and where to check it; a discreet activity
// named neutrally; a name with letters no font has still makes a PDF.
func TestCertificatePDF(t *testing.T) {
	t.Parallel()
	catalog, err := i18n.Load(locales.FS, "en", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	mn := catalog.Localizer("mn")
	start := time.Date(2031, 7, 4, 1, 0, 0, 0, time.UTC) // 09:00 in Ulaanbaatar
	title := "Сэтгэл зүйн тэсвэрт чанар ба сайн сайхан байдал"
	a := &activities.Activity{StartsAt: start, EndsAt: start.Add(50 * time.Hour), Timezone: "Asia/Ulaanbaatar",
		Translations: []activities.Translation{{Locale: "mn", Title: title}, {Locale: "en", Title: "Resilience and well-being"}}}
	o := &Offer{Name: "Батбаяр Өлзий", Activity: a,
		Certificate: &Certificate{Code: "7KQ2MX9D4TH3VWB", IssuedAt: start.Add(72 * time.Hour)}}
	render := func(o *Offer) string {
		t.Helper()
		var b bytes.Buffer
		if err := WritePDF(&b, NewSheet(mn, "en", "https://gotong.example", o)); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
		return pdfText(t, b.Bytes())
	}
	text := render(o)
	for _, want := range []string{"Батбаяр Өлзий", title, mn.T("certificate_heading"),
		mn.T("certificate_dates", "From", a.Day(mn, a.StartsAt), "To", a.Day(mn, a.EndsAt)),
		mn.T("certificate_hours", "Hours", mn.Number(50)),
		mn.T("certificate_code", "Code", "7KQ2M-X9D4T-H3VWB"),
		"https://gotong.example/verify/7KQ2M-X9D4T-H3VWB"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}

	a.Discreet = true
	text = render(o)
	if strings.Contains(text, title) || !strings.Contains(text, mn.T("certificate_neutral_title")) {
		t.Errorf("a discreet activity's certificate:\n%s", text)
	}
	o.Certificate.FullTitle = true
	if text = render(o); !strings.Contains(text, title) {
		t.Errorf("with the full title chosen:\n%s", text)
	}

	o.Name = "Saraa 🌱 李"
	if text = render(o); !strings.Contains(text, "Saraa") {
		t.Errorf("a name with letters no font has:\n%s", text)
	}
}
