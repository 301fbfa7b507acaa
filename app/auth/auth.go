// Package auth keeps users, their role assignments, password checks and API
// tokens. Sessions are Fiber's, stored in the database by the web layer.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/usertext"
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
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Roles        []RoleAssignment `gorm:"foreignKey:UserID"`
}

// RoleAssignment gives a user a role in a scope ("*" or "partner:<id>").
type RoleAssignment struct {
	ID        int64
	UserID    int64
	Role      string
	Scope     string
	CreatedAt time.Time
}

// APIToken is a bearer token; only the SHA-256 of the token is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  []byte
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
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

// LoginLimitKey is the key of the counter of failed sign-ins with one
// (normalised) email from any address, in the rate_limits table the web
// layer's limiter keeps.
func LoginLimitKey(email string) string { return "login:email:" + email }

// LoginPairKey is the key of the counter of failed sign-ins with one
// (normalised) email from one client address. The email is named by a
// digest, a fixed-length prefix that LoginPairPattern matches in a LIKE
// without escaping, so an erasure finds the counters of every address.
func LoginPairKey(email, addr string) string { return loginPairPrefix(email) + addr }

// LoginPairPattern is a LIKE pattern that matches LoginPairKey(email, addr)
// for every addr.
func LoginPairPattern(email string) string { return loginPairPrefix(email) + "%" }

func loginPairPrefix(email string) string {
	sum := sha256.Sum256([]byte(email))
	return "login:pair:" + hex.EncodeToString(sum[:16]) + ":"
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Store reads and writes accounts.
type Store struct {
	db     *gorm.DB
	params Params
	// dummy is a hash with params that a sign-in with an unknown email
	// checks, so that it takes as long as one with a known email.
	dummy func() string
}

// NewStore returns a store over db that hashes passwords with DefaultParams.
func NewStore(db *gorm.DB) *Store { return NewStoreWithParams(db, DefaultParams()) }

// NewStoreWithParams returns a store over db that hashes new passwords with
// the costs of p (tests choose TestParams).
func NewStoreWithParams(db *gorm.DB, p Params) *Store {
	return &Store{db: db, params: p, dummy: sync.OnceValue(func() string {
		h, _ := p.Hash("gotong-dummy-password")
		return h
	})}
}

// NewUser is what creating a user needs.
type NewUser struct {
	Email       string
	DisplayName string
	Password    string
	Locale      string
	Role        string
	PartnerID   int64 // required for, and only for, the partner role
}

func (n *NewUser) validate() error {
	f := apperr.Fields{}
	n.Email = mailaddr.Normalize(n.Email)
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	if !mailaddr.Valid(n.Email) {
		f.Add("email", "error_email_invalid")
	}
	validateName(f, n.DisplayName)
	if utf8.RuneCountInString(n.Password) < MinPasswordLen {
		f.Add("password", "error_password_short", "Min", MinPasswordLen)
	}
	if n.Locale != "" && !i18n.IsSupported(n.Locale) {
		f.Add("locale", "error_locale_unknown")
	}
	switch {
	case !access.ValidRole(n.Role):
		f.Add("role", "error_role_unknown")
	case n.Role == access.Partner && n.PartnerID <= 0:
		f.Add("partner", "error_partner_required")
	case n.Role != access.Partner && n.PartnerID != 0:
		f.Add("partner", "error_partner_only_for_partner_role")
	}
	return f.Err()
}

func validateName(f apperr.Fields, name string) {
	usertext.Check(f, "display_name", name, usertext.Line)
	if name == "" {
		f.Add("display_name", "error_required")
	} else if utf8.RuneCountInString(name) > 200 {
		f.Add("display_name", "error_too_long", "Max", 200)
	}
}

// CreateUser creates a user with one role assignment, audited as actorID.
func (s *Store) CreateUser(ctx context.Context, actorID int64, n NewUser) (*User, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	hash, err := s.params.Hash(n.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: n.Email, DisplayName: n.DisplayName, PasswordHash: hash, Locale: n.Locale}
	scope := access.AllScope
	if n.Role == access.Partner {
		u.PartnerID = &n.PartnerID
		scope = access.PartnerScope(n.PartnerID)
	}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if u.PartnerID != nil {
			if err := checkPartner(tx, *u.PartnerID); err != nil {
				return err
			}
		}
		if err := tx.Omit("Roles").Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.New(apperr.Conflict, "error_email_taken")
			}
			return fmt.Errorf("auth: unable to create user: %w", err)
		}
		ra := RoleAssignment{UserID: u.ID, Role: n.Role, Scope: scope}
		if err := tx.Create(&ra).Error; err != nil {
			return fmt.Errorf("auth: unable to assign role: %w", err)
		}
		u.Roles = []RoleAssignment{ra}
		return audit.Record(tx, actorID, "user.create", "user", fmt.Sprint(u.ID), map[string]any{"role": n.Role, "scope": scope})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// checkPartner refuses an organisation that does not exist. PostgreSQL's
