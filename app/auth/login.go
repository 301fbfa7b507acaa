package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/apperr"
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

// BindSession notes the user of a session just saved, so that deleting the
// account ends every session it has (sessions.user_id, ON DELETE CASCADE).
func (s *Store) BindSession(ctx context.Context, sessionID string, userID int64) error {
	if err := s.db.WithContext(ctx).Table("sessions").Where("id = ?", sessionID).Update("user_id", userID).Error; err != nil {
		return fmt.Errorf("auth: unable to bind the session: %w", err)
	}
	return nil
}
