package request

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Signer makes short tamper-proof tokens, "value.issued.mac": the MAC covers
// the value, its issue time and the Signer's purpose under the secret key, so
// a token made for one use is worthless for another, and any node can check
// a token another node made without storing anything.
type Signer struct {
	key      []byte
	purpose  string
	lifetime time.Duration
}

// NewSigner returns a signer of tokens for purpose, valid for lifetime.
func NewSigner(key []byte, purpose string, lifetime time.Duration) Signer {
	return Signer{key: key, purpose: purpose, lifetime: lifetime}
}

// MAC is the signature of payload.
func (s Signer) MAC(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(s.purpose + ":" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Seal signs value, which must not contain a dot, as issued at now.
func (s Signer) Seal(value string, now time.Time) string {
	payload := value + "." + strconv.FormatInt(now.Unix(), 36)
	return payload + "." + s.MAC(payload)
}

// Open returns the value of a token this Signer sealed within its lifetime.
func (s Signer) Open(token string, now time.Time) (string, bool) {
	payload, sig, ok := cutLast(token)
	if !ok || !hmac.Equal([]byte(sig), []byte(s.MAC(payload))) {
		return "", false
	}
	value, stamp, ok := cutLast(payload)
	if !ok {
		return "", false
	}
	issued, err := strconv.ParseInt(stamp, 36, 64)
	if err != nil {
		return "", false
	}
	age := now.Sub(time.Unix(issued, 0))
	if age < -time.Minute || age >= s.lifetime {
		return "", false
	}
	return value, true
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
