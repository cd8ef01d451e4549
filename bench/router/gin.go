package router

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Gin returns the adapter for github.com/gin-gonic/gin: gin.New (no logger,
// no recovery middleware) in release mode. Its paths use the ":name" syntax
// as they are.
//
// Gin keeps its mode in a package-level variable; loading this adapter sets
// it to release mode for the whole process.
func Gin() Router {
	return Router{Name: "Gin", Module: "github.com/gin-gonic/gin", Version: "v1.12.0", Load: loadGin}
}

func loadGin(routes []Route, mode Mode) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	err := register("gin", routes, func(rt Route) {
		engine.Handle(rt.Method, rt.Path, ginHandle(rt, mode))
	})
	if err != nil {
		return nil, err
	}
	return engine, nil
}

func ginHandle(rt Route, mode Mode) gin.HandlerFunc {
	switch mode {
	case WriteParam:
		name := firstParam(rt)
		return func(c *gin.Context) {
			_, _ = io.WriteString(c.Writer, c.Param(name))
		}
	case Identify:
		return func(c *gin.Context) {
			_, _ = io.WriteString(c.Writer, Identity(rt, c.Param))
		}
	default:
		return func(*gin.Context) {}
	}
}
