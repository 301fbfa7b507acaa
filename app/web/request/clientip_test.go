package request

import (
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	prefixes := func(ss ...string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}
	lb := prefixes("10.0.0.0/8", "2001:db8:1::/48")
	for _, tc := range []struct {
		name      string
		peer      string
		forwarded []string
		trusted   []netip.Prefix
		want      string
	}{
		{"no proxies trusted: the peer", "203.0.113.7", []string{"198.51.100.1"}, nil, "203.0.113.7"},
		{"an untrusted peer's header is ignored", "203.0.113.7", []string{"198.51.100.1"}, lb, "203.0.113.7"},
		{"a trusted peer without header", "10.0.0.2", nil, lb, "10.0.0.2"},
		{"a trusted peer with an empty header", "10.0.0.2", []string{""}, lb, "10.0.0.2"},
		{"an empty entry is unreadable", "10.0.0.2", []string{"198.51.100.1, , 10.0.0.9"}, lb, "10.0.0.9"},
		{"an empty line before a real one", "10.0.0.2", []string{"", "198.51.100.1"}, lb, "198.51.100.1"},
		{"one hop", "10.0.0.2", []string{"198.51.100.1"}, lb, "198.51.100.1"},
		{"the rightmost, not the leftmost the client wrote", "10.0.0.2", []string{"1.2.3.4, 198.51.100.1"}, lb, "198.51.100.1"},
		{"trusted hops are skipped", "10.0.0.2", []string{"1.2.3.4, 198.51.100.1, 10.0.0.9"}, lb, "198.51.100.1"},
		{"several header lines read as one list", "10.0.0.2", []string{"1.2.3.4", "198.51.100.1, 10.0.0.9"}, lb, "198.51.100.1"},
		{"every hop trusted: the furthest", "10.0.0.2", []string{"10.0.0.7, 10.0.0.9"}, lb, "10.0.0.7"},
		{"garbage left of the client is never read", "10.0.0.2", []string{"not-an-ip, 198.51.100.1"}, lb, "198.51.100.1"},
		{"an unreadable hop after trusted ones: the last known", "10.0.0.2", []string{"198.51.100.1, unknown, 10.0.0.9"}, lb, "10.0.0.9"},
		{"an unreadable hop at once: the peer", "10.0.0.2", []string{"1.2.3.4, bogus"}, lb, "10.0.0.2"},
		{"spaces and ports", "10.0.0.2", []string{" 198.51.100.1:4711 ,10.0.0.9 "}, lb, "198.51.100.1"},
		{"IPv6 with brackets and port", "10.0.0.2", []string{"[2001:db8:2::5]:443"}, lb, "2001:db8:2::5"},
		{"IPv6 hops", "2001:db8:1::1", []string{"2001:db8:2::5, 2001:db8:1::9"}, lb, "2001:db8:2::5"},
		{"an IPv4 peer written as IPv6", "::ffff:10.0.0.2", []string{"198.51.100.1"}, lb, "198.51.100.1"},
		{"an IPv4 hop written as IPv6", "10.0.0.2", []string{"198.51.100.1, ::ffff:10.0.0.9"}, lb, "198.51.100.1"},
		{"a zone is dropped", "10.0.0.2", []string{"fe80::1%eth0"}, lb, "fe80::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clientAddr(netip.MustParseAddr(tc.peer), tc.forwarded, tc.trusted).String(); got != tc.want {
				t.Errorf("clientAddr(%s, %q) = %s, want %s", tc.peer, tc.forwarded, got, tc.want)
			}
		})
	}
}

func TestLimitAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"::1", "::/64"},
	} {
		if got := LimitAddr(netip.MustParseAddr(tc.in)); got != tc.want {
			t.Errorf("LimitAddr(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := LimitAddr(netip.Addr{}); got != "invalid IP" {
		t.Errorf("limitAddr of no address = %q", got)
	}
}
