package asset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"math/bits"
	"mime"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Defaults of [Config].
const (
	DefaultPrefix          = "/static/"
	DefaultHashLength      = 8
	DefaultMaxAge          = 5 * time.Minute
	DefaultGzipLevel       = gzip.BestCompression
	DefaultBrotliLevel     = 9
	DefaultMinCompressSize = 256
)

// immutableCacheControl is sent for fingerprinted names: their content never changes.
const immutableCacheControl = "public, max-age=31536000, immutable"

// Config configures [New]. The zero value is the default.
type Config struct {
	// Prefix is the URL path the assets are served under, with a slash at both ends; URL
	// builds on it and Mount registers the route there. Default: "/static/".
	Prefix string
	// HashLength is the number of hexadecimal digits of the SHA-256 content hash put in
	// fingerprinted names (4 to 64). Default: 8.
	HashLength int
	// MaxAge is how long browsers may cache an asset requested by its logical name (no
	// fingerprint), before revalidating with its ETag. A negative value sends no-cache.
	// Fingerprinted names are always cached for a year, immutable. Default: 5 minutes.
	MaxAge time.Duration
	// DisableCompression turns off the gzip and brotli variants. Default: off, variants are
	// built for compressible types (text, JavaScript, JSON, SVG, WebAssembly, fonts other than
	// WOFF) of at least MinCompressSize bytes, and kept when they save at least a tenth.
	DisableCompression bool
	// GzipLevel is the gzip compression level, 1 to 9. Default: 9.
	GzipLevel int
	// BrotliLevel is the brotli compression quality, 1 to 11. Default: 9, which compresses
	// about 15 times faster than 11 for output about a tenth larger (see BenchmarkNew);
	// choose 11 when start-up time does not matter.
	BrotliLevel int
	// MinCompressSize is the smallest file, in bytes, that gets compressed variants.
	// Default: 256.
	MinCompressSize int
	// Reload re-reads the files when one is added, removed or modified (by name, size and
	// modification time), checked on every URL and request, and skips compression so that
	// a rebuild is quick. Use it in development with os.DirFS. Default: off.
	Reload bool
}

// Set is a built manifest of assets with their content, ready to serve. It is safe for
// concurrent use.
type Set struct {
	cfg          Config
	fsys         fs.FS
	shortControl string // Cache-Control for logical names
	cur          atomic.Pointer[built]

	mu      sync.Mutex // serialises reloads
	stamp   uint64     // fingerprint of the files cur (or loadErr) came from
	loadErr error      // why the last reload failed, until the files change
}

// built is one generation of the manifest.
type built struct {
	byURL    map[string]*served // request name (logical or fingerprinted) → file
	byName   map[string]*file   // logical name → file
	manifest map[string]string  // logical name → fingerprinted name
	urls     map[string]string  // logical name → full URL, precomputed for URL
	names    []string           // logical names, sorted
	stats    Stats
}

// served is what a request name resolves to.
type served struct {
	f         *file
	immutable bool
}

// file is one asset: its content, its variants and its headers.
type file struct {
	name        string // logical name, "css/site.css"
	hashed      string // fingerprinted name, "css/site.3f9a1c2b.css"
	contentType string
	body        []byte
	gz, br      []byte // nil when not worth it
	etag        string // strong ETag of body; variants append ".gz" / ".br" inside the quotes
	etagGz      string
	etagBr      string
	integrity   string // Subresource Integrity value of body, "sha384-…"
}

// Stats sums up what [New] built.
type Stats struct {
	Files          int   // assets in the manifest
	Bytes          int64 // their total size (after CSS rewriting)
	GzipFiles      int   // assets with a gzip variant
	GzipBytes      int64 // size of those variants
	BrotliFiles    int   // assets with a brotli variant
	BrotliBytes    int64 // size of those variants
	CompressedFrom int64 // size of the originals that got at least one variant
}

// New reads every regular file of fsys (names starting with a dot, and directories so
// named, are skipped), rewrites CSS references, fingerprints every file and builds the
// compressed variants, using every CPU. It returns an error naming the file for an
// unreadable file, a CSS @import cycle or a fingerprinted name that collides with a real
// file, and ctx's error when ctx is cancelled.
func New(ctx context.Context, fsys fs.FS, cfg Config) (*Set, error) {
	if fsys == nil {
		return nil, errors.New("asset: New needs an fs.FS")
	}
	if err := defaults(&cfg); err != nil {
		return nil, err
	}
	s := &Set{cfg: cfg, fsys: fsys}
	if cfg.MaxAge < 0 {
		s.shortControl = "no-cache"
	} else {
		s.shortControl = "public, max-age=" + strconv.FormatInt(int64(cfg.MaxAge/time.Second), 10)
	}
	if cfg.Reload {
		stamp, err := s.fingerprint()
		if err != nil {
			return nil, err
		}
		s.stamp = stamp
	}
	b, err := s.build(ctx)
	if err != nil {
		return nil, err
	}
	s.cur.Store(b)
	return s, nil
}

