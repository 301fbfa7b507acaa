package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// signer makes short tamper-proof tokens, "value.issued.mac": the MAC covers
// the value, its issue time and the signer's purpose under the secret key, so
// a token made for one use is worthless for another, and any node can check
// a token another node made without storing anything.
type signer struct {
	key      []byte
	purpose  string
	lifetime time.Duration
}

func (s signer) mac(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(s.purpose + ":" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// seal signs value, which must not contain a dot, as issued at now.
func (s signer) seal(value string, now time.Time) string {
	payload := value + "." + strconv.FormatInt(now.Unix(), 36)
	return payload + "." + s.mac(payload)
}

// open returns the value of a token this signer sealed within its lifetime.
func (s signer) open(token string, now time.Time) (string, bool) {
	payload, sig, ok := cutLast(token)
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(payload))) {
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
