package api

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/sinewdev/sinew/web"
)

// ui holds Swagger UI, vendored from the npm package swagger-ui-dist (see ui/VERSION).
//
//go:embed ui/swagger-ui-bundle.js ui/swagger-ui.css ui/init.js ui/LICENSE ui/NOTICE
var ui embed.FS

// serveSpec registers the document and docs page routes.
func (a *API) serveSpec() {
	cfg := a.state.cfg
	if cfg.SpecPath != "-" {
		a.reg.Handle("GET "+cfg.SpecPath+".json", func(c *web.Ctx) error {
			b, err := a.specJSON()
			if err != nil {
				return err
			}
			c.SetHeader("Cache-Control", "no-cache")
			return c.Blob(http.StatusOK, "application/json", b)
		})
		a.reg.Handle("GET "+cfg.SpecPath+".yaml", func(c *web.Ctx) error {
			b, err := a.specYAML()
			if err != nil {
				return err
			}
			c.SetHeader("Cache-Control", "no-cache")
			return c.Blob(http.StatusOK, "application/yaml", b)
		})
	}
	if cfg.DocsPath != "-" {
		assets, _ := fs.Sub(ui, "ui")
		static := web.Static(assets, web.StaticConfig{})
		a.reg.Handle("GET "+cfg.DocsPath+"/assets/{path...}", static)
		base := path.Base(cfg.DocsPath)
		spec := cfg.SpecPath + ".json"
		if path.Dir(cfg.DocsPath) == path.Dir(cfg.SpecPath) {
			spec = path.Base(cfg.SpecPath) + ".json" // relative: works under a group prefix too
		}
		var page bytes.Buffer
		if err := docsPage.Execute(&page, map[string]string{"Title": cfg.Title, "Assets": base + "/assets", "Spec": spec}); err != nil {
			panic(err)
		}
		html := page.String()
		a.reg.Handle("GET "+cfg.DocsPath, func(c *web.Ctx) error {
			return c.HTML(http.StatusOK, html)
		})
	}
}

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.Assets}}/swagger-ui.css">
<style>body{margin:0}</style>
</head><body>
<div id="swagger-ui" data-spec="{{.Spec}}"></div>
<script src="{{.Assets}}/swagger-ui-bundle.js"></script>
<script src="{{.Assets}}/init.js"></script>
</body></html>
`))

func (a *API) specJSON() ([]byte, error) {
	c := a.state.spec
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.json == nil {
		b, err := json.MarshalIndent(a.Document(), "", "  ")
		if err != nil {
			return nil, fmt.Errorf("api: encoding the OpenAPI document: %w", err)
		}
		c.json = append(b, '\n')
	}
	return c.json, nil
}

func (a *API) specYAML() ([]byte, error) {
	b, err := a.specJSON()
	if err != nil {
		return nil, err
	}
	c := a.state.spec
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.yaml == nil {
		y, err := JSONToYAML(b)
		if err != nil {
			return nil, err
		}
		c.yaml = y
	}
	return c.yaml, nil
}

// JSONToYAML converts a JSON document into block-style YAML with the same content and key
// order. Strings are written double-quoted (JSON string syntax is valid YAML), so no value
// is ever reinterpreted (no "no" turning into false).
func JSONToYAML(j []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var out bytes.Buffer
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("api: reading JSON: %w", err)
	}
	if err := yamlValue(dec, tok, &out, 0, true); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// yamlValue writes the value starting with tok. inline is true when the value follows a
// "key:" or "- " on the same line.
func yamlValue(dec *json.Decoder, tok json.Token, out *bytes.Buffer, indent int, inline bool) error {
	pad := strings.Repeat("  ", indent)
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			first := true
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				if !first || !inline {
					out.WriteByte('\n')
					out.WriteString(pad)
				}
				first = false
				out.WriteString(yamlKey(key))
				out.WriteByte(':')
				vt, err := dec.Token()
				if err != nil {
					return err
				}
				if d, ok := vt.(json.Delim); ok {
					if err := yamlContainer(dec, d, out, indent+1); err != nil {
						return err
					}
					continue
				}
				out.WriteByte(' ')
				if err := yamlValue(dec, vt, out, indent+1, true); err != nil {
					return err
				}
			}
			if first {
				out.WriteString("{}")
			}
			_, err := dec.Token() // '}'
			return err
		case '[':
			first := true
			for dec.More() {
				vt, err := dec.Token()
				if err != nil {
					return err
				}
				if !first || !inline {
					out.WriteByte('\n')
					out.WriteString(pad)
				}
				first = false
				out.WriteString("-")
				if d, ok := vt.(json.Delim); ok && d == '[' {
					if err := yamlContainer(dec, d, out, indent+1); err != nil {
						return err
					}
					continue
				}
				out.WriteByte(' ')
				if err := yamlValue(dec, vt, out, indent+1, true); err != nil {
					return err
				}
			}
			if first {
				out.WriteString("[]")
			}
			_, err := dec.Token() // ']'
			return err
		}
	case string:
		out.WriteString(strconv.Quote(t))
	case json.Number:
		out.WriteString(t.String())
	case bool:
		out.WriteString(strconv.FormatBool(t))
	case nil:
		out.WriteString("null")
	}
	return nil
}

// yamlContainer writes an object or array that is the value of a key (or an item of an
// array): empty ones inline, others on the following lines.
func yamlContainer(dec *json.Decoder, d json.Delim, out *bytes.Buffer, indent int) error {
	if !dec.More() {
		if _, err := dec.Token(); err != nil {
			return err
		}
		if d == '{' {
			out.WriteString(" {}")
		} else {
			out.WriteString(" []")
		}
		return nil
	}
	return yamlValue(dec, d, out, indent, false)
}

// yamlKey writes a mapping key: plain when it is a simple word, quoted otherwise ("/posts/{id}",
// "200", "$ref").
func yamlKey(k string) string {
	plain := k != ""
	for i, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || (i > 0 && (r >= '0' && r <= '9' || r == '-'))) {
			plain = false
			break
		}
	}
	switch strings.ToLower(k) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		plain = false
	}
	if plain {
		return k
	}
	return strconv.Quote(k)
}