// foreign key on users.partner_id would refuse it too, as a server error;
// SQLite has no such key (it cannot add one to an existing table).
func checkPartner(tx *gorm.DB, partnerID int64) error {
	var n int64
	if err := tx.Table("partners").Where("id = ?", partnerID).Count(&n).Error; err != nil {
		return fmt.Errorf("auth: unable to check the organisation: %w", err)
	}
	if n == 0 {
		return apperr.Fields{"partner": {ID: "error_partner_unknown"}}.Err()
	}
	return nil
}

// PartnerMembers returns the enabled users who belong to organisation
// partnerID, by name.
func (s *Store) PartnerMembers(ctx context.Context, partnerID int64) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Where("partner_id = ? AND disabled_at IS NULL", partnerID).
		Order("display_name, id").Find(&users).Error
	if err != nil {
		return nil, fmt.Errorf("auth: unable to list members: %w", err)
	}
	return users, nil
}

// UserByEmail returns the user with the (case-folded) email, with roles.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Preload("Roles").Where("email = ?", mailaddr.Normalize(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: unable to fetch user: %w", err)
	}
	return &u, nil
}

// UserByID returns an enabled user with roles.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Preload("Roles").Where("id = ? AND disabled_at IS NULL", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: unable to fetch user: %w", err)
	}
	return &u, nil
}

// ListUsers returns every user with roles, by email.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	if err := s.db.WithContext(ctx).Preload("Roles").Order("email").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("auth: unable to list users: %w", err)
	}
	return users, nil
}

// Holding reports which of the users ids hold role (in any scope) and are
// not disabled.
func (s *Store) Holding(ctx context.Context, role string, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var found []int64
	err := s.db.WithContext(ctx).Model(&RoleAssignment{}).
		Where("role = ? AND user_id IN ? AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL)", role, ids).
		Distinct().Pluck("user_id", &found).Error
	if err != nil {
		return nil, fmt.Errorf("auth: unable to check roles: %w", err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// Authenticate checks an email and password. Whatever is wrong (no such user,
// disabled, wrong password) the error is ErrBadCredentials, and the time taken
// is the same, so the answer does not tell which accounts exist.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return nil, err
	}
	if u == nil {
		_, _ = CheckPassword(s.dummy(), password)
		return nil, ErrBadCredentials
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil || !ok || u.DisabledAt != nil {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// UpdateProfile changes a user's own display name and preferred language.
func (s *Store) UpdateProfile(ctx context.Context, userID int64, displayName, locale string) error {
	f := apperr.Fields{}
	displayName = strings.TrimSpace(displayName)
	validateName(f, displayName)
	if locale != "" && !i18n.IsSupported(locale) {
		f.Add("locale", "error_locale_unknown")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"display_name": displayName, "locale": locale, "updated_at": time.Now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("auth: unable to update profile: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(tx, userID, "user.profile", "user", fmt.Sprint(userID), nil)
	})
}

// tokenPrefix marks Gotong tokens, so a leaked one is easy to recognise.
const tokenPrefix = "gtg_"

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateToken makes a new API token for the user with email. The token is
// returned once; only its hash is kept.
func (s *Store) CreateToken(ctx context.Context, email, name string) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	f := apperr.Fields{}
	usertext.Check(f, "name", name, usertext.Line)
	if name == "" {
		f.Add("name", "error_required")
	}
	if err := f.Err(); err != nil {
		return "", nil, err
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := &APIToken{UserID: u.ID, Name: name, TokenHash: hashToken(token)}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return fmt.Errorf("auth: unable to create token: %w", err)
		}
		return audit.Record(tx, 0, "token.create", "api_token", fmt.Sprint(t.ID), map[string]any{"user_id": u.ID, "name": name})
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// RevokeToken revokes a token by id; a revoked token authenticates no more.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&APIToken{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", time.Now().UTC())
		if res.Error != nil {
			return fmt.Errorf("auth: unable to revoke token: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(tx, 0, "token.revoke", "api_token", fmt.Sprint(id), nil)
	})
}

// ListTokens returns the tokens of the user with email, newest first.
func (s *Store) ListTokens(ctx context.Context, email string) ([]APIToken, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	var ts []APIToken
	if err := s.db.WithContext(ctx).Where("user_id = ?", u.ID).Order("id DESC").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("auth: unable to list tokens: %w", err)
	}
	return ts, nil
}

// UserByToken returns the enabled user a live token belongs to.
func (s *Store) UserByToken(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, ErrBadToken
	}
	var t APIToken
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("auth: unable to fetch token: %w", err)
	}
	u, err := s.UserByID(ctx, t.UserID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	// Note the last use at most once a minute, to keep reads cheap.
	if now := time.Now().UTC(); t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		s.db.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now)
	}
	return u, nil
}
