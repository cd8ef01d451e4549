package form

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sinewdev/sinew/validate"
)

// submission is what a request carried: text values and checked files, by input name.
type submission struct {
	values  url.Values
	files   map[string][]*File
	tooLong map[string]bool // fields with a value over MaxFieldBytes (not kept)
}

// bind reads r, converts the values into the struct, then validates.
func (f *Form) bind(ctx context.Context, r *http.Request) error {
	f.bound = true
	f.raw = map[string][]string{}
	sub := &submission{files: map[string][]*File{}, tooLong: map[string]bool{}}
	if err := f.read(r, sub); err != nil {
		return err
	}
	if len(f.files) > 0 {
		files := append([]*File(nil), f.files...)
		context.AfterFunc(r.Context(), func() {
			for _, file := range files {
				file.remove()
			}
		})
	}
	for _, fld := range f.plan.Fields {
		f.assign(f.eff(fld), sub)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	verr := f.forms.validator.Struct(ctx, f.ptr)
	var list validate.Errors
	switch {
	case verr == nil:
	case errors.As(verr, &list):
		f.addValidation(list)
	default:
		return fmt.Errorf("form: %w", verr)
	}
	return f.checkUnique(ctx)
}

// read fills sub from the request's query string (GET, HEAD) or body.
func (f *Form) read(r *http.Request, sub *submission) error {
	cfg := &f.forms.cfg
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			f.addError("", CodeMalformed, "bad query string", nil)
		}
		sub.values = vals
		return nil
	case r.MultipartForm != nil: // parsed already, by middleware
		sub.values = url.Values(r.MultipartForm.Value)
		for name, headers := range r.MultipartForm.File {
			fld := f.plan.byName[name]
			for _, fh := range headers {
				if fld == nil || fld.kind != kFile || (!fld.Multiple && len(sub.files[name]) > 0) {
					continue
				}
				if fh.Size > fld.MaxBytes {
					f.addError(name, CodeFileSize, sizeText(fld.MaxBytes), nil)
					continue
				}
				rc, err := fh.Open()
				if err != nil {
					return fmt.Errorf("form: reading upload: %w", err)
				}
				err = f.readFile(fld, fh.Filename, rc, sub)
				rc.Close()
				if err != nil {
					return err
				}
			}
		}
		return nil
	case r.PostForm != nil && len(r.PostForm) > 0: // parsed already
		sub.values = r.PostForm
		return nil
	}
	ct := r.Header.Get("Content-Type")
	media, params, err := mime.ParseMediaType(ct)
	if ct == "" && (r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0) {
		sub.values = url.Values{}
		return nil
	}
	if err != nil && ct != "" {
		media = ""
	}
	body := http.MaxBytesReader(nil, r.Body, cfg.MaxRequestBytes)
	switch media {
	case "application/x-www-form-urlencoded":
		b, err := io.ReadAll(body)
		if err != nil {
			return readError(err, cfg.MaxRequestBytes)
		}
		var vals url.Values
		if bytes.Count(b, []byte{'&'}) >= cfg.MaxFields {
			// Counted before parsing, so that a body of a million tiny values costs no map.
			f.addError("", CodeTooMany, strconv.Itoa(cfg.MaxFields), nil)
			vals = url.Values{}
		} else if vals, err = url.ParseQuery(string(b)); err != nil {
			f.addError("", CodeMalformed, "bad URL encoding", nil)
		}
		sub.values = vals
		r.PostForm = vals
	case "multipart/form-data":
		sub.values = url.Values{}
		boundary := params["boundary"]
		if boundary == "" {
			f.addError("", CodeMalformed, "no multipart boundary", nil)
			return nil
		}
		if err := f.readMultipart(multipart.NewReader(body, boundary), sub); err != nil {
			return err
		}
	default:
		return &RequestError{Status: http.StatusUnsupportedMediaType,
			Message: fmt.Sprintf("a form must be sent as application/x-www-form-urlencoded or multipart/form-data, not %q", cut(ct, 60))}
	}
	return nil
}

// readError maps an error reading the body: over the limit gives 413, anything else (the
// client went away) is returned as is.
func readError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(err, limit)
	}
	return fmt.Errorf("form: reading the body: %w", err)
}

