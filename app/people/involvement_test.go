package people_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestInvolvement: a person's registrations, signatures and the partners'
// activities they joined, with their titles; the same few statements
// whatever their number.
func TestInvolvement(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		id := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := db.Raw(q+" RETURNING id", args...).Scan(&n).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.Exec(q, args...).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		one := id("INSERT INTO people (given_name, created_at, updated_at) VALUES ('One', ?, ?)", now, now)
		many := id("INSERT INTO people (given_name, created_at, updated_at) VALUES ('Many', ?, ?)", now, now)
		rainbow := id("INSERT INTO partners (name, kind, created_at, updated_at) VALUES ('Rainbow', 'lgbti', ?, ?)", now, now)
		council := id("INSERT INTO partners (name, kind, created_at, updated_at) VALUES ('Council', 'youth_council', ?, ?)", now, now)
		activity := func(slug string, starts time.Time, hosts ...int64) int64 {
			a := id("INSERT INTO activities (slug, kind, starts_at, ends_at, capacity, created_at, updated_at) VALUES (?, 'camp', ?, ?, 10, ?, ?)",
				slug, starts, starts, now, now)
			exec("INSERT INTO activity_translations (activity_id, locale, title) VALUES (?, 'en', ?)", a, "Title "+slug)
			exec("INSERT INTO activity_translations (activity_id, locale, title) VALUES (?, 'mn', ?)", a, "Гарчиг "+slug)
			for _, h := range hosts {
				exec("INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, ?)", a, h)
			}
			return a
		}
		order := int64(0)
		register := func(person, activity int64, status string, attended *bool) {
			order++
			var pool any
			if status == "confirmed" {
				pool = "general"
			}
			exec(`INSERT INTO registrations (activity_id, person_id, status, pool, waitlist_order, attended, consent_version, consent_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, 'v', ?, ?, ?)`, activity, person, status, pool, order, attended, now, now, now)
		}
		yes, no := true, false
		a1 := activity("a1", now.Add(24*time.Hour), rainbow)
		a2 := activity("a2", now.Add(48*time.Hour), rainbow, council)
		a3 := activity("a3", now.Add(72*time.Hour), council)
		a4 := activity("a4", now.Add(96*time.Hour))
		a5 := activity("a5", now.Add(120*time.Hour), rainbow)
		exec("INSERT INTO quota_rules (activity_id, position, attribute, share) VALUES (?, 1, 'disability', 0.1)", a4)
		register(one, a1, "confirmed", &yes)
		register(many, a1, "confirmed", &yes)
		register(many, a2, "confirmed", nil) // joined, with two co-hosts
		register(many, a3, "confirmed", &no) // marked absent: not joined
		register(many, a4, "confirmed", nil) // a sensitive quota: seats not told apart
		register(many, a5, "waitlisted", nil)
		camp := id("INSERT INTO campaigns (stage, created_at, updated_at) VALUES ('planning', ?, ?)", now, now)
		exec("INSERT INTO campaign_translations (campaign_id, locale, title) VALUES (?, 'fr', 'Libres de parler')", camp)
		for i, slug := range []string{"p1", "p2"} {
			p := id("INSERT INTO petitions (campaign_id, slug, goal, created_at, updated_at) VALUES (?, ?, 10, ?, ?)", camp, slug, now, now)
			exec("INSERT INTO petition_translations (petition_id, locale, title) VALUES (?, 'en', ?)", p, "Petition "+slug)
			exec("INSERT INTO signatures (petition_id, person_id, consent_version, signed_at) VALUES (?, ?, 'v', ?)", p, many, now.Add(time.Duration(i)*time.Hour))
		}

		c := &statements{Interface: logger.Discard}
		counted := people.NewStore(db.Session(&gorm.Session{Logger: c}), nil, clock.System)
		inv, err := counted.Involvement(ctx, one)
		if err != nil {
			t.Fatal(err)
		}
		few := c.n.Load()
		c.n.Store(0)
		if len(inv.Registrations) != 1 || len(inv.Signatures) != 0 || len(inv.CoHosted) != 1 || inv.CoHosted[0].Partners[0] != "Rainbow" {
			t.Fatalf("One's involvement: %+v", inv)
		}
		inv, err = counted.Involvement(ctx, many)
		if err != nil {
			t.Fatal(err)
		}
		if c.n.Load() != few+2 { // and the titles of signatures and campaigns, read when there are signatures
			t.Fatalf("%d statements for many lines, %d for one", c.n.Load(), few)
		}
		var titles []string
		for _, r := range inv.Registrations {
			titles = append(titles, r.Titles.In("mn", "en"))
		}
		if strings.Join(titles, ",") != "Гарчиг a5,Гарчиг a4,Гарчиг a3,Гарчиг a2,Гарчиг a1" {
			t.Fatalf("registrations, newest activity first: %v", titles)
		}
		if !inv.Registrations[1].Confidential || inv.Registrations[0].Confidential || inv.Registrations[0].Status != "waitlisted" ||
			inv.Registrations[2].Attended == nil || *inv.Registrations[2].Attended {
			t.Fatalf("registration lines %+v", inv.Registrations)
		}
		var hosted []string
		for _, h := range inv.CoHosted {
			hosted = append(hosted, h.Titles.In("en", "en")+":"+strings.Join(h.Partners, "+"))
		}
		if strings.Join(hosted, ",") != "Title a2:Council+Rainbow,Title a1:Rainbow" {
			t.Fatalf("co-hosted activities joined: %v", hosted)
		}
		if len(inv.Signatures) != 2 || inv.Signatures[0].Slug != "p2" || inv.Signatures[0].Titles.In("fr", "en") != "Petition p2" ||
			inv.Signatures[0].CampaignTitles.In("en", "en") != "Libres de parler" {
			t.Fatalf("signatures %+v", inv.Signatures)
		}
	})
}
