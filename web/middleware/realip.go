package middleware

import (
	"context"
	"net/http"
	"net/netip"
	"strings"

	"github.com/sinewdev/sinew/web"
)

// RealIPConfig configures [RealIP]. The zero value is the default.
type RealIPConfig struct {
	// TrustedProxies are the networks of the reverse proxies and load balancers in front of
	// the app. Forwarding headers are believed only on connections from these networks,
	// and only their own hops are skipped when walking a forwarded-for list. Default: none,
	// so forwarding headers are ignored and the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// Header names the forwarding header the proxies set: "X-Forwarded-For" (a list, walked
	// from the right), "Forwarded" (RFC 7239, walked the same way), or a header carrying a
	// single address such as "X-Real-IP", "CF-Connecting-IP" or "Fly-Client-IP". Only that
	// header is read: name the one your proxy overwrites or appends to, never one it
	// passes through from clients unchanged. Default: "X-Forwarded-For".
	Header string
}

// maxHops bounds how many entries of a forwarded-for list RealIP looks at, whatever its
// length: more trusted proxies than this in a row is a misconfiguration or an attack.
const maxHops = 32

// realIPKey is the context key of the HTTPS flag learned by RealIP in plain stacks.
type realIPKey struct{}

// RealIP finds the client's address, and whether it used HTTPS, when the app runs behind
// reverse proxies. If the connection comes from a trusted proxy (see
// [RealIPConfig.TrustedProxies]), the configured forwarding header is read: a list is
// walked from the right, skipping the trusted proxies' own hops, and the first address
// that is not a trusted proxy is the client (so addresses a client forged at the left of
// the list are never believed); the protocol comes from the same Forwarded element, or
// from X-Forwarded-Proto. Unparseable entries, IPv6 zones and lists longer than 32 trusted
// hops stop the walk at the last address known to be good. Connections from anywhere
// else keep their own address and their forwarding headers are ignored.
//
// In a Sinew router the result is stored with c.SetClientIP and c.SetSecure; in a plain
// stack the request's RemoteAddr is rewritten (as "ip:0", the client's port being unknown)
// and [IsSecure] reports the protocol.
func RealIP(cfg RealIPConfig) web.Middleware {
	m := &realIP{header: http.CanonicalHeaderKey(cfg.Header)}
	if m.header == "" {
		m.header = "X-Forwarded-For"
	}
	for _, p := range cfg.TrustedProxies {
		if p.IsValid() {
			m.trusted = append(m.trusted, p.Masked())
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client, proto, ok := m.resolve(r)
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			if c := web.CtxFrom(r); c != nil {
				c.SetClientIP(client.String())
				if proto != 0 {
					c.SetSecure(proto > 0)
				}
				next.ServeHTTP(w, r)
				return
			}
			var r2 *http.Request
			if proto != 0 {
				r2 = r.WithContext(context.WithValue(r.Context(), realIPKey{}, proto > 0))
			} else {
				r2 = new(http.Request)
				*r2 = *r
			}
			r2.RemoteAddr = netip.AddrPortFrom(client, 0).String()
			next.ServeHTTP(w, r2)
		})
	}
}

// IsSecure reports whether the client reached the app over HTTPS: [web.Ctx.Secure] for a
// request served by a Sinew router; otherwise what [RealIP] learned from a trusted proxy,
// or whether the connection itself is TLS.
func IsSecure(r *http.Request) bool {
	if c := web.CtxFrom(r); c != nil {
		return c.Secure()
	}
	if https, ok := r.Context().Value(realIPKey{}).(bool); ok {
		return https
	}
	return r.TLS != nil
}

type realIP struct {
	header  string
	trusted []netip.Prefix
}

