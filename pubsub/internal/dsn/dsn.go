// Package dsn reads the settings that Sinew adds to a broker URL's query string
// (namespace, buffer, max_payload) and removes them, so that the rest of the URL can be
// handed to the driver's client library, which would reject or misread them.
package dsn

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// Params are Sinew's own broker URL parameters. A zero field was not given.
type Params struct {
	// Namespace is the "namespace" parameter.
	Namespace string
	// Buffer is the "buffer" parameter: messages per subscription.
	Buffer int
	// MaxPayload is the "max_payload" parameter, in bytes.
	MaxPayload int
}

// maxInt bounds the numeric parameters, so that a typo cannot ask for terabytes.
const maxInt = 1 << 30

// Split parses raw as a URL, removes Sinew's parameters from its query and returns the
// URL without them together with their values. A parameter given twice, or a number that
// is not a positive integer up to 2^30, is an error. Errors never repeat the URL, which
// may hold a password.
func Split(raw string) (string, Params, error) {
	var p Params
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, password included; keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", p, fmt.Errorf("broker URL: %w", err)
	}
	if u.RawQuery == "" {
		return raw, p, nil
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", p, fmt.Errorf("broker URL query: %w", err)
	}
	one := func(key string) (string, bool, error) {
		vs, ok := q[key]
		if !ok {
			return "", false, nil
		}
		delete(q, key)
		if len(vs) != 1 {
			return "", false, fmt.Errorf("broker URL: parameter %q is given %d times", key, len(vs))
		}
		return vs[0], true, nil
	}
	number := func(key string) (int, error) {
		s, ok, err := one(key)
		if err != nil || !ok {
			return 0, err
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > maxInt {
			return 0, fmt.Errorf("broker URL: parameter %s=%.32q is not a positive integer up to %d", key, s, maxInt)
		}
		return n, nil
	}
	ns, ok, err := one("namespace")
	if err != nil {
		return "", p, err
	}
	if ok && ns == "" {
		return "", p, fmt.Errorf("broker URL: parameter namespace is empty")
	}
	p.Namespace = ns
	if p.Buffer, err = number("buffer"); err != nil {
		return "", p, err
	}
	if p.MaxPayload, err = number("max_payload"); err != nil {
		return "", p, err
	}
	u.RawQuery = q.Encode()
	return u.String(), p, nil
}