// readMultipart streams the parts of a multipart body: text values are capped at
// MaxFieldBytes, files go through readFile, parts of unknown names are skipped. A malformed
// body becomes an error on the whole form.
func (f *Form) readMultipart(mr *multipart.Reader, sub *submission) error {
	cfg := &f.forms.cfg
	malformed := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(err, cfg.MaxRequestBytes)
		}
		f.addError("", CodeMalformed, "malformed multipart body", nil)
		return nil
	}
	for count := 0; ; count++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return malformed(err)
		}
		if count >= cfg.MaxFields {
			part.Close()
			f.addError("", CodeTooMany, strconv.Itoa(cfg.MaxFields), nil)
			return nil
		}
		name := part.FormName()
		fld := f.plan.byName[name]
		filename := part.FileName()
		_, isFile := part.Header["Content-Type"]
		if fld != nil && fld.kind == kFile {
			if !fld.Multiple && len(sub.files[name]) > 0 {
				err = drain(part)
			} else {
				err = f.readFile(fld, filename, part, sub)
			}
		} else if name == "" || filename != "" || (fld == nil && isFile) {
			err = drain(part) // a file for no file field, or a nameless part
		} else {
			var b []byte
			b, err = io.ReadAll(io.LimitReader(part, cfg.MaxFieldBytes+1))
			if err == nil {
				if int64(len(b)) > cfg.MaxFieldBytes {
					sub.tooLong[name] = true
					err = drain(part)
				} else {
					sub.values[name] = append(sub.values[name], string(b))
				}
			}
		}
		part.Close()
		if err != nil {
			var rerr *RequestError
			if errors.As(err, &rerr) {
				return err
			}
			if isServerError(err) {
				return err
			}
			return malformed(err)
		}
	}
}

// serverError marks a failure of the server (a temporary file that cannot be written), as
// opposed to a malformed body.
type serverError struct{ err error }

func (e *serverError) Error() string { return e.err.Error() }
func (e *serverError) Unwrap() error { return e.err }

func isServerError(err error) bool {
	var se *serverError
	return errors.As(err, &se)
}

