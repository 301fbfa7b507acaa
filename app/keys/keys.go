// Package keys derives a separate key for each use of GOTONG_SECRET_KEY with
// HKDF-SHA256 (RFC 5869), so the key that seals data at rest is never the
// key of a MAC a visitor can ask the server to compute, and a token made for
// one use cannot be checked with the key of another.
//
// Each use has its own type, so a key cannot be handed to the wrong use
// without a conversion the reader sees.
package keys

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
)

// SecretSize is the length of GOTONG_SECRET_KEY, decoded.
const SecretSize = 32

// SealKey is an AES-256-GCM key for values sealed at rest.
type SealKey [32]byte

// CSRFKey signs the CSRF tokens of forms.
type CSRFKey [32]byte

// DeviceKey signs the device cookies of the login limits.
type DeviceKey [32]byte

// MailingKey signs the links of mailings: a recipient's unsubscribe link and
// a mailing's counted links, so that none can be made up.
type MailingKey [32]byte

// Sealing holds the keys of sealed values by the version a value carries.
// One key serves every sealed column (sensitive attributes, declarations,
// sealed pools): each value is bound to its column and row by the AEAD's
// context, and random nonces stay far below GCM's limit of 2^32 values per
// key at the scale of a section, so a key per column would add nothing.
type Sealing struct {
	// V1 seals every new value and opens the values of version 1.
	V1 SealKey
	// Legacy is the secret itself, which sealed values before keys were
	// derived (they carry no version); it only opens them, never seals.
	Legacy SealKey
}

// Set is the keys of every use, derived from one secret.
type Set struct {
	Seal    Sealing
	CSRF    CSRFKey
	Devices DeviceKey
	Mailing MailingKey
}

// The info strings name the use of each key. Changing the seal's would make
// every value sealed under it unreadable: a new key is a new version.
const (
	infoSealV1  = "gotong seal v1"
	infoCSRF    = "gotong csrf"
	infoDevices = "gotong devices"
	infoMailing = "gotong mailing"
)

// Derive returns the keys of every use of secret. The secret is already
// uniformly random (config makes or checks it), so HKDF runs without a salt,
// which RFC 5869 allows for such input. Derive panics unless secret has
// SecretSize bytes, as config guarantees: a shorter secret is a mistake of
// the program, not of the settings.
func Derive(secret []byte) Set {
	if len(secret) != SecretSize {
		panic(fmt.Sprintf("keys: the secret must be %d bytes, not %d", SecretSize, len(secret)))
	}
	return Set{
		Seal:    Sealing{V1: derive(secret, infoSealV1), Legacy: SealKey(secret)},
		CSRF:    derive(secret, infoCSRF),
		Devices: derive(secret, infoDevices),
		Mailing: derive(secret, infoMailing),
	}
}

func derive(secret []byte, info string) [32]byte {
	k, err := hkdf.Key(sha256.New, secret, nil, info, 32)
	if err != nil {
		panic(err) // only for lengths past 255 hashes, never 32 bytes
	}
	return [32]byte(k)
}
