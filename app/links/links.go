// Package links makes the private links of public pages (/v/, /r/, /g/): a
// random token in the URL and only its hash in the database, so that a copy
// of the database opens nobody's registration.
package links

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// tokenLen is the length of a token: 32 random bytes in unpadded base64url.
const tokenLen = 43

// New returns a fresh token and the hash to store for it.
func New() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token)
}

// Hash is what is stored for token and looked up when it comes back.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Valid reports whether token has the shape of one New makes, so that junk
// in a URL is refused before it reaches the database.
func Valid(token string) bool {
	if len(token) != tokenLen {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
