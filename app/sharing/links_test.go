package sharing

import (
	"net/url"
	"strings"
	"testing"
)

// TestLinks: each channel's address reaches its service with the page's
// absolute address carrying that channel, and a title with '&', '#' and
// Cyrillic arrives whole, not cut into further parameters.
func TestLinks(t *testing.T) {
	const base, path, title = "https://gotong.example", "/activities/zavkhan-camp", "Лагерь & права #1"
	links := Links(base, path, title)
	if len(links) != 4 {
		t.Fatalf("%d links, want 4", len(links))
	}
	tests := []struct {
		channel, host, path string
		urlParam, textParam string // the parameters that hold the page's address and the title
		textIsBoth          bool   // WhatsApp: one text with the title and the address
	}{
		{SourceWhatsApp, "wa.me", "/", "", "text", true},
		{SourceTelegram, "t.me", "/share/url", "url", "text", false},
		{SourceFacebook, "www.facebook.com", "/sharer/sharer.php", "u", "", false},
		{SourceX, "x.com", "/intent/post", "url", "text", false},
	}
	for i, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			l := links[i]
			if l.Channel != tt.channel {
				t.Fatalf("link %d is %q, want %q", i, l.Channel, tt.channel)
			}
			u, err := url.Parse(l.Href)
			if err != nil {
				t.Fatal(err)
			}
			if u.Scheme != "https" || u.Host != tt.host || u.Path != tt.path {
				t.Fatalf("%s goes to %s://%s%s", l.Href, u.Scheme, u.Host, u.Path)
			}
			page := base + path + "?src=" + tt.channel
			q := u.Query()
			want := map[string]string{}
			if tt.textIsBoth {
				want[tt.textParam] = title + "\n" + page
			} else {
				want[tt.urlParam] = page
				if tt.textParam != "" {
					want[tt.textParam] = title
				}
			}
			if strings.Contains(u.RawQuery, "+") {
				t.Errorf("%s writes a space as +", l.Href)
			}
			if len(q) != len(want) {
				t.Errorf("%s has parameters %v, want %v", l.Href, q, want)
			}
			for k, v := range want {
				if got := q.Get(k); got != v {
					t.Errorf("%s=%q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestPageURL(t *testing.T) {
	for _, tt := range []struct{ base, path, channel, want string }{
		{"https://gotong.example", "/p/free-them", SourcePoster, "https://gotong.example/p/free-them?src=poster"},
		{"http://127.0.0.1", "/activities/camp", SourceCopy, "http://127.0.0.1/activities/camp?src=copy"},
		{"https://gotong.example", "/p/x", "partner-3", "https://gotong.example/p/x?src=partner-3"},
	} {
		if got := PageURL(tt.base, tt.path, tt.channel); got != tt.want {
			t.Errorf("PageURL(%q, %q, %q) = %q, want %q", tt.base, tt.path, tt.channel, got, tt.want)
		}
	}
}
