package registration_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/gotong/gotong/app/access"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// declaring is a request from someone who declares a disability, a
// minority, both or neither.
func declaring(email string, disability, minority bool) registration.Request {
	r := person(email, people.Urban)
	r.Person.Sensitive = people.Sensitive{Disability: ptr(disability), Minority: ptr(minority)}
	return r
}

// storedPools are the pools of an activity's registrations as the table
// holds them, by id.
func storedPools(t *testing.T, db *gorm.DB, activityID int64) map[int64]string {
	t.Helper()
	var rows []registration.Registration
	if err := db.Where("activity_id = ?", activityID).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		if r.Pool != nil {
			out[r.ID] = *r.Pool
		}
	}
	return out
}

// filled is the number of people in each pool of the activity's summary.
func (f *fixture) filled(activityID int64) map[string]int {
	f.t.Helper()
	sum, err := f.svc.Summary(context.Background(), staff, activityID)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]int{"general": sum.GeneralFilled}
	for _, p := range sum.Pools {
		out[string(p.Attribute)] = p.Filled
	}
	return out
}

// TestSensitivePoolsSealed follows seats of two sensitive quotas through
// registrations, cancellations, a capacity change and promotions: the table
// and every answer say "reserved", yet the allocation tells the two quotas
// apart and keeps its invariants.
func TestSensitivePoolsSealed(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(4, activities.QuotaInput{Attribute: "disability", Share: 0.25}, activities.QuotaInput{Attribute: "minority", Share: 0.25})
		reg := func(email string, disability, minority bool) *registration.Placed {
			t.Helper()
			p, err := f.svc.Register(ctx, a, declaring(email, disability, minority))
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		step := func(name string, want map[string]int) {
			t.Helper()
			if got := f.filled(a.ID); !mapsEqual(got, want) {
				t.Fatalf("%s: pools %v, want %v", name, got, want)
			}
			if err := f.svc.CheckStored(ctx, a.ID); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for id, pool := range storedPools(t, db, a.ID) {
				if !slices.Contains([]string{registration.GeneralPool, "rural", registration.ReservedPool}, pool) {
					t.Fatalf("%s: registration %d stores pool %q", name, id, pool)
				}
			}
		}
		both := reg("both1@example.org", true, true)
		both2 := reg("both2@example.org", true, true) // the disability seat is taken: the minority one
		step("two who declare both", map[string]int{"general": 0, "disability": 1, "minority": 1})
		for _, p := range []*registration.Placed{both, both2} {
			if *p.Pool != registration.ReservedPool {
				t.Fatalf("registration answers pool %q", *p.Pool)
			}
		}
		reg("g1@example.org", false, false)
		reg("g2@example.org", false, false)
		waiting := reg("dis@example.org", true, false)
		if waiting.Status != string(registration.Waitlisted) {
			t.Fatalf("the fifth is %s", waiting.Status)
		}
		step("full", map[string]int{"general": 2, "disability": 1, "minority": 1})
		if _, err := f.svc.Cancel(ctx, both.ID); err != nil {
			t.Fatal(err)
		}
		step("the disability seat goes to the one waiting for it", map[string]int{"general": 2, "disability": 1, "minority": 1})
		if got, _ := f.svc.Get(ctx, waiting.ID); got.Status != string(registration.Confirmed) || *got.Pool != registration.ReservedPool {
			t.Fatalf("the promoted registration %+v", got.Registration)
		}
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{Capacity: ptr(8)}); err != nil {
			t.Fatal(err)
		}
		step("capacity 8: two seats per quota", map[string]int{"general": 2, "disability": 1, "minority": 1})
		reg("min@example.org", false, true)
		reg("dis2@example.org", true, false)
		step("the new seats fill", map[string]int{"general": 2, "disability": 2, "minority": 2})
		if _, err := f.svc.Cancel(ctx, both2.ID); err != nil {
			t.Fatal(err)
		}
		step("a minority seat frees", map[string]int{"general": 2, "disability": 2, "minority": 1})
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestSensitiveRush: 150 registrations at once, a third declaring a
// disability, a third a minority, some both, for a 30-seat camp with a
// rural and two sensitive quotas. The invariants hold on the state read
// back from the table, and each pool holds what its quota reserved.
func TestSensitiveRush(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(30, activities.QuotaInput{Attribute: "rural", Share: 0.2},
			activities.QuotaInput{Attribute: "disability", Share: 0.1}, activities.QuotaInput{Attribute: "minority", Share: 0.1})
		const n = 150
		var wg sync.WaitGroup
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := range n {
			req := declaring(fmt.Sprintf("rush%03d@example.org", i), i%3 == 0, i%3 == 1 || i%7 == 0)
			if i%4 == 0 {
				req.Person.Locality = people.Rural
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := f.svc.Register(ctx, a, req); err != nil {
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if err := f.svc.CheckStored(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := f.filled(a.ID), map[string]int{"general": 18, "rural": 6, "disability": 3, "minority": 3}; !mapsEqual(got, want) {
			t.Fatalf("pools %v, want %v", got, want)
		}
		reserved := 0
		for _, pool := range storedPools(t, db, a.ID) {
			if pool == registration.ReservedPool {
				reserved++
			}
		}
		if reserved != 6 {
			t.Fatalf("%d seats stored as reserved, want the 6 of the sensitive quotas", reserved)
		}
	})
}

// TestSealClearPools: a database written before sealed pools holds
// "disability" and "minority" in clear; the first start seals them, the
// seats stay where they were, and a second start finds nothing to do.
func TestSealClearPools(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(4, activities.QuotaInput{Attribute: "disability", Share: 0.25}, activities.QuotaInput{Attribute: "minority", Share: 0.25})
		for i, who := range [][2]bool{{true, false}, {false, true}, {false, false}} {
			if _, err := f.svc.Register(ctx, a, declaring(fmt.Sprintf("p%d@example.org", i), who[0], who[1])); err != nil {
				t.Fatal(err)
			}
		}
		// As the earlier version wrote them.
		var rows []registration.Registration
		db.Where("pool = ?", registration.ReservedPool).Find(&rows)
		for _, r := range rows {
			pool, err := registration.OpenPool(f.sealer, &r)
			if err != nil {
				t.Fatal(err)
			}
			db.Model(&registration.Registration{}).Where("id = ?", r.ID).Updates(map[string]any{"pool": pool, "sealed_pool": nil})
		}
		before := f.filled(a.ID)
		n, err := registration.SealClearPools(ctx, db, f.sealer)
		if err != nil || n != 2 {
			t.Fatalf("sealed %d (%v), want 2", n, err)
		}
		if n, err := registration.SealClearPools(ctx, db, f.sealer); err != nil || n != 0 {
			t.Fatalf("the second time sealed %d (%v), want 0", n, err)
		}
		if after := f.filled(a.ID); !mapsEqual(before, after) || after["disability"] != 1 || after["minority"] != 1 {
			t.Fatalf("pools %v before sealing, %v after", before, after)
		}
		var clear int64
		db.Model(&registration.Registration{}).Where("pool IN ?", []string{"disability", "minority"}).Count(&clear)
		if clear != 0 {
			t.Fatalf("%d pools still in clear", clear)
		}
	})
}

// sealedBeforeKeys seals plain as the sealer did before keys were derived:
// AES-256-GCM under the secret itself, a random nonce then the ciphertext,
// no version.
func sealedBeforeKeys(t *testing.T, plain, context string) []byte {
	t.Helper()
	block, err := aes.NewCipher([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(plain), []byte(context))
}

// TestPoolsSealedBeforeKeys: a seat's sealed pool and the declarations
// written before keys were derived (rewritten here with SQL as that version
// sealed them) still allocate seats: the declared person waiting takes the
// reserved seat that frees, and their seat is sealed anew, as version 1.
func TestPoolsSealedBeforeKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(2, activities.QuotaInput{Attribute: "disability", Share: 0.5})
		reg := func(r registration.Request) *registration.Placed {
			t.Helper()
			p, err := f.svc.Register(ctx, a, r)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		seated := reg(declaring("seated@example.org", true, false))
		reg(person("general@example.org", people.Urban))
		waiting := reg(declaring("waiting@example.org", true, false))
		if waiting.Status != string(registration.Waitlisted) {
			t.Fatalf("the third is %s", waiting.Status)
		}
		for _, p := range []*registration.Placed{seated, waiting} {
			declared := sealedBeforeKeys(t, `{"disability":true,"minority":false}`, fmt.Sprintf("registration:%d:%d", a.ID, *p.PersonID))
			if err := db.Exec("UPDATE registrations SET declared_sensitive = ? WHERE id = ?", declared, p.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		pool := sealedBeforeKeys(t, "disability", fmt.Sprintf("registration-pool:%d:%d", a.ID, seated.WaitlistOrder))
		if err := db.Exec("UPDATE registrations SET sealed_pool = ? WHERE id = ?", pool, seated.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CheckStored(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := f.filled(a.ID), map[string]int{"general": 1, "disability": 1}; !mapsEqual(got, want) {
			t.Fatalf("pools before the cancellation %v, want %v", got, want)
		}
		if _, err := f.svc.Cancel(ctx, seated.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := f.filled(a.ID), map[string]int{"general": 1, "disability": 1}; !mapsEqual(got, want) {
			t.Fatalf("pools after the cancellation %v, want %v", got, want)
		}
		var promoted registration.Registration
		if err := db.Take(&promoted, waiting.ID).Error; err != nil {
			t.Fatal(err)
		}
		if promoted.Status != string(registration.Confirmed) || *promoted.Pool != registration.ReservedPool ||
			len(promoted.SealedPool) != 1+12+len("disability")+16 || promoted.SealedPool[0] != 1 {
			t.Fatalf("the promoted registration %s in %s, sealed % x: want confirmed in the reserved seat, sealed as version 1",
				promoted.Status, *promoted.Pool, promoted.SealedPool)
		}
	})
}

// staff is a viewer who reaches every activity.
var staff = access.Viewer{Staff: true}
