package router

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Echo returns the adapter for github.com/labstack/echo/v4: echo.New with no
// middleware. Its paths use the ":name" syntax as they are.
func Echo() Router {
	return Router{Name: "Echo", Module: "github.com/labstack/echo/v4", Version: "v4.16.0", Load: loadEcho}
}

func loadEcho(routes []Route, mode Mode) (http.Handler, error) {
	e := echo.New()
	err := register("echo", routes, func(rt Route) {
		e.Add(rt.Method, rt.Path, echoHandle(rt, mode))
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func echoHandle(rt Route, mode Mode) echo.HandlerFunc {
	switch mode {
	case WriteParam:
		name := firstParam(rt)
		return func(c echo.Context) error {
			_, err := io.WriteString(c.Response(), c.Param(name))
			return err
		}
	case Identify:
		return func(c echo.Context) error {
			_, err := io.WriteString(c.Response(), Identity(rt, c.Param))
			return err
		}
	default:
		return func(echo.Context) error { return nil }
	}
}
