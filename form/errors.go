package form

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/validate"
)

// Error is one problem with a submitted form: on a field (Field is its input name) or on the
// whole form (Field is empty).
type Error struct {
	Field   string // the input name, "" for an error on the whole form
	Code    string // a stable code: a rule name ("required", "max", ...) or one of the form's own codes
	Param   string // the code's parameter: a limit, a list of allowed types
	Message string // the human message
}

// The form's own error codes, beside the validate package's rule names.
const (
	CodeInt       = "int"        // not a whole number ("abc" in a number field)
	CodeRange     = "range"      // a whole number outside the field's type (300 in an int8)
	CodeFloat     = "float"      // not a number
	CodeBool      = "bool"       // a checkbox value that is not a boolean
	CodeDate      = "date"       // not a date (YYYY-MM-DD)
	CodeDateTime  = "datetime"   // not a date and time
	CodeInvalid   = "invalid"    // a value its type cannot parse
	CodeChoice    = "choice"     // a value that is not one of the field's choices
	CodeTooLong   = "too_long"   // a value longer than Config.MaxFieldBytes
	CodeText      = "text"       // a value that is not valid UTF-8 or holds a NUL byte
	CodeFileSize  = "file_size"  // a file over its size limit
	CodeFileType  = "file_type"  // a file whose sniffed type is not allowed
	CodeFileEmpty = "file_empty" // an empty file
	CodeEnctype   = "enctype"    // a file field in a form not sent as multipart/form-data
	CodeUnique    = "unique"     // the value is already in the database
	CodeMalformed = "malformed"  // a body that is not a well-formed form (an error on the whole form)
	CodeTooMany   = "too_many"   // more values than Config.MaxFields
)

// message returns the English message of one of the form's own codes.
func message(e *Error) string {
	switch e.Code {
	case CodeInt:
		return "Enter a whole number."
	case CodeRange:
		return "Enter a whole number between " + e.Param + "."
	case CodeFloat:
		return "Enter a number."
	case CodeBool:
		return "Enter yes or no."
	case CodeDate:
		return "Enter a valid date (YYYY-MM-DD)."
	case CodeDateTime:
		return "Enter a valid date and time."
	case CodeChoice:
		return "Select a valid choice."
	case CodeTooLong:
		return "This value is too long (at most " + e.Param + ")."
	case CodeText:
		return "Enter valid text (this value holds characters that are not allowed)."
	case CodeFileSize:
		return "The file is too large (at most " + e.Param + ")."
	case CodeFileType:
		return "This type of file is not allowed (allowed: " + e.Param + ")."
	case CodeFileEmpty:
		return "The submitted file is empty."
	case CodeEnctype:
		return "The file did not arrive: the form must be sent as multipart/form-data."
	case CodeUnique:
		return e.Param + " already exists."
	case CodeMalformed:
		return "The form data could not be read (" + e.Param + "). Please try again."
	case CodeTooMany:
		return "The form has too many values (at most " + e.Param + ")."
	}
	return "Enter a valid value."
}

// RequestError is a request Bind cannot read as a form: a body over the limit (413) or
// a content type that is not a form (415). Its StatusCode gives the status.
type RequestError struct {
	Status  int
	Message string
	Err     error
}

// Error describes the problem.
func (e *RequestError) Error() string { return "form: " + e.Message }

// StatusCode is 413 or 415.
func (e *RequestError) StatusCode() int { return e.Status }

// Unwrap returns the cause (an *http.MaxBytesError for 413).
func (e *RequestError) Unwrap() error { return e.Err }

func tooLarge(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		mbe = &http.MaxBytesError{Limit: limit}
		err = fmt.Errorf("%w", mbe)
	}
	return &RequestError{Status: http.StatusRequestEntityTooLarge,
		Message: "the form is too large (at most " + sizeText(mbe.Limit) + ")", Err: err}
}

// sizeText writes a byte count for people: 512 bytes, 20 KiB, 1.5 MiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

// Absorb turns an error from saving the form's value into errors on the form, and reports
// whether it did: validate.Errors and *validate.FieldError go to their fields, and the
// ORM's constraint violations (a unique value taken between the check and the insert,
// a value too long for its column, a missing value, a failed check or reference) to the
// fields of their columns, or to the whole form. Other errors (a database that is down)
// are not the user's to fix: Absorb returns false and the handler returns the error.
//
//	if err := orm.Create(c, &post); err != nil {
//		if f.Absorb(err) {
//			return c.Render(422, "posts/new.html", f)
//		}
//		return err
//	}
func (f *Form) Absorb(err error) bool {
	if err == nil {
		return false
	}
	var (
		list   validate.Errors
		one    *validate.FieldError
		unique *orm.UniqueViolation
		value  *orm.ValueError
		null   *orm.NotNullViolation
		check  *orm.CheckViolation
		fk     *orm.ForeignKeyViolation
	)
	switch {
	case errors.As(err, &list):
		f.addValidation(list)
	case errors.As(err, &one):
		f.addValidation(validate.Errors{one})
	case errors.As(err, &unique):
		var fields []*Field
		for _, c := range unique.Columns {
			if fld := f.columnField(unique.Table, c); fld != nil {
				fields = append(fields, fld)
			}
		}
		what := "A record with these values"
		if m := f.plan.Model; m != nil && m.Table == unique.Table {
			what = capitalize(m.Label) + " with these values"
		}
		if len(fields) == 1 {
			fld := fields[0]
			if m := f.plan.Model; m != nil {
				what = capitalize(m.Label) + " with this " + fld.Label
			}
			f.addError(fld.Name, CodeUnique, what, nil)
		} else {
			f.addError("", CodeUnique, what, nil)
		}
	case errors.As(err, &value):
		name := ""
		if fld := f.plan.byGo[value.Field]; fld != nil {
			name = fld.Name
		}
		f.addError(name, CodeInvalid, "", nil)
	case errors.As(err, &null):
		if fld := f.columnField(null.Table, null.Column); fld != nil {
			f.addError(fld.Name, "required", "", func(*Error) string { return "This field is required." })
		} else {
			f.addError("", CodeInvalid, "", nil)
		}
	case errors.As(err, &check):
		name := ""
		if fld := f.columnField(check.Table, check.Column); fld != nil {
			name = fld.Name
		}
		f.addError(name, CodeInvalid, "", nil)
	case errors.As(err, &fk):
		name := ""
		if len(fk.Columns) == 1 {
			if fld := f.columnField(fk.Table, fk.Columns[0]); fld != nil {
				name = fld.Name
			}
		}
		f.addError(name, CodeChoice, "", nil)
	default:
		return false
	}
	return true
}

// columnField returns the form field stored in table.column, if the form is a model's.
func (f *Form) columnField(table, column string) *Field {
	m := f.plan.Model
	if m == nil || m.Table != table || column == "" {
		return nil
	}
	of := m.Field(column)
	if of == nil {
		return nil
	}
	return f.plan.byGo[of.Name]
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
