package peopleseed_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/peopleseed"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestSeed writes a few hundred people on each database and reads them
// back: every person, tag link and consent to news as generated, ids in one block after the
// people already there, a seed written twice refused without a row
// written, another seed added on top, and people created afterwards
// numbered after the seeded ones.
func TestSeed(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		before := newcomer(t, db, "before@example.org")

		const n = 1234 // more than two SQLite batches
		res, err := peopleseed.Seed(ctx, db, 5, n)
		if err != nil {
			t.Fatal(err)
		}
		if res.People != n || res.FirstID <= before {
			t.Fatalf("result %+v; the person before has id %d", res, before)
		}
		wantLinks, wantNews := checkSeeded(t, db, 5, n, res.FirstID)
		if res.TagLinks != wantLinks || res.News != wantNews || wantNews == 0 {
			t.Fatalf("result counts %d tag links and %d consents to news, want %d and %d (not 0)",
				res.TagLinks, res.News, wantLinks, wantNews)
		}

		if _, err := peopleseed.Seed(ctx, db, 5, 10); !errors.Is(err, peopleseed.ErrSeeded) {
			t.Fatalf("seed 5 again: %v, want ErrSeeded", err)
		}
		if got := count(t, db, "people"); got != n+1 {
			t.Fatalf("%d people after a refused seed, want %d", got, n+1)
		}

		more, err := peopleseed.Seed(ctx, db, 6, 40)
		if err != nil {
			t.Fatal(err)
		}
		if more.FirstID != res.FirstID+n {
			t.Fatalf("seed 6 starts at id %d, want %d", more.FirstID, res.FirstID+n)
		}
		checkSeeded(t, db, 6, 40, more.FirstID)
		if got := count(t, db, "people"); got != n+41 {
			t.Fatalf("%d people, want %d", got, n+41)
		}
		if after := newcomer(t, db, "after@example.org"); after <= more.FirstID+39 {
			t.Fatalf("a person created after seeding got id %d, inside the seeded block", after)
		}

		if database.Dialect(db) == database.Postgres {
			// The foreign keys Seed drops for the load are back.
			var fks int64
			db.Raw("SELECT count(*) FROM pg_constraint WHERE conrelid = 'person_tags'::regclass AND contype = 'f'").Scan(&fks)
			if fks != 2 {
				t.Fatalf("person_tags has %d foreign keys after seeding, want 2", fks)
			}
			db.Raw("SELECT count(*) FROM pg_constraint WHERE conrelid = 'person_consents'::regclass AND contype = 'f'").Scan(&fks)
			if fks != 1 {
				t.Fatalf("person_consents has %d foreign keys after seeding, want 1", fks)
			}
		}
	})
}

// TestSeedRefusesBadCounts: nothing is written for a count out of range.
func TestSeedRefusesBadCounts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, c := range []struct {
			seed int64
			n    int
		}{{1, 0}, {1, -5}, {1, peopleseed.MaxCount + 1}, {-1, 10}} {
			if _, err := peopleseed.Seed(context.Background(), db, c.seed, c.n); err == nil {
				t.Errorf("seed %d, count %d: no error", c.seed, c.n)
			}
		}
		if got := count(t, db, "people"); got != 0 {
			t.Fatalf("%d people written", got)
		}
	})
}

// newcomer creates a person the way the portal does and returns their id.
func newcomer(t *testing.T, db *gorm.DB, email string) int64 {
	t.Helper()
	now := time.Now().UTC()
	p := people.Person{GivenName: "New", Email: &email, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// checkSeeded compares people first … first+n-1, their tags and their
// consent to news with what Generate gives, and returns the number of tag
// links and of people with consent to news.
func checkSeeded(t *testing.T, db *gorm.DB, seed int64, n int, first int64) (links, news int) {
	t.Helper()
	var got []people.Person
	if err := db.Where("id BETWEEN ? AND ?", first, first+int64(n)-1).Order("id").Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d people in the block of seed %d, want %d", len(got), seed, n)
	}
	tags, err := people.TagsOf(db, ids(got))
	if err != nil {
		t.Fatal(err)
	}
	var consents []people.Consent
	if err := db.Where("person_id BETWEEN ? AND ?", first, first+int64(n)-1).Find(&consents).Error; err != nil {
		t.Fatal(err)
	}
	history := map[int64][]people.Consent{}
	for _, c := range consents {
		history[c.PersonID] = append(history[c.PersonID], c)
	}
	for i, p := range got {
		want := peopleseed.Generate(seed, i)
		if p.ID != first+int64(i) || *p.Email != want.Email() || p.GivenName != want.GivenName ||
			p.FamilyName != want.FamilyName || *p.BirthYear != *want.BirthYear || p.Region != want.Region ||
			p.Locality != want.Locality || p.Locale != want.Locale || p.Handle != want.Handle ||
			p.Volunteer != want.Volunteer || p.Source != peopleseed.Source || !p.CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("person %d of seed %d:\n got %+v\nwant %+v", i, seed, p, want.Person)
		}
		// As people.RecordNews keeps them: news_at and one given row of
		// the history at that time.
		h := history[p.ID]
		if want.NewsAt == nil {
			if p.NewsAt != nil || len(h) != 0 {
				t.Fatalf("person %d of seed %d: news_at %v and history %+v, want neither", i, seed, p.NewsAt, h)
			}
		} else {
			if p.NewsAt == nil || !p.NewsAt.Equal(*want.NewsAt) || len(h) != 1 || !people.News(h) ||
				h[0].Source != people.ConsentImport || h[0].Version != people.ConsentVersion || !h[0].At.Equal(*p.NewsAt) {
				t.Fatalf("person %d of seed %d: news_at %v and history %+v, want a consent to news given at %v",
					i, seed, p.NewsAt, h, want.NewsAt)
			}
			news++
		}
		w := slices.Clone(want.Tags)
		slices.Sort(w)
		if !slices.Equal(tags[p.ID], w) {
			t.Fatalf("person %d of seed %d has tags %v, want %v", i, seed, tags[p.ID], w)
		}
		links += len(w)
	}
	var distinct int64
	db.Raw("SELECT count(DISTINCT email) FROM people WHERE id BETWEEN ? AND ?", first, first+int64(n)-1).Scan(&distinct)
	if distinct != int64(n) {
		t.Fatalf("%d distinct emails among %d people", distinct, n)
	}
	var stored int64
	db.Raw("SELECT count(*) FROM person_tags WHERE person_id BETWEEN ? AND ?", first, first+int64(n)-1).Scan(&stored)
	if stored != int64(links) {
		t.Fatalf("%d tag links stored, want %d", stored, links)
	}
	return links, news
}

func ids(list []people.Person) []int64 {
	out := make([]int64, len(list))
	for i, p := range list {
		out[i] = p.ID
	}
	return out
}
