package people

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Sealer encrypts sensitive values at rest with AES-256-GCM under the
// secret key. Each value gets a fresh random nonce, stored before the
// ciphertext, so equal values never look equal in the table.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns a sealer over a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("people: the secret key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain; the context binds it to one column of one row, so a
// sealed value copied to another row or column does not open.
func (s *Sealer) Seal(plain []byte, context string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // the system's random source failed: nothing is safe to write
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(context))
}

// ErrUnsealable is a value that is not ours, was tampered with, or belongs elsewhere.
var ErrUnsealable = errors.New("people: sealed value cannot be opened")

// Open decrypts a value sealed with the same context.
func (s *Sealer) Open(sealed []byte, context string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrUnsealable
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, ErrUnsealable
	}
	return plain, nil
}
