// Package rights serves a person's rights over what Gotong holds about them:
// a copy of all of it (Export), and its erasure (Erase), which removes the
// person and keeps only anonymous counts. It sits above people,
// registration, petitions and auth, and reads their tables; none of them
// knows it.
package rights

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

// Service exports and erases people's data.
type Service struct {
	db            *gorm.DB
	people        *people.Store
	registrations *registration.Service
	now           clock.Clock
}

// New returns the service over db, opening sealed values with ps and
// cancelling registrations through rs; now dates exports and erasures.
func New(db *gorm.DB, ps *people.Store, rs *registration.Service, now clock.Clock) *Service {
	return &Service{db: db, people: ps, registrations: rs, now: now}
}

// ErrLastAdmin refuses to delete the account of the last administrator:
// nobody would be left to manage users or read the audit log.
var ErrLastAdmin = apperr.New(apperr.Conflict, "error_erase_last_admin")

// accountsOf returns the user accounts of person p, with their roles: those
// linked to the person, then the one with the person's email, in id order
// within each.
func accountsOf(db *gorm.DB, p *people.Person) ([]auth.User, error) {
	q := db.Preload("Roles").Where("person_id = ?", p.ID)
	if p.Email != nil {
		q = q.Or("email = ?", *p.Email)
	}
	var users []auth.User
	if err := q.Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("rights: unable to read the accounts of person %d: %w", p.ID, err)
	}
	slices.SortStableFunc(users, func(a, b auth.User) int {
		linked := func(u auth.User) int {
			if u.PersonID != nil && *u.PersonID == p.ID {
				return 0
			}
			return 1
		}
		return linked(a) - linked(b)
	})
	return users, nil
}

// userAndPerson returns a user with roles and their person record: the one
// linked to the account, else the one with the account's email, else nil.
func userAndPerson(db *gorm.DB, userID int64) (*auth.User, *people.Person, error) {
	var u auth.User
	if err := db.Preload("Roles").Take(&u, userID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, apperr.ErrNotFound
		}
		return nil, nil, fmt.Errorf("rights: unable to read user %d: %w", userID, err)
	}
	var found []people.Person
	q := db.Where("email = ?", u.Email)
	if u.PersonID != nil {
		q = db.Where("id = ?", *u.PersonID)
	}
	if err := q.Limit(1).Find(&found).Error; err != nil {
		return nil, nil, fmt.Errorf("rights: unable to read the person of user %d: %w", userID, err)
	}
	if len(found) == 0 {
		return &u, nil, nil
	}
	return &u, &found[0], nil
}
