package sharing

import (
	"net/url"
	"strings"
)

// Link is one way to pass a page on: its channel and the address that
// shares the page there.
type Link struct {
	Channel string // one of the Source constants
	Href    string
}

// PageURL is the absolute address of the page at path (which begins with
// '/') as passed on through channel: base + path + "?src=" + channel.
func PageURL(base, path, channel string) string {
	return base + path + "?src=" + url.QueryEscape(channel)
}

// Links are the share links of the page at path titled title: WhatsApp,
// Telegram, Facebook and X, each carrying its own channel in the page's
// ?src=. They are plain addresses of each service's share endpoint, so the
// page loads nothing from any of them.
func Links(base, path, title string) []Link {
	q := escape
	wa := PageURL(base, path, SourceWhatsApp)
	tg := PageURL(base, path, SourceTelegram)
	fb := PageURL(base, path, SourceFacebook)
	x := PageURL(base, path, SourceX)
	return []Link{
		// WhatsApp takes one text: the title, then the address on its own line.
		{SourceWhatsApp, "https://wa.me/?text=" + q(title+"\n"+wa)},
		{SourceTelegram, "https://t.me/share/url?url=" + q(tg) + "&text=" + q(title)},
		{SourceFacebook, "https://www.facebook.com/sharer/sharer.php?u=" + q(fb)},
		{SourceX, "https://x.com/intent/post?text=" + q(title) + "&url=" + q(x)},
	}
}

// escape is a query value with its spaces as %20: url.QueryEscape writes
// "+", which a form decodes as a space but a share endpoint that reads
// its text another way may show as a plus between every word.
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
