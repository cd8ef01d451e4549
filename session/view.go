package session

import (
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

// ViewFlashes returns and consumes the flash messages of c's session for the templates'
// flashes helper: set it as view.Config.Flashes.
//
//	engine, err := view.New(templates, view.Config{Flashes: session.ViewFlashes})
func ViewFlashes(c *web.Ctx) []view.Flash {
	f := From(c).Flashes()
	if len(f) == 0 {
		return nil
	}
	out := make([]view.Flash, len(f))
	for i, x := range f {
		out[i] = view.Flash{Kind: x.Kind, Message: x.Message}
	}
	return out
}