// build reads the files and builds a generation of the manifest.
func (s *Set) build(ctx context.Context) (*built, error) {
	cfg := &s.cfg
	raw := map[string][]byte{}
	err := s.walk(func(name string, _ fs.DirEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := fs.ReadFile(s.fsys, name)
		if err != nil {
			return fmt.Errorf("asset: reading %s: %w", name, err)
		}
		raw[name] = b
		return nil
	})
	if err != nil {
		return nil, err
	}

	s2 := &built{
		byURL:    make(map[string]*served, 2*len(raw)),
		byName:   make(map[string]*file, len(raw)),
		manifest: make(map[string]string, len(raw)),
		urls:     make(map[string]string, len(raw)),
	}
	// Fingerprint: plain files first, CSS after the files it references (its content, and
	// so its hash, depends on their fingerprinted names).
	b := &builder{raw: raw, cfg: cfg, prefix: cfg.Prefix, done: map[string]*file{}, state: map[string]int{}}
	s2.names = slices.Sorted(maps.Keys(raw))
	for _, name := range s2.names {
		if _, err := b.build(name); err != nil {
			return nil, err
		}
	}
	for _, name := range s2.names {
		f := b.done[name]
		s2.byName[name] = f
		s2.manifest[name] = f.hashed
		s2.urls[name] = cfg.Prefix + f.hashed
	}
	for _, name := range s2.names {
		f := s2.byName[name]
		if other, ok := s2.byName[f.hashed]; ok && other != f {
			return nil, fmt.Errorf("asset: the fingerprinted name of %s is %s, which is also a file; rename one of them", name, f.hashed)
		}
		s2.byURL[name] = &served{f: f}
		s2.byURL[f.hashed] = &served{f: f, immutable: true}
	}

	if !cfg.DisableCompression && !cfg.Reload {
		if err := compressAll(ctx, cfg, s2.byName); err != nil {
			return nil, err
		}
	}
	for _, f := range s2.byName {
		s2.stats.Files++
		s2.stats.Bytes += int64(len(f.body))
		if f.gz != nil {
			s2.stats.GzipFiles++
			s2.stats.GzipBytes += int64(len(f.gz))
		}
		if f.br != nil {
			s2.stats.BrotliFiles++
			s2.stats.BrotliBytes += int64(len(f.br))
		}
		if f.gz != nil || f.br != nil {
			s2.stats.CompressedFrom += int64(len(f.body))
		}
	}
	return s2, nil
}

// walk calls fn for every asset file of the Set's file system, skipping names that start
// with a dot.
func (s *Set) walk(fn func(name string, d fs.DirEntry) error) error {
	return fs.WalkDir(s.fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("asset: reading %s: %w", name, err)
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return fn(name, d)
	})
}

// fingerprint hashes the names, sizes and modification times of the files, to notice
// changes in Reload mode.
func (s *Set) fingerprint() (uint64, error) {
	h := fnv.New64a()
	var b []byte
	err := s.walk(func(name string, d fs.DirEntry) error {
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("asset: reading %s: %w", name, err)
		}
		b = append(b[:0], name...)
		b = append(b, 0)
		b = strconv.AppendInt(b, info.Size(), 10)
		b = append(b, 0)
		b = strconv.AppendInt(b, info.ModTime().UnixNano(), 10)
		b = append(b, 0)
		_, _ = h.Write(b)
		return nil
	})
	return h.Sum64(), err
}

