package request

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ClientIP is the address of the client of c: what the audit and the
// access log record, and what the login limits count by (limitAddr). Use
// it, never c.IP().
func (s *Kit) ClientIP(c *fiber.Ctx) string { return s.Client(c).String() }

func (s *Kit) Client(c *fiber.Ctx) netip.Addr {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	var forwarded []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		forwarded = append(forwarded, string(v))
	}
	return clientAddr(peer, forwarded, s.Config.TrustedProxies)
}

// LimitAddr is what the limits count a client by: an IPv4 address as it
// is, an IPv6 address by its /64, which one subscriber or one network
// usually holds whole, so that walking through it escapes no limit.
func LimitAddr(a netip.Addr) string {
	if a.Is4() || !a.IsValid() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// clientAddr decides who the client is. A request from a peer outside
// trusted is that peer's own, whatever its headers say. From a trusted
// proxy, X-Forwarded-For (every header line, in order, as one list) is
// read from the right, where each proxy appended whom it heard from: the
// Client is the first address that is not itself a trusted proxy. The
// leftmost entries are the client's own to write, so they are never
// believed; an unreadable entry ends the reading at the last address
// known, and when every hop is trusted the furthest is the client.
//
// Fiber's c.IP() with ProxyHeader does not do this: it takes the leftmost
// entry, which the client controls.
func clientAddr(peer netip.Addr, forwarded []string, trusted []netip.Prefix) netip.Addr {
	client := peer.Unmap()
	if !inPrefixes(client, trusted) {
		return client
	}
	list := strings.Join(forwarded, ",")
	if strings.TrimSpace(list) == "" {
		return client
	}
	hops := strings.Split(list, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		client = a
		if !inPrefixes(a, trusted) {
			break
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, with or without
// port (IPv6 then in brackets).
func parseHop(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap(), true
}

func inPrefixes(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
