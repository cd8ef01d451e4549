// Package view renders HTML pages from html/template files: layouts and blocks, shared
// partials and components, and the helpers a server-rendered site needs everywhere (named
// route URLs, static asset URLs, the CSRF field, flash messages, the current user, date and
// number formatting, pluralisation and safe markdown). An [Engine] reads every template of
// an fs.FS once, at start-up, and refuses to start on a syntax error, a call to an unknown
// function or template, or a template the contextual escaper cannot escape, naming the file
// and line. html/template's contextual escaping is Sinew's protection against XSS: data is
// escaped for the place it lands in (text, attribute, URL, JavaScript, CSS) and no helper
// here turns it off.
//
// Templates are named by their path in the file system ("posts/index.html"). A page uses a
// layout by calling it, and fills the layout's blocks with {{define}}: the layout
// "layouts/base.html" holds {{block "content" .}}{{end}}, and the page is
//
//	{{template "layouts/base.html" .}}
//	{{define "title"}}Posts{{end}}
//	{{define "content"}}<h1>Posts</h1>{{range .Posts}}…{{end}}{{end}}
//
// Each renderable file gets its own namespace, so every page may define "content". Files
// under partials/ and components/ ([Config.Shared]) are available to every template, with
// the {{define}}s inside them; pass arguments with dict:
// {{template "components/button.html" dict "Label" "Save" "Kind" "primary"}}. The Engine
// implements [web.Renderer]: a handler calls c.Render(200, "posts/index.html", data), which
// renders into a buffer so that a failing template gives an error page, never half a page.
// In development, [Config.Reload] re-reads the files when they change, and reports a broken
// template on the next request.
package view
