package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

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
		return "", nil, fmt.Errorf("auth: unable to make a token: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := &APIToken{UserID: u.ID, Name: name, TokenHash: hashToken(token), CreatedAt: s.now()}
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
		res := tx.Model(&APIToken{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now())
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
	if now := s.now(); t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		s.db.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now)
	}
	return u, nil
}
