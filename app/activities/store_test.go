package activities

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func ptr[T any](v T) *T { return &v }

func validInput() Input {
	start := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	return Input{Kind: ptr(KindTraining), Capacity: ptr(10), StartsAt: ptr(start), EndsAt: ptr(start.Add(8 * time.Hour)),
		AgeMin: ptr(15), AgeMax: ptr(30), RegistrationOpensAt: ptr(start.Add(-30 * 24 * time.Hour)),
		RegistrationClosesAt: ptr(start.Add(-24 * time.Hour)), Title: map[string]string{"en": "Safety online"}}
}

// Check reports what Create would refuse, and stores nothing.
func TestCheck(t *testing.T) {
	if err := Check(validInput()); err != nil {
		t.Fatalf("a valid input: %v", err)
	}
	in := validInput()
	in.Capacity = ptr(0)
	in.Title = nil
	var ae *apperr.Error
	if err := Check(in); !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Fields["capacity"].ID == "" || ae.Fields["title"].ID == "" {
		t.Fatalf("an invalid input: %v", err)
	}
}

// Unset empties optional fields that nil leaves as they are, and LedBy
// keeps the activities a user leads.
func TestUnsetAndLedBy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := NewStore(db, nil)
		a, err := s.Create(ctx, 0, validInput())
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Create(ctx, 0, validInput())
		if err != nil {
			t.Fatal(err)
		}
		a, err = s.Update(ctx, 0, a.ID, Input{Unset: []string{"age_max", "registration_opens_at"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.AgeMax != nil || a.RegistrationOpensAt != nil || a.AgeMin == nil || a.RegistrationClosesAt == nil {
			t.Fatalf("after unset: %+v", a)
		}
		got, _ := s.Get(ctx, a.ID)
		if got.AgeMax != nil || got.RegistrationOpensAt != nil {
			t.Fatal("unset not stored")
		}
		u, err := auth.NewStore(db).CreateUser(ctx, 0, auth.NewUser{Email: "lead@example.org", DisplayName: "Lead",
			Password: "correct-horse-battery", Role: access.Facilitator})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&Facilitator{ActivityID: b.ID, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
		led, err := s.List(ctx, Filter{LedBy: u.ID})
		if err != nil || len(led) != 1 || led[0].ID != b.ID {
			t.Fatalf("led by 7: %v %v", led, err)
		}
		if all, _ := s.List(ctx, Filter{}); len(all) != 2 {
			t.Fatalf("all: %d", len(all))
		}
	})
}
