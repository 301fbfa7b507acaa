// Package auth keeps users, their role assignments, password checks and API
// tokens. Sessions are Fiber's, stored in the database by the web layer.
package auth

import (
	"sync"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"gorm.io/gorm"
)

// User is an account that can sign in.
type User struct {
	ID           int64
	Email        string // case-folded
	DisplayName  string
	PasswordHash string
	Locale       string // preferred language, "" for none
	PersonID     *int64
	PartnerID    *int64
	DisabledAt   *time.Time
	// EmailVerifiedAt is set once the address is known to be the user's: a
	// signed-in participant with a verified email registers without the
	// email step.
	EmailVerifiedAt *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Roles           []RoleAssignment `gorm:"foreignKey:UserID"`
}

// RoleAssignment gives a user a role in a scope ("*" or "partner:<id>").
type RoleAssignment struct {
	ID        int64
	UserID    int64
	Role      string
	Scope     string
	CreatedAt time.Time
}

// Grants returns the user's role assignments as access grants.
func (u *User) Grants() []access.Grant {
	if u == nil {
		return nil
	}
	g := make([]access.Grant, len(u.Roles))
	for i, r := range u.Roles {
		g[i] = access.Grant{Role: r.Role, Scope: r.Scope}
	}
	return g
}

// HasRole reports whether the user holds role in any scope.
func (u *User) HasRole(role string) bool {
	for _, r := range u.Roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// Errors callers compare with.
var (
	// ErrBadCredentials says only "wrong email or password", whatever was wrong.
	ErrBadCredentials = apperr.New(apperr.Unauthorized, "error_login_failed")
	// ErrBadToken is a missing, unknown or revoked API token.
	ErrBadToken = apperr.New(apperr.Unauthorized, "error_bad_token")
)

// Store reads and writes accounts.
type Store struct {
	db     *gorm.DB
	now    clock.Clock
	params Params
	// dummy is a hash with params that a sign-in with an unknown email
	// checks, so that it takes as long as one with a known email.
	dummy func() string
}

// NewStore returns a store over db that hashes passwords with
// DefaultParams; now dates accounts, roles and tokens and their use.
func NewStore(db *gorm.DB, now clock.Clock) *Store {
	return NewStoreWithParams(db, now, DefaultParams())
}

// NewStoreWithParams is NewStore hashing new passwords with the costs of p
// (tests choose TestParams; every hash records its costs, so any store
// checks any hash).
func NewStoreWithParams(db *gorm.DB, now clock.Clock, p Params) *Store {
	return &Store{db: db, now: now, params: p, dummy: sync.OnceValue(func() string {
		h, _ := p.Hash("gotong-dummy-password")
		return h
	})}
}
