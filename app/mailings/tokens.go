package mailings

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"slices"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
)

// Tokens of mailing links are signed, not stored: a recipient row needs no
// secret of its own (materialising 100,000 recipients is one INSERT … SELECT),
// and a link made up, or one of another purpose, does not verify. An
// unsubscribe token names one recipient row, which names the person only
// in the database; a click token names a mailing, a link and a language,
// never a recipient.

const (
	unsubscribeMAC = 16
	clickMAC       = 12
)

func mac(key keys.MailingKey, purpose byte, payload []byte) []byte {
	h := hmac.New(sha256.New, key[:])
	h.Write([]byte{purpose})
	h.Write(payload)
	return h.Sum(nil)
}

// UnsubscribeToken is the token of recipient row id's unsubscribe link.
func UnsubscribeToken(key keys.MailingKey, id int64) string {
	payload := binary.BigEndian.AppendUint64(nil, uint64(id))
	return base64.RawURLEncoding.EncodeToString(append(payload, mac(key, 'u', payload)[:unsubscribeMAC]...))
}

// ParseUnsubscribeToken returns the recipient row id of a token that
// UnsubscribeToken made with key.
func ParseUnsubscribeToken(key keys.MailingKey, token string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+unsubscribeMAC {
		return 0, false
	}
	if !hmac.Equal(b[8:], mac(key, 'u', b[:8])[:unsubscribeMAC]) {
		return 0, false
	}
	id := int64(binary.BigEndian.Uint64(b[:8]))
	return id, id > 0
}

// Click is what a counted link names: a link of a mailing, followed from a
// message in a language.
type Click struct {
	MailingID int64
	Index     int
	Locale    string
}

// ClickToken is the token of c's counted link.
func ClickToken(key keys.MailingKey, c Click) string {
	payload := binary.BigEndian.AppendUint64(nil, uint64(c.MailingID))
	payload = binary.BigEndian.AppendUint16(payload, uint16(c.Index))
	payload = append(payload, byte(slices.Index(i18n.Supported, c.Locale)))
	return base64.RawURLEncoding.EncodeToString(append(payload, mac(key, 'c', payload)[:clickMAC]...))
}

// ParseClickToken returns what a token that ClickToken made with key names.
func ParseClickToken(key keys.MailingKey, token string) (Click, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 11+clickMAC {
		return Click{}, false
	}
	if !hmac.Equal(b[11:], mac(key, 'c', b[:11])[:clickMAC]) {
		return Click{}, false
	}
	lang := int(b[10])
	if lang >= len(i18n.Supported) {
		return Click{}, false
	}
	c := Click{MailingID: int64(binary.BigEndian.Uint64(b[:8])), Index: int(binary.BigEndian.Uint16(b[8:10])),
		Locale: i18n.Supported[lang]}
	return c, c.MailingID > 0
}
