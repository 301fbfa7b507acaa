package sharing

// The channels the share links and the poster put in a link's ?src=.
const (
	SourceWhatsApp = "whatsapp"
	SourceTelegram = "telegram"
	SourceFacebook = "facebook"
	SourceX        = "x"
	SourceCopy     = "copy"
	SourcePoster   = "poster"
)

// maxSourceLen bounds a source: a channel's or a partner's short name, not text.
const maxSourceLen = 32

// Source is the source a link's ?src= names, normalised: lower case, 1 to 32
// of a-z, 0-9 and '-' (whatsapp, poster, partner-3). Anything else is "":
// the parameter is part of a link, not something a person typed, so a
// mangled one is dropped rather than refused. ASCII capitals are folded
// (a hand-typed "WhatsApp"); no other character is, so nothing outside
// ASCII can fold into an accepted source.
func Source(raw string) string {
	if len(raw) == 0 || len(raw) > maxSourceLen {
		return ""
	}
	b := make([]byte, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		default:
			return ""
		}
		b[i] = c
	}
	return string(b)
}
