package people

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"

	"github.com/gotong/gotong/app/keys"
)

// Sealer encrypts sensitive values at rest with AES-256-GCM. Each value gets
// a fresh random nonce, stored before the ciphertext, so equal values never
// look equal in the table.
//
// A value is sealed as version 1: the byte sealV1, the nonce, the
// ciphertext, under the seal key derived from the secret. Values sealed
// before keys were derived have no version: the nonce comes first, under the
// secret itself, and they stay readable. Their first byte is random, so it
// is sealV1 in one value out of 256: Open tries version 1 when the byte says
// so and falls back to the unversioned form when that fails; GCM's tag makes
// a wrong guess fail, never open as something else. Each write seals anew,
// so a value rewritten is of version 1.
type Sealer struct {
	v1     cipher.AEAD
	legacy cipher.AEAD
}

// sealV1 is the first byte of a value sealed under keys.Sealing.V1.
const sealV1 = 1

// NewSealer returns a sealer over the seal keys.
func NewSealer(k keys.Sealing) (*Sealer, error) {
	v1, err := newGCM(k.V1)
	if err != nil {
		return nil, err
	}
	legacy, err := newGCM(k.Legacy)
	if err != nil {
		return nil, err
	}
	return &Sealer{v1: v1, legacy: legacy}, nil
}

func newGCM(k keys.SealKey) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plain; the context binds it to one column of one row, so a
// sealed value copied to another row or column does not open.
func (s *Sealer) Seal(plain []byte, context string) []byte {
	n := s.v1.NonceSize()
	out := make([]byte, 1+n, 1+n+len(plain)+s.v1.Overhead())
	out[0] = sealV1
	nonce := out[1:]
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // the system's random source failed: nothing is safe to write
	}
	return s.v1.Seal(out, nonce, plain, []byte(context))
}

// ErrUnsealable is a value that is not ours, was tampered with, or belongs elsewhere.
var ErrUnsealable = errors.New("people: sealed value cannot be opened")

// Open decrypts a value sealed with the same context, of either version.
func (s *Sealer) Open(sealed []byte, context string) ([]byte, error) {
	if len(sealed) > 0 && sealed[0] == sealV1 {
		if plain, err := open(s.v1, sealed[1:], context); err == nil {
			return plain, nil
		}
	}
	return open(s.legacy, sealed, context)
}

// open decrypts nonce and ciphertext with aead.
func open(aead cipher.AEAD, sealed []byte, context string) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, ErrUnsealable
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, ErrUnsealable
	}
	return plain, nil
}