func (m *realIP) isTrusted(a netip.Addr) bool {
	for _, p := range m.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// resolve returns the client address and protocol (1 https, -1 http, 0 unknown) for r, and
// false when the peer is not a trusted proxy (or the peer address is unreadable).
func (m *realIP) resolve(r *http.Request) (netip.Addr, int8, bool) {
	if len(m.trusted) == 0 {
		return netip.Addr{}, 0, false
	}
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !m.isTrusted(peer) {
		return netip.Addr{}, 0, false
	}
	vals := r.Header[m.header]
	client, proto := peer, int8(0)
	switch m.header {
	case "X-Forwarded-For":
		client = m.walk(vals, peer, false, &proto)
	case "Forwarded":
		client = m.walk(vals, peer, true, &proto)
	default:
		if len(vals) > 0 {
			if a, ok := parseHop(strings.TrimSpace(vals[len(vals)-1])); ok {
				client = a
			}
		}
	}
	if proto == 0 {
		proto = parseProto(firstElement(r.Header.Get("X-Forwarded-Proto")))
	}
	return client, proto, true
}

// walk goes through a forwarded-for list from the right (the most recent hop first) and
// returns the first address that is not a trusted proxy; if every address is trusted, the
// leftmost one. An entry that does not parse stops the walk at the last good address.
// The header's lines are read last to first and split without allocating.
func (m *realIP) walk(lines []string, peer netip.Addr, forwarded bool, proto *int8) netip.Addr {
	client := peer
	hops := 0
	for i := len(lines) - 1; i >= 0; i-- {
		s := lines[i]
		for len(s) > 0 {
			var elem string
			if j := strings.LastIndexByte(s, ','); j >= 0 {
				elem, s = s[j+1:], s[:j]
			} else {
				elem, s = s, ""
			}
			hops++
			if hops > maxHops {
				return client
			}
			var a netip.Addr
			var ok bool
			var p int8
			if forwarded {
				a, p, ok = parseForwardedElement(elem)
			} else {
				a, ok = parseHop(strings.TrimSpace(elem))
			}
			if !ok {
				return client
			}
			client = a
			*proto = p
			if !m.isTrusted(a) {
				return client
			}
		}
	}
	return client
}

// parseHop parses one address as found in RemoteAddr or a forwarding header: "1.2.3.4",
// "1.2.3.4:80", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:443". Addresses with an
// IPv6 zone are refused; IPv4-mapped IPv6 addresses are unmapped.
func parseHop(s string) (netip.Addr, bool) {
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	// Pick the parser by shape: a failed parse allocates its error.
	var a netip.Addr
	var err error
	switch colon := strings.IndexByte(s, ':'); {
	case s[0] == '[' && s[len(s)-1] == ']':
		a, err = netip.ParseAddr(s[1 : len(s)-1])
	case s[0] == '[' || (colon >= 0 && strings.IndexByte(s[colon+1:], ':') < 0):
		var ap netip.AddrPort
		ap, err = netip.ParseAddrPort(s) // "[v6]:port" or "v4:port"
		a = ap.Addr()
	default:
		a, err = netip.ParseAddr(s)
	}
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseForwardedElement reads the for= and proto= parameters of one element of an RFC 7239
// Forwarded header (`for=192.0.2.60;proto=https;by=203.0.113.43`). Values may be quoted;
// "unknown" and obfuscated identifiers ("_hidden") do not parse.
func parseForwardedElement(elem string) (netip.Addr, int8, bool) {
	var addr netip.Addr
	var proto int8
	found := false
	for elem != "" {
		var pair string
		pair, elem, _ = strings.Cut(elem, ";")
		key, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			return netip.Addr{}, 0, false
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		switch {
		case strings.EqualFold(key, "for"):
			a, ok := parseHop(val)
			if !ok || found {
				return netip.Addr{}, 0, false
			}
			addr, found = a, true
		case strings.EqualFold(key, "proto"):
			proto = parseProto(val)
		}
	}
	return addr, proto, found
}

// firstElement returns the first comma-separated element of a header value.
func firstElement(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// parseProto maps "https" to 1, "http" to -1 and anything else to 0 (unknown).
func parseProto(s string) int8 {
	switch {
	case strings.EqualFold(s, "https"):
		return 1
	case strings.EqualFold(s, "http"):
		return -1
	}
	return 0
}
