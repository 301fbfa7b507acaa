package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

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
	now := s.now()
	u := &User{Email: n.Email, DisplayName: n.DisplayName, PasswordHash: hash, Locale: n.Locale, CreatedAt: now, UpdatedAt: now}
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
		ra := RoleAssignment{UserID: u.ID, Role: n.Role, Scope: scope, CreatedAt: now}
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

// checkPartner refuses an organisation that does not exist, as a field
// error: the foreign key on users.partner_id would refuse it too, but as a
// server error.
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

// ListByRole returns the enabled users holding any of roles (in any scope),
// by email: who may be chosen where a role qualifies someone (to lead an
// activity or a campaign), so no handler compares role names.
func (s *Store) ListByRole(ctx context.Context, roles ...string) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Where("disabled_at IS NULL AND id IN (SELECT user_id FROM role_assignments WHERE role IN ?)", roles).
		Order("email").Find(&users).Error
	if err != nil {
		return nil, fmt.Errorf("auth: unable to list users by role: %w", err)
	}
	return users, nil
}

// EmailsByID returns the emails of the users ids that still exist, by id
// (the audit log names its actors by them).
func (s *Store) EmailsByID(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []User
	if err := s.db.WithContext(ctx).Select("id", "email").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("auth: unable to fetch emails: %w", err)
	}
	for _, u := range users {
		out[u.ID] = u.Email
	}
	return out, nil
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
			"display_name": displayName, "locale": locale, "updated_at": s.now()})
		if res.Error != nil {
			return fmt.Errorf("auth: unable to update profile: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(tx, userID, "user.profile", "user", fmt.Sprint(userID), nil)
	})
}
