package middleware

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// clientOf reads the client IP the way a handler in either stack does.
func clientOf(r *http.Request) string {
	if c := web.CtxFrom(r); c != nil {
		return c.ClientIP()
	}
	return hostOf(r.RemoteAddr)
}

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestRealIP(t *testing.T) {
	t.Parallel()
	var thousand []string
	for i := range 1000 {
		thousand = append(thousand, "198.51.100."+strconv.Itoa(i%250))
	}
	var thousandTrusted []string
	for i := range 1000 {
		thousandTrusted = append(thousandTrusted, "10.0."+strconv.Itoa(i/250)+"."+strconv.Itoa(i%250))
	}
	tests := []struct {
		name       string
		trusted    []string
		header     string // RealIPConfig.Header
		remote     string
		reqHeaders map[string][]string
		tls        bool
		wantIP     string
		wantSecure bool
	}{
		{name: "no proxies trusted: forged header ignored", remote: "203.0.113.7:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"1.2.3.4"}, "X-Forwarded-Proto": {"https"}},
			wantIP:     "203.0.113.7"},
		{name: "untrusted peer: forged header ignored", trusted: []string{"10.0.0.0/8"}, remote: "203.0.113.7:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"1.2.3.4"}, "X-Forwarded-Proto": {"https"}},
			wantIP:     "203.0.113.7"},
		{name: "trusted peer", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"198.51.100.4"}, "X-Forwarded-Proto": {"https"}},
			wantIP:     "198.51.100.4", wantSecure: true},
		{name: "trusted peer, no header", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			wantIP: "10.0.0.1"},
		{name: "client forgery at the left is skipped", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.4"}},
			wantIP:     "198.51.100.4"},
		{name: "trusted hops skipped", trusted: []string{"10.0.0.0/8", "192.168.0.0/16"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"6.6.6.6,198.51.100.4, 192.168.1.1 ,10.0.0.2"}},
			wantIP:     "198.51.100.4"},
		{name: "several header lines", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"6.6.6.6", "198.51.100.4, 10.0.0.3"}},
			wantIP:     "198.51.100.4"},
		{name: "all trusted: the leftmost", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"10.1.1.1, 10.0.0.2"}},
			wantIP:     "10.1.1.1"},
		{name: "garbage stops the walk", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"198.51.100.4, <script>, 10.0.0.2"}},
			wantIP:     "10.0.0.2"},
		{name: "empty element stops the walk", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"198.51.100.4,,"}},
			wantIP:     "10.0.0.1"},
		{name: "IPv6 zone refused", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"fe80::1%eth0"}},
			wantIP:     "10.0.0.1"},
		{name: "IPv4-mapped unmapped", trusted: []string{"10.0.0.0/8"}, remote: "[::ffff:10.0.0.1]:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"::ffff:198.51.100.4"}},
			wantIP:     "198.51.100.4"},
		{name: "IPv6 with port", trusted: []string{"fd00::/8"}, remote: "[fd00::1]:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"[2001:db8::5]:4711"}},
			wantIP:     "2001:db8::5"},
		{name: "IPv4 with port", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"198.51.100.4:5555"}},
			wantIP:     "198.51.100.4"},
		{name: "1000 untrusted addresses: the rightmost", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {strings.Join(thousand, ",")}},
			wantIP:     thousand[999]},
		{name: "1000 trusted addresses: walk bounded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {strings.Join(thousandTrusted, ",")}},
			wantIP:     thousandTrusted[1000-maxHops]},
		{name: "huge garbage header", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {strings.Repeat("x", 100000)}},
			wantIP:     "10.0.0.1"},
		{name: "unix socket peer", trusted: []string{"10.0.0.0/8"}, remote: "@",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"198.51.100.4"}},
			wantIP:     "@"},
		{name: "proto http", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-Proto": {"http"}}, tls: true,
			wantIP: "10.0.0.1", wantSecure: false},
		{name: "proto garbage keeps TLS state", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-Proto": {"gopher"}}, tls: true,
			wantIP: "10.0.0.1", wantSecure: true},
		{name: "Forwarded", header: "Forwarded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"Forwarded": {"for=192.0.2.60;proto=https;by=203.0.113.43"}},
			wantIP:     "192.0.2.60", wantSecure: true},
		{name: "Forwarded quoted IPv6", header: "forwarded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"Forwarded": {`For="[2001:db8:cafe::17]:4711"`}},
			wantIP:     "2001:db8:cafe::17"},
		{name: "Forwarded chain", header: "Forwarded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"Forwarded": {"for=6.6.6.6;proto=https, for=198.51.100.4;proto=http, for=10.0.0.9"}},
			wantIP:     "198.51.100.4", wantSecure: false},
		{name: "Forwarded unknown", header: "Forwarded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"Forwarded": {"for=unknown"}},
			wantIP:     "10.0.0.1"},
		{name: "Forwarded obfuscated", header: "Forwarded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"Forwarded": {"for=_hidden;proto=https"}},
			wantIP:     "10.0.0.1"},
		{name: "Forwarded two fors", header: "Forwarded", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"Forwarded": {"for=198.51.100.4;for=6.6.6.6"}},
			wantIP:     "10.0.0.1"},
		{name: "X-Forwarded-For ignored when Forwarded configured", header: "Forwarded",
			trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Forwarded-For": {"6.6.6.6"}},
			wantIP:     "10.0.0.1"},
		{name: "X-Real-IP", header: "X-Real-IP", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Real-Ip": {" 198.51.100.4 "}},
			wantIP:     "198.51.100.4"},
		{name: "X-Real-IP list refused", header: "X-Real-IP", trusted: []string{"10.0.0.0/8"}, remote: "10.0.0.1:1234",
			reqHeaders: map[string][]string{"X-Real-Ip": {"6.6.6.6, 198.51.100.4"}},
			wantIP:     "10.0.0.1"},
		{name: "X-Real-IP from untrusted", header: "X-Real-IP", trusted: []string{"10.0.0.0/8"}, remote: "203.0.113.7:1",
			reqHeaders: map[string][]string{"X-Real-Ip": {"198.51.100.4"}},
			wantIP:     "203.0.113.7"},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var gotIP string
				var gotSecure bool
				h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					gotIP, gotSecure = clientOf(r), IsSecure(r)
				}), RealIP(RealIPConfig{TrustedProxies: prefixes(t, tt.trusted...), Header: tt.header}))
				req := httptest.NewRequest("GET", "/", nil)
				if tt.tls {
					req.TLS = &tls.ConnectionState{}
				}
				req.RemoteAddr = tt.remote
				for k, vs := range tt.reqHeaders {
					req.Header[k] = vs
				}
				serve(h, req)
				if gotIP != tt.wantIP {
					t.Errorf("client IP %q, want %q", gotIP, tt.wantIP)
				}
				if gotSecure != tt.wantSecure {
					t.Errorf("secure %v, want %v", gotSecure, tt.wantSecure)
				}
			})
		}
	}
}

