package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StaticConfig configures [Static]. The zero value is the default.
type StaticConfig struct {
	// MaxAge sets Cache-Control: public, max-age=N. Default: no-cache (the browser revalidates
	// with the ETag each time). Fingerprinted assets can use a year with Immutable.
	MaxAge time.Duration
	// Immutable adds "immutable" to Cache-Control, for fingerprinted file names.
	Immutable bool
	// Index is the file served for a directory. Default: "index.html"; "-" disables it.
	Index string
}

// Static returns a handler serving files from fsys (an embed.FS, os.DirFS, ...), for a route
// with a {path...} wildcard:
//
//	r.Handle("GET /static/{path...}", web.Static(assets, web.StaticConfig{}))
//
// It sends ETag (a content hash, computed once per file), Last-Modified when the file system
// knows it, and Cache-Control, and honours Range, If-None-Match and If-Modified-Since. Names
// that are not valid fs paths (.., empty or absolute segments, backslashes, NUL) answer 404:
// no request can leave the root. Directories are never listed: "/static/docs/" serves
// docs/index.html, and "/static/docs" redirects there so the page's relative links work.
func Static(fsys fs.FS, cfg StaticConfig) HandlerFunc {
	if cfg.Index == "" {
		cfg.Index = "index.html"
	}
	cc := "no-cache"
	if cfg.MaxAge > 0 {
		cc = fmt.Sprintf("public, max-age=%d", int(cfg.MaxAge.Seconds()))
		if cfg.Immutable {
			cc += ", immutable"
		}
	}
	s := &staticFiles{fsys: fsys, index: cfg.Index, cacheControl: cc}
	return s.serve
}

type staticFiles struct {
	fsys         fs.FS
	index        string
	cacheControl string
	etags        sync.Map // name + size + modtime → etag
}

func (s *staticFiles) serve(c *Ctx) error {
	name := ""
	if c.route != nil && len(c.params) > 0 {
		name = c.params[len(c.params)-1]
	}
	return serveFile(c.Writer, c.Request, s.fsys, name, s.index, s)
}

// serveFile serves name from fsys. With index set, a directory serves its index file; with
// s set, its Cache-Control and cached ETags apply.
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name, index string, s *staticFiles) error {
	name = strings.TrimPrefix(name, "/")
	// A directory is served (its index) only at its URL with a trailing slash, where the
	// page's relative links resolve inside it; "docs/" names the directory "docs".
	dirSlash := strings.HasSuffix(name, "/")
	name = strings.TrimSuffix(name, "/")
	if name == "" {
		name, dirSlash = ".", true
	}
	if strings.ContainsAny(name, "\\\x00") || !fs.ValidPath(name) {
		return ErrNotFound
	}
	f, err := fsys.Open(name)
	if err != nil {
		return fileError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fileError(err)
	}
	if !st.IsDir() && dirSlash {
		return ErrNotFound // "file.txt/"
	}
	if st.IsDir() {
		if index == "" || index == "-" {
			return ErrNotFound
		}
		if !dirSlash {
			// Relative, so it holds under any prefix or Mount: "docs" → "./docs/".
			target := "./" + url.PathEscape(path.Base(name)) + "/"
			if q := r.URL.RawQuery; q != "" {
				target += "?" + q
			}
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusMovedPermanently)
			return nil
		}
		f.Close()
		name = path.Join(name, index)
		if f, err = fsys.Open(name); err != nil {
			return fileError(err)
		}
		defer f.Close()
		if st, err = f.Stat(); err != nil || st.IsDir() {
			return ErrNotFound
		}
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			return fmt.Errorf("web: reading %s: %w", name, err)
		}
		rs = strings.NewReader(string(b))
	}
	h := w.Header()
	if s != nil {
		h.Set("Cache-Control", s.cacheControl)
		key := fmt.Sprintf("%s\x00%d\x00%d", name, st.Size(), st.ModTime().UnixNano())
		etag, ok := s.etags.Load(key)
		if !ok {
			sum := sha256.New()
			if _, err := io.Copy(sum, rs); err != nil {
				return fmt.Errorf("web: hashing %s: %w", name, err)
			}
			if _, err := rs.Seek(0, io.SeekStart); err != nil {
				return fmt.Errorf("web: seeking %s: %w", name, err)
			}
			etag = `"` + hex.EncodeToString(sum.Sum(nil)[:12]) + `"`
			s.etags.Store(key, etag)
		}
		h.Set("ETag", etag.(string))
	}
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, path.Base(name), st.ModTime(), rs)
	return nil
}

func fileError(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) ||
		errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.ENAMETOOLONG) {
		// The last two come from names a client chose ("file.txt/x", a 300-byte segment):
		// they are not found, not server errors.
		return ErrNotFound
	}
	if errors.Is(err, fs.ErrPermission) {
		return &HTTPError{Code: http.StatusForbidden, Err: err}
	}
	return fmt.Errorf("web: opening file: %w", err)
}
