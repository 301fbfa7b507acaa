package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
)

func ptr[T any](v T) *T { return &v }

// demoActivity is one demo activity, dated relative to the day of seeding.
type demoActivity struct {
	slug                        string
	kind, mode, region, venue   string
	startInDays, days, capacity int
	ageMin, ageMax              int
	ruralShare                  float64
	title, summary, description map[string]string
	// discreet, with its own guardian age: the LGBTI safe space, whose
	// slug names nothing, as a coordinator should choose it.
	discreet    bool
	guardianAge *int
}

var demoActivities = []demoActivity{
	{slug: "summer-camp", kind: activities.KindCamp, mode: activities.ModeInPerson, region: "MN-057", venue: "Uliastai",
		startInDays: 60, days: 5, capacity: 40, ageMin: 16, ageMax: 30, ruralShare: 0.25,
		title:       map[string]string{"en": "Summer camp for young activists", "fr": "Camp d'été des jeunes militant·e·s", "mn": "Залуу идэвхтнүүдийн зуны зуслан", "id": "Perkemahan musim panas aktivis muda"},
		summary:     map[string]string{"en": "Five days of human-rights training, friendship and the steppe.", "fr": "Cinq jours de formation aux droits humains, d'amitié et de steppe.", "mn": "Хүний эрхийн сургалт, нөхөрлөл, тал нутгийн таван өдөр.", "id": "Lima hari pelatihan hak asasi manusia, persahabatan, dan padang rumput."},
		description: map[string]string{"en": "Meals and travel from the aimag centre are covered. A quarter of the seats are kept for rural youth."}},
	{slug: "digital-safety-training", kind: activities.KindTraining, mode: activities.ModeOnline, region: "ID-JB",
		startInDays: 21, days: 1, capacity: 100, ageMin: 15, ageMax: 35,
		title:   map[string]string{"en": "Digital safety for activists", "fr": "Sécurité numérique pour les militant·e·s", "mn": "Идэвхтнүүдийн дижитал аюулгүй байдал", "id": "Keamanan digital untuk aktivis"},
		summary: map[string]string{"en": "Protect your accounts, your phone and the people you work with.", "id": "Lindungi akun, ponsel, dan orang-orang yang bekerja bersama Anda."}},
	{slug: "wellbeing-workshop", kind: activities.KindWellbeing, mode: activities.ModeHybrid, region: "FR-IDF", venue: "Paris",
		startInDays: 35, days: 1, capacity: 25, ageMin: 16, ageMax: 30,
		title:   map[string]string{"en": "Well-being workshop: activism without burnout", "fr": "Atelier bien-être : militer sans s'épuiser"},
		summary: map[string]string{"fr": "Prendre soin de soi et des autres quand on s'engage.", "en": "Caring for yourself and each other while you campaign."}},
	{slug: "thursday-circle", kind: activities.KindWellbeing, mode: activities.ModeInPerson, region: "MN-1", venue: "Community room, Sükhbaatar district",
		startInDays: 14, days: 1, capacity: 15, ageMin: 16, ageMax: 30, discreet: true, guardianAge: ptr(18),
		title: map[string]string{"en": "Safe space for LGBTI youth", "fr": "Espace sûr pour les jeunes LGBTI",
			"mn": "ЛГБТИ залуучуудын аюулгүй орон зай", "id": "Ruang aman untuk anak muda LGBTI"},
		summary: map[string]string{"en": "An evening workshop to meet, talk and support each other, in confidence.",
			"fr": "Un atelier en soirée pour se rencontrer, parler et se soutenir, en toute confidentialité.",
			"mn": "Нууцлалыг хадгалан уулзаж, ярилцаж, бие биенээ дэмжих оройн семинар.",
			"id": "Lokakarya sore untuk bertemu, berbincang, dan saling mendukung, secara rahasia."}},
}

// seedActivities creates the demo activities that are missing, published.
func (c *cli) seedActivities(a *app.App) error {
	store := a.Activities
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, d := range demoActivities {
		if _, err := store.GetBySlug(c.ctx, d.slug); err == nil {
			fmt.Fprintf(c.stdout, "  activity     %-30s exists\n", d.slug)
			continue
		} else if !errors.Is(err, apperr.ErrNotFound) {
			return err
		}
		// 09:00 on the clocks where the activity happens.
		loc, ok := activities.LoadZone(store.Zone("", d.region))
		if !ok {
			loc = time.UTC
		}
		start, _ := activities.InZone(today.AddDate(0, 0, d.startInDays).Add(9*time.Hour), loc)
		in := activities.Input{Slug: ptr(d.slug), Kind: ptr(d.kind), Mode: ptr(d.mode), Region: ptr(d.region), Venue: ptr(d.venue),
			StartsAt: ptr(start), EndsAt: ptr(start.AddDate(0, 0, d.days-1).Add(8 * time.Hour)),
			RegistrationOpensAt: ptr(today.AddDate(0, 0, -1)), RegistrationClosesAt: ptr(start.AddDate(0, 0, -7)),
			Capacity: ptr(d.capacity), AgeMin: ptr(d.ageMin), AgeMax: ptr(d.ageMax),
			Title: d.title, Summary: d.summary, Description: d.description, Discreet: ptr(d.discreet), GuardianAge: d.guardianAge}
		if d.ruralShare > 0 {
			in.Quotas = &[]activities.QuotaInput{{Attribute: "rural", Share: d.ruralShare}}
		}
		a, err := store.Create(c.ctx, 0, in)
		if err != nil {
			return fmt.Errorf("seed %s: %w", d.slug, err)
		}
		if _, err := store.SetStatus(c.ctx, 0, a.ID, activities.StatusPublished); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "  activity     %-30s created\n", d.slug)
	}
	return nil
}