func drain(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// readFile reads one uploaded file for fld: it sniffs the type, checks it against the
// field's allow-list and the size against its limit, and keeps the content in memory or a
// temporary file. A rejected file becomes an error on the field and leaves nothing behind.
func (f *Form) readFile(fld *Field, filename string, r io.Reader, sub *submission) error {
	cfg := &f.forms.cfg
	var head [512]byte
	n, err := io.ReadFull(r, head[:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	if err != nil {
		return err
	}
	if n == 0 {
		if filename != "" {
			f.addError(fld.Name, CodeFileEmpty, "", nil)
		}
		return nil // no file chosen
	}
	media, _, _ := strings.Cut(http.DetectContentType(head[:n]), ";")
	media = strings.TrimSpace(media)
	if !allowedType(media, fld.Accept) {
		f.addError(fld.Name, CodeFileType, strings.Join(fld.Accept, ", "), nil)
		return drain(r)
	}
	limit := fld.MaxBytes
	tooBig := func() error {
		f.addError(fld.Name, CodeFileSize, sizeText(limit), nil)
		return drain(r)
	}
	if int64(n) > limit {
		return tooBig()
	}
	file := &File{Filename: cleanFilename(filename), ContentType: media}
	lr := &io.LimitedReader{R: r, N: limit - int64(n) + 1}
	var buf bytes.Buffer
	buf.Write(head[:n])
	inMemory := n < len(head) // the file ended within the sniffed head
	if !inMemory {
		if mem := cfg.MaxMemory - int64(n); mem > 0 {
			_, err = io.CopyN(&buf, lr, mem)
			if err == io.EOF { // the file (or the limit) ended first
				inMemory, err = true, nil
			}
		}
	}
	switch {
	case err != nil:
		return err
	case inMemory:
		if int64(buf.Len()) > limit {
			return tooBig()
		}
		file.data = buf.Bytes()
		file.Size = int64(buf.Len())
		f.files = append(f.files, file)
	default:
		tmp, err := os.CreateTemp(cfg.TempDir, "sinew-upload-*")
		if err != nil {
			return &serverError{fmt.Errorf("form: keeping an upload: %w", err)}
		}
		file.path = tmp.Name()
		f.files = append(f.files, file) // removed by Close whatever happens next
		written, err := buf.WriteTo(tmp)
		if err == nil {
			var m int64
			m, err = io.Copy(tmp, lr)
			written += m
		}
		if cerr := tmp.Close(); err == nil && cerr != nil {
			err = &serverError{fmt.Errorf("form: keeping an upload: %w", cerr)}
		}
		if err != nil {
			file.remove()
			var pe *os.PathError
			if errors.As(err, &pe) {
				return &serverError{fmt.Errorf("form: keeping an upload: %w", err)}
			}
			return err
		}
		if written > limit {
			file.remove()
			return tooBig()
		}
		file.Size = written
	}
	sub.files[fld.Name] = append(sub.files[fld.Name], file)
	return nil
}

// assign converts the submitted values of fld into the struct, keeping the text as typed
// and recording conversion errors on the field.
func (f *Form) assign(fld *Field, sub *submission) {
	fv := fieldAt(f.value, fld.index, true)
	name := fld.Name
	if fld.kind == kFile {
		files := sub.files[name]
		if fld.Multiple {
			s := reflect.MakeSlice(fld.Type, 0, len(files))
			for _, file := range files {
				s = reflect.Append(s, reflect.ValueOf(file))
			}
			fv.Set(s)
		} else if len(files) > 0 {
			fv.Set(reflect.ValueOf(files[0]))
		} else {
			fv.Set(reflect.Zero(fld.Type))
		}
		if len(files) == 0 && !f.hasError(name) && hasText(sub.values[name]) {
			f.addError(name, CodeEnctype, "", nil)
		}
		return
	}
	if sub.tooLong[name] {
		fv.Set(reflect.Zero(fld.Type))
		f.addError(name, CodeTooLong, sizeText(f.forms.cfg.MaxFieldBytes), nil)
		return
	}
	raw := sub.values[name]
	for _, s := range raw {
		if int64(len(s)) > f.forms.cfg.MaxFieldBytes {
			fv.Set(reflect.Zero(fld.Type))
			f.addError(name, CodeTooLong, sizeText(f.forms.cfg.MaxFieldBytes), nil)
			return
		}
	}
	for _, s := range raw {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			fv.Set(reflect.Zero(fld.Type))
			f.addError(name, CodeText, "", nil)
			return
		}
	}
	f.raw[name] = raw
	loc := f.forms.cfg.Location
	fail := func(code, param string) {
		fv.Set(reflect.Zero(fld.Type))
		f.addError(name, code, param, nil)
	}
	switch {
	case fld.kind == kBool:
		on := false
		for _, s := range raw {
			b, ok := parseBool(s)
			if !ok {
				fail(CodeBool, "")
				return
			}
			on = on || b
		}
		if fld.Optional {
			if len(raw) == 0 {
				fv.Set(reflect.Zero(fld.Type))
				return
			}
			p := reflect.New(fld.elem)
			p.Elem().SetBool(on)
			fv.Set(p)
			return
		}
		fv.SetBool(on)
	case fld.Multiple:
		s := reflect.MakeSlice(fld.Type, 0, len(raw))
		for _, text := range raw {
			text = fld.clean(text)
			if text == "" {
				continue
			}
			if fld.hasChoices() && !fld.isChoice(text) {
				fail(CodeChoice, "")
				return
			}
			ev := reflect.New(fld.elem).Elem()
			if code, param := convert(fld, text, ev, loc); code != "" {
				fail(code, param)
				return
			}
			s = reflect.Append(s, ev)
		}
		if s.Len() == 0 {
			s = reflect.Zero(fld.Type) // nothing chosen: nil, as before binding
		}
		fv.Set(s)
	default:
		text := ""
		if len(raw) > 0 {
			text = fld.clean(raw[0])
		}
		if text == "" {
			fv.Set(reflect.Zero(fld.Type))
			return
		}
		if fld.hasChoices() && !fld.isChoice(text) {
			fail(CodeChoice, "")
			return
		}
		target := fv
		if fld.Optional {
			target = reflect.New(fld.elem).Elem()
		}
		if code, param := convert(fld, text, target, loc); code != "" {
			fail(code, param)
			return
		}
		if fld.Optional {
			fv.Set(target.Addr())
		}
	}
}

func hasText(vs []string) bool {
	for _, v := range vs {
		if v != "" {
			return true
		}
	}
	return false
}

// clean trims the spaces around a value, except for passwords and long text.
func (f *Field) clean(s string) string {
	if f.Widget == Password || f.Widget == TextArea {
		return s
	}
	return strings.TrimSpace(s)
}

// hasChoices reports whether the field accepts only its choices: it has some, or it is a
// select, radio group or multi-select (whose choices, if never given, accept nothing).
func (f *Field) hasChoices() bool {
	return len(f.Choices) > 0 || f.Widget == Select || f.Widget == Radio || f.Widget == MultiSelect
}

func (f *Field) isChoice(s string) bool {
	for _, c := range f.Choices {
		if c.Value == s {
			return true
		}
	}
	return false
}

// parseBool reads a checkbox value: "on" (the browser's default), true/false, 1/0, yes/no.
func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "1", "yes", "y", "t":
		return true, true
	case "", "off", "false", "0", "no", "n", "f":
		return false, true
	}
	return false, false
}

