package web

import (
	"context"
	"reflect"
)

// This file exports small pieces of the binding machinery for packages that plan their own
// binding once per type (the api package's typed handlers), so that text conversion, the
// supported types and the JSON error messages stay the same everywhere.

// Bindable reports whether [Ctx.Bind] can fill a field of type t from text (a path, query,
// header, cookie or form value): strings, booleans, numbers, durations, times,
// encoding.TextUnmarshaler implementations, pointers to those and slices of them.
func Bindable(t reflect.Type) bool { return bindable(t) }

// BindText converts the text values vs (at least one) into fv, a settable value whose type
// is [Bindable], with the rules of [Ctx.Bind]: a slice takes every value, anything else the
// first; a blank value leaves a number or time at zero. The error says what was expected
// and quotes the input, cut short.
func BindText(fv reflect.Value, vs []string) error { return setField(fv, vs) }

// JSONError turns an error from decoding a JSON request body with encoding/json into the
// client error [Ctx.Bind] answers: 413 for a body over the limit, 400 with the byte offset
// for malformed JSON, 400 with a FieldError located at "body.<field>" for a wrong type
// (code "type") or an unknown field (code "unknown_field").
func JSONError(err error) error { return jsonError(err) }

// CtxFromContext returns the *Ctx behind ctx: ctx itself when it is one, or the Ctx that a
// context derived from it (or from a request served by a Router) finds; nil when there is
// none. Typed handlers that receive a context.Context use it to reach the request.
func CtxFromContext(ctx context.Context) *Ctx {
	if c, ok := ctx.(*Ctx); ok {
		return c
	}
	c, _ := ctx.Value(ctxKey{}).(*Ctx)
	return c
}
