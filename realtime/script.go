package realtime

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"

	"github.com/sinewdev/sinew/web"
)

//go:embed static/sinew-realtime.js
var clientJS []byte

var clientETag = func() string {
	sum := sha256.Sum256(clientJS)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// ClientScript returns the JavaScript client that ServeClient serves. It defines
// window.SinewRealtime; see the comment at its top for its API.
func ClientScript() []byte { return append([]byte(nil), clientJS...) }

// ServeClient serves the JavaScript client (window.SinewRealtime), with an ETag so browsers
// revalidate it cheaply.
func (h *Hub) ServeClient(c *web.Ctx) error {
	c.SetHeader("ETag", clientETag)
	c.SetHeader("Cache-Control", "no-cache")
	if c.Header("If-None-Match") == clientETag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", clientJS)
}