func TestRealIPDoesNotModifyTheRequest(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.1:1234"
	req.Header.Set("X-Forwarded-For", "198.51.100.4")
	var inner string
	h := RealIP(RealIPConfig{TrustedProxies: prefixes(t, "10.0.0.0/8")})(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { inner = r.RemoteAddr }))
	serve(h, req)
	if inner != "198.51.100.4:0" || req.RemoteAddr != "10.0.0.1:1234" {
		t.Errorf("inner RemoteAddr %q, caller's %q", inner, req.RemoteAddr)
	}
}

func TestParseHop(t *testing.T) {
	t.Parallel()
	tests := map[string]string{ // input → address, "" = refused
		"1.2.3.4": "1.2.3.4", "1.2.3.4:80": "1.2.3.4", "2001:db8::1": "2001:db8::1",
		"[2001:db8::1]": "2001:db8::1", "[2001:db8::1]:443": "2001:db8::1", "::ffff:1.2.3.4": "1.2.3.4",
		"": "", "fe80::1%eth0": "", "[fe80::1%eth0]:80": "", "1.2.3": "", "1.2.3.4:": "",
		"[2001:db8::1": "", "2001:db8::1]": "", "unknown": "", strings.Repeat("1", 65): "",
		"01.2.3.4": "", "1.2.3.4:99999": "",
	}
	for in, want := range tests {
		a, ok := parseHop(in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("parseHop(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRealIP(f *testing.F) {
	f.Add("198.51.100.4, 10.0.0.2", "for=192.0.2.60;proto=https")
	f.Add("[2001:db8::1]:80,,fe80::1%eth0", `for="[::1]:1";proto=http, for=unknown`)
	f.Add(strings.Repeat("10.0.0.1,", 100), "for=10.0.0.1;for=1.1.1.1")
	m := &realIP{header: "X-Forwarded-For", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	peer := netip.MustParseAddr("10.0.0.1")
	f.Fuzz(func(t *testing.T, xff, fwd string) {
		for _, forwarded := range []bool{false, true} {
			v := xff
			if forwarded {
				v = fwd
			}
			var proto int8
			a := m.walk([]string{v}, peer, forwarded, &proto)
			if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
				t.Fatalf("walk(%q) = %v", v, a)
			}
			if a != peer && !forwarded && !strings.ContainsAny(v, ":[") && !strings.Contains(v, a.String()) {
				t.Fatalf("walk(%q) = %v, an address not in the header", v, a)
			}
		}
	})
}
