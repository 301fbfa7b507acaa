package keys_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/gotong/gotong/app/keys"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// uses are the derived keys of a set, by name.
func uses(s keys.Set) map[string][]byte {
	return map[string][]byte{"seal v1": s.Seal.V1[:], "csrf": s.CSRF[:], "devices": s.Devices[:], "mailing": s.Mailing[:]}
}

// TestDeriveKnownAnswers pins each key to HKDF-SHA256 of the secret as
// OpenSSL computes it (`openssl kdf -keylen 32 -kdfopt digest:SHA256
// -kdfopt key:<secret> -kdfopt info:<info> HKDF`): a change here would make
// every value sealed under the seal key unreadable.
func TestDeriveKnownAnswers(t *testing.T) {
	got := uses(keys.Derive(secret))
	for use, want := range map[string]string{
		"seal v1": "bd576157c095cec7765e05fe0ecc47d08b5a960cec53e0e5a2872fb58b18aa7e",
		"csrf":    "641195eab2dc6e5ed50c082ba6cc045e991fa5c7513ad3d0e5214dbb39d8b85f",
		"devices": "e0e53ec999d6b7c81bb540498734d2bc10ecd40dce2882068d2d9fe92e52cd15",
		"mailing": "ee7b0269744e93cfbe80e5882055443d330b74b08e54bf39180ac48cc0d75714",
	} {
		if h := hex.EncodeToString(got[use]); h != want {
			t.Errorf("%s key %s, want %s", use, h, want)
		}
	}
}

func TestDerive(t *testing.T) {
	other := bytes.Repeat([]byte{0xa5}, keys.SecretSize)
	a, again, b := keys.Derive(secret), keys.Derive(secret), keys.Derive(other)
	if a != again {
		t.Fatal("two derivations from one secret differ")
	}
	if !bytes.Equal(a.Seal.Legacy[:], secret) || !bytes.Equal(b.Seal.Legacy[:], other) {
		t.Fatal("the legacy seal key is not the secret, which sealed values before version 1")
	}
	seen := map[string]string{hex.EncodeToString(secret): "the secret", hex.EncodeToString(other): "the other secret"}
	for _, set := range []struct {
		name string
		keys keys.Set
	}{{"secret", a}, {"other", b}} {
		for use, k := range uses(set.keys) {
			t.Run(set.name+"/"+use, func(t *testing.T) {
				if len(k) != 32 {
					t.Fatalf("%d bytes, want 32", len(k))
				}
				h := hex.EncodeToString(k)
				if prev, ok := seen[h]; ok {
					t.Fatalf("equals %s", prev)
				}
				seen[h] = set.name + "/" + use
			})
		}
	}
}

func TestDeriveRefusesAWrongLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("a secret of %d bytes derived keys", n)
				}
			}()
			keys.Derive(make([]byte, n))
		}()
	}
}
