package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"github.com/sinewdev/sinew/web"
)

// StreamFunc is an output Body written progressively: each Write is flushed to the client at
// once (server-sent events, NDJSON, large exports). Set the Content-Type with a
// `header:"Content-Type"` field of the envelope; the default is application/octet-stream.
// An error returned after the first write can only be logged.
type StreamFunc func(w io.Writer) error

// outputPlan is how one output type is written, read once at registration.
type outputPlan struct {
	typ         reflect.Type
	envelope    bool // has a Body field: the rest are the status and headers
	bodyIndex   int
	bodyType    reflect.Type
	statusIndex int // -1 when there is no Status field
	headers     []outHeader
	stream      int // streamNone, streamReader or streamFunc
}

const (
	streamNone = iota
	streamReader
	streamFunc
)

type outHeader struct {
	name   string
	index  int
	cookie bool
	def    string // the default tag: sent when the field is zero
}

var (
	readerType     = reflect.TypeFor[io.Reader]()
	streamFuncType = reflect.TypeFor[StreamFunc]()
	cookieType     = reflect.TypeFor[http.Cookie]()
)

func planOutput(t reflect.Type) (*outputPlan, error) {
	p := &outputPlan{typ: t, statusIndex: -1, bodyType: t}
	if t.Kind() != reflect.Struct {
		return p, nil
	}
	f, ok := t.FieldByName("Body")
	if !ok || len(f.Index) != 1 {
		return p, nil
	}
	p.envelope, p.bodyIndex, p.bodyType = true, f.Index[0], f.Type
	switch {
	case f.Type == readerType:
		p.stream = streamReader
	case f.Type == streamFuncType:
		p.stream = streamFunc
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || i == p.bodyIndex {
			continue
		}
		if name, ok := f.Tag.Lookup("header"); ok {
			h := outHeader{name: http.CanonicalHeaderKey(name), index: i, def: f.Tag.Get("default")}
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft == cookieType {
				h.cookie = true
			} else if !web.Bindable(f.Type) {
				return nil, fmt.Errorf("output field %s: a header cannot hold a %s", f.Name, f.Type)
			}
			p.headers = append(p.headers, h)
			continue
		}
		if f.Name == "Status" {
			if f.Type.Kind() != reflect.Int {
				return nil, fmt.Errorf("output field Status must be an int, not %s", f.Type)
			}
			p.statusIndex = i
			continue
		}
		return nil, fmt.Errorf("output field %s is neither Body, Status nor tagged header:\"...\"", f.Name)
	}
	return p, nil
}

// write sends res (a non-nil *Out).
func (p *outputPlan) write(c *web.Ctx, st *state, res any, status int) error {
	body := res
	if p.envelope {
		v := reflect.ValueOf(res).Elem()
		if p.statusIndex >= 0 {
			if s := int(v.Field(p.statusIndex).Int()); s != 0 {
				status = s
			}
		}
		h := c.Writer.Header()
		for _, oh := range p.headers {
			fv := v.Field(oh.index)
			if oh.cookie {
				setCookies(c, fv)
				continue
			}
			for fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					break
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Pointer || fv.IsZero() {
				if oh.def != "" {
					h.Set(oh.name, oh.def)
				}
				continue
			}
			if fv.Kind() == reflect.Slice {
				for i := 0; i < fv.Len(); i++ {
					h.Add(oh.name, formatText(fv.Index(i)))
				}
				continue
			}
			h.Set(oh.name, formatText(fv))
		}
		bv := v.Field(p.bodyIndex)
		switch p.stream {
		case streamReader:
			ct := h.Get("Content-Type")
			if ct == "" {
				ct = "application/octet-stream"
			}
			if bv.IsNil() {
				return c.NoContent(status)
			}
			return c.Stream(status, ct, bv.Interface().(io.Reader))
		case streamFunc:
			if bv.IsNil() {
				return c.NoContent(status)
			}
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "application/octet-stream")
			}
			c.Writer.WriteHeader(status)
			fw := flushWriter{w: c.Writer, rc: http.NewResponseController(c.Writer)}
			return bv.Interface().(StreamFunc)(fw)
		}
		if status == http.StatusNoContent || status == http.StatusNotModified {
			return c.NoContent(status)
		}
		body = bv.Interface()
	}
	buf := st.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	enc := json.NewEncoder(buf)
	if err := enc.Encode(body); err != nil {
		st.bufs.Put(buf)
		return fmt.Errorf("api: encoding the response: %w", err)
	}
	err := c.Blob(status, "application/json", buf.Bytes())
	if buf.Cap() <= 64<<10 {
		st.bufs.Put(buf)
	}
	return err
}

func setCookies(c *web.Ctx, fv reflect.Value) {
	switch fv.Kind() {
	case reflect.Pointer:
		if !fv.IsNil() {
			c.SetCookie(fv.Interface().(*http.Cookie))
		}
	case reflect.Struct:
		ck := fv.Interface().(http.Cookie)
		if ck.Name != "" {
			c.SetCookie(&ck)
		}
	case reflect.Slice:
		for i := 0; i < fv.Len(); i++ {
			setCookies(c, fv.Index(i))
		}
	}
}

// formatText formats a header value: strings as they are, TextMarshalers as they marshal,
// numbers and booleans with strconv.
func formatText(v reflect.Value) string {
	if v.Kind() == reflect.String {
		return v.String()
	}
	if tm, ok := v.Interface().(interface{ MarshalText() ([]byte, error) }); ok {
		b, err := tm.MarshalText()
		if err == nil {
			return string(b)
		}
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return fmt.Sprint(v.Interface())
}

// flushWriter flushes after every write, so a stream reaches the client as it is produced.
type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (f flushWriter) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	if err == nil {
		_ = f.rc.Flush()
	}
	return n, err
}