// current returns the generation to use, rebuilding it first in Reload mode when the
// files changed. A failed rebuild keeps the previous generation for URL and is returned
// as the error until the files change again.
func (s *Set) current() (*built, error) {
	if !s.cfg.Reload {
		return s.cur.Load(), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stamp, err := s.fingerprint()
	if err != nil {
		return s.cur.Load(), err
	}
	if stamp != s.stamp {
		s.stamp = stamp
		b, err := s.build(context.Background())
		s.loadErr = err
		if err == nil {
			s.cur.Store(b)
		}
	}
	return s.cur.Load(), s.loadErr
}

func defaults(cfg *Config) error {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if !strings.HasPrefix(cfg.Prefix, "/") || !strings.HasSuffix(cfg.Prefix, "/") {
		return fmt.Errorf("asset: Config.Prefix %q must start and end with a slash", cfg.Prefix)
	}
	if cfg.HashLength == 0 {
		cfg.HashLength = DefaultHashLength
	}
	if cfg.HashLength < 4 || cfg.HashLength > 64 {
		return fmt.Errorf("asset: Config.HashLength %d is not between 4 and 64", cfg.HashLength)
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.GzipLevel == 0 {
		cfg.GzipLevel = DefaultGzipLevel
	}
	if cfg.GzipLevel < 1 || cfg.GzipLevel > 9 {
		return fmt.Errorf("asset: Config.GzipLevel %d is not between 1 and 9", cfg.GzipLevel)
	}
	if cfg.BrotliLevel == 0 {
		cfg.BrotliLevel = DefaultBrotliLevel
	}
	if cfg.BrotliLevel < 1 || cfg.BrotliLevel > 11 {
		return fmt.Errorf("asset: Config.BrotliLevel %d is not between 1 and 11", cfg.BrotliLevel)
	}
	if cfg.MinCompressSize == 0 {
		cfg.MinCompressSize = DefaultMinCompressSize
	}
	return nil
}

// builder fingerprints files, resolving CSS references depth first.
type builder struct {
	raw    map[string][]byte
	cfg    *Config
	prefix string
	done   map[string]*file
	state  map[string]int // 1: in progress, for cycle detection
	stack  []string
}

func (b *builder) build(name string) (*file, error) {
	if f := b.done[name]; f != nil {
		return f, nil
	}
	if b.state[name] == 1 {
		cycle := append(slices.Clone(b.stack[slices.Index(b.stack, name):]), name)
		return nil, fmt.Errorf("asset: CSS files import each other in a cycle: %s", strings.Join(cycle, " → "))
	}
	b.state[name] = 1
	b.stack = append(b.stack, name)
	body := b.raw[name]
	if strings.EqualFold(path.Ext(name), ".css") {
		var err error
		body, err = rewriteCSS(name, body, b.prefix, func(ref string) (string, bool, error) {
			if _, ok := b.raw[ref]; !ok {
				return "", false, nil
			}
			f, err := b.build(ref)
			if err != nil {
				return "", false, err
			}
			return f.hashed, true, nil
		})
		if err != nil {
			return nil, err
		}
	}
	b.stack = b.stack[:len(b.stack)-1]
	b.state[name] = 2
	sum := sha256.Sum256(body)
	hexSum := hex.EncodeToString(sum[:])
	sri := sha512.Sum384(body)
	f := &file{
		name:        name,
		hashed:      fingerprint(name, hexSum[:b.cfg.HashLength]),
		contentType: contentType(name),
		body:        body,
		etag:        `"` + hexSum[:24] + `"`,
		integrity:   "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
	}
	b.done[name] = f
	return f, nil
}

// fingerprint inserts hash before the extension of name's last element: "css/site.css"
// gives "css/site.<hash>.css", "LICENSE" gives "LICENSE.<hash>".
func fingerprint(name, hash string) string {
	slash := strings.LastIndexByte(name, '/')
	dot := strings.LastIndexByte(name, '.')
	if dot <= slash+1 { // no extension, or a name such as ".env" (never read) or "a/.x"
		return name + "." + hash
	}
	return name[:dot] + "." + hash + name[dot:]
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := knownTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// knownTypes fixes the types of common web assets, so that they do not depend on the
// machine's mime.types files.
var knownTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/vnd.microsoft.icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".wasm":        "application/wasm",
	".pdf":         "application/pdf",
}

// compressible lists the extensions worth compressing; images other than SVG, WOFF fonts
// and archives are compressed already.
var compressible = map[string]bool{
	".css": true, ".js": true, ".mjs": true, ".json": true, ".map": true, ".webmanifest": true,
	".html": true, ".htm": true, ".txt": true, ".xml": true, ".svg": true, ".ico": true,
	".ttf": true, ".otf": true, ".eot": true, ".wasm": true, ".md": true, ".csv": true,
}

// compressAll builds the variants of every compressible file, on every CPU.
func compressAll(ctx context.Context, cfg *Config, files map[string]*file) error {
	var work []*file
	for _, f := range files {
		if len(f.body) >= cfg.MinCompressSize && compressible[strings.ToLower(path.Ext(f.name))] {
			work = append(work, f)
		}
	}
	// Largest first, so that one big file does not start last.
	slices.SortFunc(work, func(a, b *file) int { return len(b.body) - len(a.body) })
	jobs := make(chan *file)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(work), 1)) {
		wg.Go(func() {
			for f := range jobs {
				if err := compress(cfg, f); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	var err error
feed:
	for _, f := range work {
		select {
		case jobs <- f:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// compress sets f's variants, keeping each only when it saves at least a tenth.
func compress(cfg *Config, f *file) error {
	worth := func(b []byte) bool { return len(b) <= len(f.body)-len(f.body)/10 }
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, cfg.GzipLevel)
	if err != nil {
		return fmt.Errorf("asset: gzip %s: %w", f.name, err)
	}
	zw.ModTime = time.Time{} // reproducible output
	if _, err := zw.Write(f.body); err != nil {
		return fmt.Errorf("asset: gzip %s: %w", f.name, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("asset: gzip %s: %w", f.name, err)
	}
	if worth(buf.Bytes()) {
		f.gz = bytes.Clone(buf.Bytes())
		f.etagGz = f.etag[:len(f.etag)-1] + `.gz"`
	}
	buf.Reset()
	// The window fits the file: brotli's default (4 MiB) makes the encoder allocate
	// tens of megabytes whatever the input, which a site of small files pays at every start.
	lgwin := max(10, min(24, bits.Len(uint(len(f.body)))+1))
	bw := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: cfg.BrotliLevel, LGWin: lgwin})
	if _, err := bw.Write(f.body); err != nil {
		return fmt.Errorf("asset: brotli %s: %w", f.name, err)
	}
	if err := bw.Close(); err != nil {
		return fmt.Errorf("asset: brotli %s: %w", f.name, err)
	}
	if worth(buf.Bytes()) {
		f.br = bytes.Clone(buf.Bytes())
		f.etagBr = f.etag[:len(f.etag)-1] + `.br"`
	}
	return nil
}

// URL returns the URL of the asset with logical name ("css/site.css"): the prefix and its
// fingerprinted name. A name that is not in the manifest gives the prefix and the name as
// given, which answers 404 (see [Set.Lookup] to tell). Use it as view.Config.StaticURL.
func (s *Set) URL(name string) string {
	name = strings.TrimPrefix(name, "/")
	b, _ := s.current()
	if u, ok := b.urls[name]; ok {
		return u
	}
	return s.cfg.Prefix + name
}

// Lookup returns the URL of the asset with logical name, and whether it exists.
func (s *Set) Lookup(name string) (string, bool) {
	b, _ := s.current()
	u, ok := b.urls[strings.TrimPrefix(name, "/")]
	return u, ok
}

// Integrity returns the Subresource Integrity value of the asset with logical name
// ("sha384-…", of its content as served after CSS rewriting), or "" for a name not in the
// manifest. Add it to view.Config.Funcs to let browsers check scripts and stylesheets:
//
//	<script src="{{static "app.js"}}" integrity="{{sri "app.js"}}"></script>
func (s *Set) Integrity(name string) string {
	b, _ := s.current()
	if f := b.byName[strings.TrimPrefix(name, "/")]; f != nil {
		return f.integrity
	}
	return ""
}

// Prefix returns the URL path the assets are served under ([Config.Prefix]).
func (s *Set) Prefix() string { return s.cfg.Prefix }

// Names returns the logical names of the assets, sorted.
func (s *Set) Names() []string {
	b, _ := s.current()
	return slices.Clone(b.names)
}

// Manifest returns a copy of the manifest: logical name → fingerprinted name.
func (s *Set) Manifest() map[string]string {
	b, _ := s.current()
	return maps.Clone(b.manifest)
}

// ManifestJSON returns the manifest as indented JSON with sorted keys, the format of
// Rails' and Vite's manifests, for tools outside Go.
func (s *Set) ManifestJSON() ([]byte, error) {
	b, _ := s.current()
	out, err := json.MarshalIndent(b.manifest, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("asset: manifest: %w", err)
	}
	return append(out, '\n'), nil
}

// Stats returns what New built: counts and sizes of the assets and their variants.
func (s *Set) Stats() Stats {
	b, _ := s.current()
	return b.stats
}
