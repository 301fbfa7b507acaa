package people_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// sealedBeforeKeys seals plain as the sealer did before keys were derived:
// AES-256-GCM under the secret itself, the nonce then the ciphertext, no
// version.
func sealedBeforeKeys(t *testing.T, nonce []byte, plain, context string) []byte {
	t.Helper()
	block, err := aes.NewCipher(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return aead.Seal(bytes.Clone(nonce), nonce, []byte(plain), []byte(context))
}

func randomNonce(first byte) []byte {
	n := make([]byte, 12)
	_, _ = rand.Read(n)
	n[0] = first
	return n
}

func TestSealVersions(t *testing.T) {
	k := keys.Derive(testSecret)
	s, err := people.NewSealer(k.Seal)
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal([]byte("yes"), "ctx")
	if sealed[0] != 1 || len(sealed) != 1+12+3+16 {
		t.Fatalf("a new value is not of version 1: % x", sealed)
	}
	// Version 1 is sealed under the derived key, not the secret.
	gcm := func(key keys.SealKey) cipher.AEAD {
		block, _ := aes.NewCipher(key[:])
		aead, _ := cipher.NewGCM(block)
		return aead
	}
	if plain, err := gcm(k.Seal.V1).Open(nil, sealed[1:13], sealed[13:], []byte("ctx")); err != nil || string(plain) != "yes" {
		t.Fatalf("version 1 under the derived key: %q, %v", plain, err)
	}
	if _, err := gcm(k.Seal.Legacy).Open(nil, sealed[1:13], sealed[13:], []byte("ctx")); err == nil {
		t.Fatal("version 1 opens under the secret itself")
	}

	for name, tc := range map[string]struct {
		sealed  []byte
		context string
		want    string // "" when it must not open
	}{
		"version 1":                  {sealed, "ctx", "yes"},
		"before keys":                {sealedBeforeKeys(t, randomNonce(0x7f), "no", "ctx"), "ctx", "no"},
		"before keys, nonce at 0x01": {sealedBeforeKeys(t, randomNonce(1), "maybe", "ctx"), "ctx", "maybe"},
		"before keys, nonce at 0x00": {sealedBeforeKeys(t, randomNonce(0), "no", "ctx"), "ctx", "no"},
		"version 1, other context":   {sealed, "other", ""},
		"before keys, other context": {sealedBeforeKeys(t, randomNonce(1), "no", "ctx"), "other", ""},
		"version 1 without its byte": {sealed[1:], "ctx", ""},
		"tampered":                   {append(bytes.Clone(sealed[:len(sealed)-1]), sealed[len(sealed)-1]^1), "ctx", ""},
		"short":                      {sealed[:12], "ctx", ""},
		"empty":                      {nil, "ctx", ""},
	} {
		t.Run(name, func(t *testing.T) {
			plain, err := s.Open(tc.sealed, tc.context)
			if tc.want == "" {
				if !errors.Is(err, people.ErrUnsealable) {
					t.Fatalf("opened %q, %v", plain, err)
				}
				return
			}
			if err != nil || string(plain) != tc.want {
				t.Fatalf("%q, %v; want %q", plain, err, tc.want)
			}
		})
	}
}

// TestSensitiveSealedBeforeKeys writes a person's sensitive attributes and a
// registration's declaration as the sealer did before keys were derived,
// with SQL, and reads them with the store of today.
func TestSensitiveSealedBeforeKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newStore(t, db)
		ctx := context.Background()
		now := time.Now().UTC()
		var p *people.Person
		c := people.Contact{GivenName: "Saraa", Email: "saraa@example.org", Region: "MN-057"}
		c.Validate(apperr.Fields{})
		if err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			var err error
			p, err = s.FindOrCreateContact(tx, c, "test", now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		col := func(name string) string { return "person_sensitive." + name + ":" + strconv.FormatInt(p.ID, 10) }
		// One nonce begins with the version byte, as one in 256 did.
		if err := db.Exec("INSERT INTO person_sensitive (person_id, disability, minority, lgbti, accessibility_needs, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			p.ID, sealedBeforeKeys(t, randomNonce(1), "true", col("disability")), sealedBeforeKeys(t, randomNonce(0x80), "false", col("minority")),
			nil, sealedBeforeKeys(t, randomNonce(0x42), "a ramp", col("accessibility_needs")), now).Error; err != nil {
			t.Fatal(err)
		}
		got, err := s.OpenSensitive(db, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Disability == nil || !*got.Disability || got.Minority == nil || *got.Minority || got.LGBTI != nil ||
			got.AccessibilityNeeds == nil || *got.AccessibilityNeeds != "a ramp" {
			t.Fatalf("opened %+v", got)
		}

		declared := sealedBeforeKeys(t, randomNonce(9), `{"disability":true,"accessibility_needs":"a ramp"}`, "registration:1:2")
		d, err := s.OpenDeclaration(declared, "registration:1:2")
		if err != nil || d.Disability == nil || !*d.Disability || d.AccessibilityNeeds == nil || *d.AccessibilityNeeds != "a ramp" {
			t.Fatalf("declaration %+v, %v", d, err)
		}
	})
}
