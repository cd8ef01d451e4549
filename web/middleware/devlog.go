package middleware

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// ColorMode chooses when [NewDevHandler] colours its output.
type ColorMode int

// The colour modes.
const (
	// ColorAuto colours the output when the writer is a terminal and the NO_COLOR
	// environment variable is empty.
	ColorAuto ColorMode = iota
	// ColorAlways always colours the output.
	ColorAlways
	// ColorNever never colours the output.
	ColorNever
)

// DevHandlerConfig configures [NewDevHandler]. The zero value is the default.
type DevHandlerConfig struct {
	// Level is the lowest level written. Default: slog.LevelInfo.
	Level slog.Leveler
	// Color chooses when to colour the output. Default: ColorAuto.
	Color ColorMode
	// TimeFormat formats each record's time. Default: "15:04:05.000".
	TimeFormat string
}

// NewDevHandler returns a slog.Handler for development: one readable line per record,
// "15:04:05.000 INF message key=value ...", coloured on terminals (levels, HTTP statuses
// and errors stand out). Values with spaces or unusual characters are quoted; control
// characters are always escaped, so a hostile value cannot forge a log line. Multi-line
// values, such as stack traces, follow the line, indented. Groups prefix their keys
// ("req.method"). For production use slog.NewJSONHandler.
func NewDevHandler(w io.Writer, cfg DevHandlerConfig) slog.Handler {
	h := &devHandler{out: &devOutput{w: w}, level: cfg.Level, timeFormat: cfg.TimeFormat}
	if h.level == nil {
		h.level = slog.LevelInfo
	}
	if h.timeFormat == "" {
		h.timeFormat = "15:04:05.000"
	}
	switch cfg.Color {
	case ColorAlways:
		h.color = true
	case ColorAuto:
		h.color = isTerminal(w) && os.Getenv("NO_COLOR") == ""
	}
	return h
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// devOutput is the writer shared by a handler and those derived from it.
type devOutput struct {
	mu sync.Mutex
	w  io.Writer
}

type devHandler struct {
	out        *devOutput
	level      slog.Leveler
	color      bool
	timeFormat string
	attrs      []byte // preformatted attributes from WithAttrs
	blocks     []byte // preformatted multi-line attributes from WithAttrs
	prefix     string // "group.sub." for keys
}

// ANSI colours.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiCyan   = "\x1b[36m"
)

func (h *devHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *devHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	h2 := *h
	h2.attrs = slices.Clip(h.attrs)
	h2.blocks = slices.Clip(h.blocks)
	for _, a := range as {
		h2.attrs, h2.blocks = h2.appendAttr(h2.attrs, h2.blocks, h.prefix, a)
	}
	return &h2
}

func (h *devHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	return &h2
}

func (h *devHandler) Handle(_ context.Context, r slog.Record) error {
	buf := make([]byte, 0, 256)
	if !r.Time.IsZero() {
		buf = h.paint(buf, ansiDim, r.Time.Format(h.timeFormat))
		buf = append(buf, ' ')
	}
	buf = h.appendLevel(buf, r.Level)
	buf = append(buf, ' ')
	buf = h.paint(buf, ansiBold, sanitizeLine(r.Message))
	buf = append(buf, h.attrs...)
	blocks := slices.Clip(h.blocks)
	r.Attrs(func(a slog.Attr) bool {
		buf, blocks = h.appendAttr(buf, blocks, h.prefix, a)
		return true
	})
	buf = append(buf, '\n')
	buf = append(buf, blocks...)
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	_, err := h.out.w.Write(buf)
	return err
}

func (h *devHandler) appendLevel(buf []byte, l slog.Level) []byte {
	var name, color string
	switch {
	case l >= slog.LevelError:
		name, color = "ERR", ansiRed
	case l >= slog.LevelWarn:
		name, color = "WRN", ansiYellow
	case l >= slog.LevelInfo:
		name, color = "INF", ansiGreen
	default:
		name, color = "DBG", ansiBlue
	}
	for _, base := range [...]slog.Level{slog.LevelError, slog.LevelWarn, slog.LevelInfo, slog.LevelDebug} {
		if l >= base {
			if d := l - base; d > 0 {
				name += "+" + strconv.Itoa(int(d))
			}
			break
		}
	}
	return h.paint(buf, color, name)
}

func (h *devHandler) paint(buf []byte, color, s string) []byte {
	if !h.color {
		return append(buf, s...)
	}
	buf = append(buf, color...)
	buf = append(buf, s...)
	return append(buf, ansiReset...)
}

// appendAttr formats a as " key=value" onto buf, or, for multi-line strings, as an
// indented block onto blocks.
func (h *devHandler) appendAttr(buf, blocks []byte, prefix string, a slog.Attr) ([]byte, []byte) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return buf, blocks
	}
	if a.Value.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			buf, blocks = h.appendAttr(buf, blocks, p, ga)
		}
		return buf, blocks
	}
	key := sanitizeLine(prefix + a.Key)
	val, color := h.formatValue(a.Key, a.Value)
	if strings.Contains(val, "\n") {
		blocks = h.paint(blocks, ansiDim, "  "+key+":")
		blocks = append(blocks, '\n')
		for line := range strings.SplitSeq(strings.TrimRight(val, "\n"), "\n") {
			blocks = append(blocks, "    "...)
			blocks = append(blocks, sanitizeBlockLine(line)...)
			blocks = append(blocks, '\n')
		}
		return buf, blocks
	}
	buf = append(buf, ' ')
	buf = h.paint(buf, ansiCyan, key+"=")
	if color != "" {
		return h.paint(buf, color, quoteIfNeeded(val)), blocks
	}
	return append(buf, quoteIfNeeded(val)...), blocks
}

// formatValue renders v as text, and picks a colour for values worth noticing.
func (h *devHandler) formatValue(key string, v slog.Value) (string, string) {
	switch v.Kind() {
	case slog.KindString:
		return v.String(), ""
	case slog.KindInt64:
		n := v.Int64()
		if key == "status" && n >= 100 && n <= 599 {
			return strconv.FormatInt(n, 10), statusColor(int(n))
		}
		return strconv.FormatInt(n, 10), ""
	case slog.KindDuration:
		return roundDuration(v.Duration()).String(), ""
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano), ""
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return err.Error(), ansiRed
		}
		return fmt.Sprint(v.Any()), ""
	}
	return v.String(), ""
}

func statusColor(code int) string {
	switch {
	case code >= 500:
		return ansiRed
	case code >= 400:
		return ansiYellow
	case code >= 300:
		return ansiCyan
	}
	return ansiGreen
}

// roundDuration keeps three or four significant digits: 1.234ms, not 1.234567ms.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Microsecond)
	}
	return d
}

// quoteIfNeeded quotes s when it is empty or has spaces, quotes, '=' or characters that
// are not printable.
func quoteIfNeeded(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if r == ' ' || r == '"' || r == '=' || r == '\\' || !unicode.IsPrint(r) || r == utf8.RuneError {
			return strconv.Quote(s)
		}
	}
	return s
}

// sanitizeLine escapes the characters that could break a record's line.
func sanitizeLine(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) && r != ' ' || r == utf8.RuneError {
			q := strconv.Quote(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// sanitizeBlockLine escapes control characters other than tabs in one line of a block.
func sanitizeBlockLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || (unicode.IsPrint(r) && r != utf8.RuneError) || r == ' ':
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}