// The layouts a datetime-local input may send, then other common forms.
var dateTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// convert parses s into v, a value of the field's element type; it returns an error code
// and parameter, or "" when s converted.
func convert(f *Field, s string, v reflect.Value, loc *time.Location) (code, param string) {
	if loc == nil {
		loc = time.UTC
	}
	switch f.kind {
	case kString:
		v.SetString(s)
	case kInt:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				bits := v.Type().Bits()
				return CodeRange, fmt.Sprintf("%d and %d", int64(-1)<<(bits-1), int64(uint64(1)<<(bits-1)-1))
			}
			return CodeInt, ""
		}
		v.SetInt(n)
	case kUint:
		n, err := strconv.ParseUint(s, 10, v.Type().Bits())
		if err != nil {
			_, ierr := strconv.ParseInt(s, 10, 64)
			if errors.Is(err, strconv.ErrRange) || ierr == nil || errors.Is(ierr, strconv.ErrRange) {
				var max uint64 = math.MaxUint64 >> (64 - v.Type().Bits())
				return CodeRange, fmt.Sprintf("0 and %d", max)
			}
			return CodeInt, ""
		}
		v.SetUint(n)
	case kFloat:
		x, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || strings.ContainsAny(s, "_xXpP") {
			return CodeFloat, ""
		}
		v.SetFloat(x)
	case kBool:
		b, ok := parseBool(s)
		if !ok {
			return CodeBool, ""
		}
		v.SetBool(b)
	case kTime:
		if f.Widget == Date {
			t, err := time.ParseInLocation("2006-01-02", s, loc)
			if err != nil {
				return CodeDate, ""
			}
			v.Set(reflect.ValueOf(t))
			return "", ""
		}
		for _, layout := range dateTimeLayouts {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				v.Set(reflect.ValueOf(t))
				return "", ""
			}
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			v.Set(reflect.ValueOf(t.In(loc)))
			return "", ""
		}
		return CodeDateTime, ""
	case kText:
		p := reflect.New(v.Type())
		if err := p.Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(s)); err != nil {
			return CodeInvalid, ""
		}
		v.Set(p.Elem())
	}
	return "", ""
}

// fieldAt returns the field at index, allocating nil embedded pointers when alloc is set
// (else returning an invalid Value through a nil pointer).
func fieldAt(v reflect.Value, index []int, alloc bool) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !alloc {
					return reflect.Value{}
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// addValidation adds the validator's errors to their fields; errors on struct fields the
// form does not show are the handler's business and are dropped, and a field with a
// conversion error keeps only that one.
func (f *Form) addValidation(list validate.Errors) {
	for _, fe := range list {
		name := ""
		if fe.Field != "" {
			goName := fe.Field
			if i := strings.IndexAny(goName, ".["); i >= 0 {
				goName = goName[:i]
			}
			fld := f.plan.byGo[goName]
			if fld == nil && !strings.Contains(fe.Field, "[") {
				// A field promoted from an embedded pointer: "Address.City".
				fld = f.plan.byGo[fe.Field[strings.LastIndexByte(fe.Field, '.')+1:]]
			}
			if fld == nil {
				continue
			}
			name = fld.Name
			if f.hasError(name) {
				continue
			}
		}
		msg := fe.Message
		f.errors = append(f.errors, &Error{Field: name, Code: fe.Code, Param: fe.Param, Message: msg})
	}
}

func cut(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
