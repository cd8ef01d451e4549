package asset

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
)

// Serve is the handler for a route ending in a {name...} wildcard under the prefix:
//
//	app.GET("/static/{path...}", assets.Serve)
//
// or simply assets.Mount(app). It answers names in the manifest (logical or
// fingerprinted) and 404 for anything else, including every traversal attempt.
func (s *Set) Serve(c *web.Ctx) error {
	return s.serve(c.Writer, c.Request, c.Param(wildcard(c.RoutePattern())))
}

// wildcard returns the name of the trailing {name...} wildcard of pattern, or "".
func wildcard(pattern string) string {
	if !strings.HasSuffix(pattern, "...}") {
		return ""
	}
	open := strings.LastIndexByte(pattern, '{')
	if open < 0 {
		return ""
	}
	return pattern[open+1 : len(pattern)-len("...}")]
}

// ServeHTTP serves the assets as a plain http.Handler, for a mux that hands it the full
// path: the request path must start with the prefix.
func (s *Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, s.cfg.Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if err := s.serve(w, r, name); err != nil {
		if errors.Is(err, web.ErrNotFound) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, err.Error(), http.StatusInternalServerError) // a failed reload, in development
	}
}

// Router is what Mount registers the asset route on: *web.Router, *web.Group or an App.
type Router interface {
	GET(path string, h web.HandlerFunc) *web.Route
}

// Mount registers GET (and so HEAD) "<prefix>{path...}" on r, served by [Set.Serve].
func (s *Set) Mount(r Router) *web.Route {
	return r.GET(s.cfg.Prefix+"{path...}", s.Serve)
}

func (s *Set) serve(w http.ResponseWriter, r *http.Request, name string) error {
	b, err := s.current()
	if err != nil {
		return err
	}
	e := b.byURL[name]
	if e == nil {
		return web.ErrNotFound
	}
	f := e.f
	h := w.Header()
	body, etag := f.body, f.etag
	if f.gz != nil || f.br != nil {
		h.Set("Vary", "Accept-Encoding")
		switch negotiate(r.Header.Values("Accept-Encoding"), f.br != nil, f.gz != nil) {
		case encBrotli:
			body, etag = f.br, f.etagBr
			h.Set("Content-Encoding", "br")
		case encGzip:
			body, etag = f.gz, f.etagGz
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if e.immutable {
		h.Set("Cache-Control", immutableCacheControl)
	} else {
		h.Set("Cache-Control", s.shortControl)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	return nil
}

type encoding int

const (
	encIdentity encoding = iota
	encGzip
	encBrotli
)

// negotiate picks the encoding to send from the Accept-Encoding header values (RFC 9110
// section 12.5.3): the accepted variant with the highest weight, brotli on a tie (it is
// smaller), identity when neither is accepted. Malformed elements are skipped; it never
// allocates.
func negotiate(values []string, haveBr, haveGz bool) encoding {
	qBr, qGz, qAny := -1, -1, -1 // weights in thousandths; -1 unset
	for _, v := range values {
		for len(v) > 0 {
			var elem string
			if i := strings.IndexByte(v, ','); i >= 0 {
				elem, v = v[:i], v[i+1:]
			} else {
				elem, v = v, ""
			}
			coding, params, _ := strings.Cut(elem, ";")
			coding = strings.TrimSpace(coding)
			q := 1000
			if params != "" {
				var ok bool
				if q, ok = weight(params); !ok {
					continue
				}
			}
			switch {
			case strings.EqualFold(coding, "br"):
				qBr = q
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				qGz = q
			case coding == "*":
				qAny = q
			}
		}
	}
	if qBr < 0 {
		qBr = qAny
	}
	if qGz < 0 {
		qGz = qAny
	}
	if !haveBr {
		qBr = -1
	}
	if !haveGz {
		qGz = -1
	}
	switch {
	case qBr > 0 && qBr >= qGz:
		return encBrotli
	case qGz > 0:
		return encGzip
	}
	return encIdentity
}

// weight reads the q parameter of an Accept-Encoding element's parameters ("q=0.5"), in
// thousandths; other parameters are ignored. It reports false for a malformed weight.
func weight(params string) (int, bool) {
	q := 1000
	for p := range strings.SplitSeq(params, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		val = strings.TrimSpace(val)
		// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
		if val == "" || len(val) > 5 || (val[0] != '0' && val[0] != '1') {
			return 0, false
		}
		n := int(val[0]-'0') * 1000
		if len(val) > 1 {
			if val[1] != '.' {
				return 0, false
			}
			scale := 100
			for _, d := range []byte(val[2:]) {
				if d < '0' || d > '9' {
					return 0, false
				}
				n += int(d-'0') * scale
				scale /= 10
			}
		}
		if n > 1000 {
			return 0, false
		}
		q = n
	}
	return q, true
}
