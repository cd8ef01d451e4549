package auth

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	texttemplate "text/template"

	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
)

// defaultTemplates are the flows' pages (auth/*.html) and e-mails (auth/email/*.txt).
//
//go:embed templates
var defaultTemplates embed.FS

// mailTemplates are the e-mail bodies, parsed with text/template.
type mailTemplates struct {
	reset, verify *texttemplate.Template
}

// loadTemplates parses the flows' templates: the files of override (same names as the
// defaults: "auth/login.html", "auth/layout.html", "auth/email/reset.txt", ...) replace the
// embedded defaults, which fill in the rest.
func loadTemplates(override fs.FS) (*view.Engine, *mailTemplates, error) {
	base, _ := fs.Sub(defaultTemplates, "templates")
	fsys := base
	if override != nil {
		fsys = overlayFS{top: override, bottom: base}
	}
	engine, err := view.New(fsys, view.Config{
		Shared:      []string{},
		CSRFToken:   session.CSRFToken,
		Flashes:     session.ViewFlashes,
		CurrentUser: ViewUser,
	})
	if err != nil {
		return nil, nil, err
	}
	var mt mailTemplates
	for name, dst := range map[string]**texttemplate.Template{"auth/email/reset.txt": &mt.reset, "auth/email/verify.txt": &mt.verify} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", name, err)
		}
		t, err := texttemplate.New(name).Option("missingkey=error").Parse(string(b))
		if err != nil {
			return nil, nil, err
		}
		*dst = t
	}
	return engine, &mt, nil
}

// overlayFS serves the files of top, and those of bottom that top does not have.
type overlayFS struct {
	top, bottom fs.FS
}

// Open implements fs.FS.
func (o overlayFS) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err != nil {
		return o.bottom.Open(name)
	}
	if st, serr := f.Stat(); serr == nil && !st.IsDir() {
		return f, nil
	}
	// A directory: bottom's when it has one (ReadDir merges the entries anyway).
	bf, berr := o.bottom.Open(name)
	if berr != nil {
		return f, nil
	}
	f.Close()
	return bf, nil
}

// ReadDir implements fs.ReadDirFS: the union of both directories.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	top, terr := fs.ReadDir(o.top, name)
	bottom, berr := fs.ReadDir(o.bottom, name)
	if terr != nil && berr != nil {
		if errors.Is(terr, fs.ErrNotExist) {
			return nil, berr
		}
		return nil, terr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(top, bottom...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}
