package middleware

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sinewdev/sinew/web"
)

// fail answers err for a middleware that stops the chain. A request served by a Sinew
// router goes through the router's error handler (problem+json or an HTML page, like an
// error returned by a handler); any other request gets a plain-text http.Error with the
// status [web.StatusOf] gives err.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	if c := web.CtxFrom(r); c != nil {
		c.SetRequest(r)
		c.Writer = w
		c.Fail(err)
		return
	}
	code := web.StatusOf(err)
	msg := http.StatusText(code)
	var he *web.HTTPError
	if errors.As(err, &he) && he.Message != "" && code < 500 {
		msg = he.Message
	}
	http.Error(w, msg, code)
}

// addVary adds token to the Vary header unless it (or "*") is already there.
func addVary(h http.Header, token string) {
	for _, line := range h["Vary"] {
		for line != "" {
			var v string
			v, line, _ = strings.Cut(line, ",")
			v = strings.TrimSpace(v)
			if v == "*" || strings.EqualFold(v, token) {
				return
			}
		}
	}
	h.Add("Vary", token)
}
