package validate

import (
	"net/http"
	"strings"

	"github.com/sinewdev/sinew/web"
)

// FieldError is one failing field. A Validate method may return one (or Errors) with Path
// naming the field relative to its struct, or an empty Path for a problem with the whole
// input ("the end date is before the start date").
type FieldError struct {
	Path    string // in the input's names: "title", "items[2].name", "address.city"
	Field   string // in Go names: "Title", "Items[2].Name"
	Code    string // the failing rule: "required", "min", "email", a custom rule's name
	Param   string // the rule's parameter: "200" for max=200
	Value   any    // the value that failed, for custom messages; never echoed by default
	Message string // English, or what Config.Message wrote

	kind  valueKind
	other string // the other field's name, for eqfield and nefield
}

// Error returns "path: message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// StatusCode is 422: the request was well formed but its content is invalid.
func (e *FieldError) StatusCode() int { return http.StatusUnprocessableEntity }

// IsString reports whether the failing value was text, for messages that differ between
// lengths and amounts ("at least 3 characters" or "at least 3").
func (e *FieldError) IsString() bool { return e.kind == kindString }

// IsList reports whether the failing value was a slice, array or map.
func (e *FieldError) IsList() bool { return e.kind == kindSlice }

// OtherField is the input name of the field an eqfield or nefield rule compares with.
func (e *FieldError) OtherField() string { return e.other }

func (e *FieldError) defaultMessage() string {
	p := e.Param
	unit := ""
	switch e.kind {
	case kindString:
		unit = " characters"
		if p == "1" {
			unit = " character"
		}
	case kindSlice:
		unit = " items"
		if p == "1" {
			unit = " item"
		}
	}
	switch e.Code {
	case "required":
		return "This field is required."
	case "min":
		if unit != "" {
			return "Must be at least " + p + unit + " long."
		}
		return "Must be at least " + p + "."
	case "max":
		if unit != "" {
			return "Must be at most " + p + unit + " long."
		}
		return "Must be at most " + p + "."
	case "len":
		return "Must be exactly " + p + unit + " long."
	case "gt":
		return "Must be greater than " + p + "."
	case "gte":
		return "Must be at least " + p + "."
	case "lt":
		return "Must be less than " + p + "."
	case "lte":
		return "Must be at most " + p + "."
	case "oneof":
		return "Must be one of: " + strings.Join(strings.Fields(p), ", ") + "."
	case "email":
		return "Enter a valid e-mail address."
	case "url":
		return "Enter a valid URL starting with http:// or https://."
	case "uuid":
		return "Enter a valid UUID."
	case "slug":
		return "Use only letters, digits, hyphens and underscores."
	case "alpha":
		return "Use only letters."
	case "alphanum":
		return "Use only letters and digits."
	case "numeric":
		return "Use only digits."
	case "date":
		return "Enter a valid date (YYYY-MM-DD)."
	case "datetime":
		return "Enter a valid date and time (RFC 3339)."
	case "eqfield":
		return "Must match " + e.other + "."
	case "nefield":
		return "Must differ from " + e.other + "."
	case "pattern":
		return "Has an invalid format."
	}
	return "Is invalid."
}

// Errors lists every failing field of a value, in field order. It is the error Struct returns
// for invalid input; web.ErrorPages shows it as 422 problem+json with one entry per field.
type Errors []*FieldError

// Error joins the fields' errors: "title: This field is required.; ...".
func (e Errors) Error() string {
	var b strings.Builder
	b.WriteString("invalid input: ")
	for i, fe := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 10 {
			b.WriteString("...")
			break
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// StatusCode is 422.
func (e Errors) StatusCode() int { return http.StatusUnprocessableEntity }

// FieldErrors converts the errors for a problem+json answer; locations are the paths as
// they are (the api package prefixes them with "body.", "query." and so on).
func (e Errors) FieldErrors() []web.FieldError {
	out := make([]web.FieldError, len(e))
	for i, fe := range e {
		out[i] = web.FieldError{Location: fe.Path, Message: fe.Message, Code: fe.Code}
	}
	return out
}

// For returns the errors of the field at path (exact match), for showing them beside an
// input.
func (e Errors) For(path string) []*FieldError {
	var out []*FieldError
	for _, fe := range e {
		if fe.Path == path {
			out = append(out, fe)
		}
	}
	return out
}
