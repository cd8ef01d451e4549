// Package validate checks Go values against rules declared in struct tags, the one rule
// engine that HTML forms (package form), typed JSON APIs (package api) and the admin share.
// A field tagged `validate:"required,max=200"` must be present and at most 200 characters
// long; the rules are read once per type into a Plan, kept inside the Validator, so
// checking a value walks a precompiled list and allocates nothing when the value is valid.
// Invalid values produce Errors: every failing field at once, each with a path in the
// input's own names ("items[2].name", taken from json, form or query tags), a stable code
// ("required", "max", "email") for clients and translators, and an English message.
//
// The Plan is public because the other layers derive from it: the OpenAPI schema of an API
// body (minLength, maximum, pattern, enum, format) and the HTML attributes of a form input
// (required, maxlength, min, pattern) come from the same tags that are enforced, so the
// documentation and the browser's hints never disagree with the server. Rules the tags
// cannot express live in Go: named functions in Config.Funcs, usable in tags like built-in
// rules, and a Validate(ctx) method on the struct for checks across fields, which runs once
// the struct's own fields have passed.
package validate
