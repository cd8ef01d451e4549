package main

import (
	"errors"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// authDemo registers the users, sessions and tokens tour: the flows under /auth/ (signup,
// login, logout, password change and reset, e-mail verification, all from package auth
// with its default templates), a members-only page, a staff page that needs a permission,
// the API token page (a new token is shown once, listed by its hint afterwards, revocable)
// and /api/me, which answers the token's owner to `Authorization: Bearer` requests.
func authDemo(app *sinew.App) {
	auth.Register(app, auth.Config{Flows: auth.FlowsConfig{
		SiteName: "Sinew showcase",
		// The links of reset and verification e-mails; required in prod, where the
		// request's Host header is not trusted for them.
		BaseURL:       os.Getenv("SINEW_BASE_URL"),
		LoginRedirect: "/members",
	}})

	members := app.With(auth.RequireLogin)
	members.GET("/members", func(c *web.Ctx) error {
		return c.Render(http.StatusOK, "auth/members.html", map[string]any{
			"User":      auth.CurrentUser(c),
			"Flashes":   session.From(c).Flashes(),
			"CSRFToken": session.CSRFToken(c),
		})
	}).Name("members")

	tokensPage := func(c *web.Ctx, status int, created, problem string) error {
		u := auth.CurrentUser(c)
		tokens, err := auth.Tokens(c, u.ID)
		if err != nil {
			return err
		}
		return c.Render(status, "auth/tokens.html", map[string]any{
			"User": u, "Tokens": tokens, "Created": created, "Problem": problem,
			"CSRFToken": session.CSRFToken(c), "Now": time.Now(),
		})
	}
	members.GET("/members/tokens", func(c *web.Ctx) error {
		return tokensPage(c, http.StatusOK, "", "")
	}).Name("tokens")
	members.POST("/members/tokens", func(c *web.Ctx) error {
		form, err := c.Form()
		if err != nil {
			return err
		}
		var ttl time.Duration
		if d := form.Get("days"); d != "" && d != "0" {
			n, err := strconv.Atoi(d)
			if err != nil || n < 1 || n > 365 {
				return tokensPage(c, http.StatusUnprocessableEntity, "", "Days: a whole number from 1 to 365, or 0 for no expiry.")
			}
			ttl = time.Duration(n) * 24 * time.Hour
		}
		plain, _, err := auth.CreateToken(c, auth.CurrentUser(c), auth.TokenOptions{Name: form.Get("name"), Scopes: form["scopes"], TTL: ttl})
		if errors.Is(err, auth.ErrInvalidTokenOptions) {
			return tokensPage(c, http.StatusUnprocessableEntity, "", err.Error())
		}
		if err != nil {
			return err
		}
		// Shown once, in this answer: only its hash is stored. No redirect, so that the
		// token never lands in a URL or the session.
		c.SetHeader("Cache-Control", "no-store")
		return tokensPage(c, http.StatusCreated, plain, "")
	})
	members.POST("/members/tokens/{id}/revoke", func(c *web.Ctx) error {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			return web.Error(http.StatusBadRequest, "bad token id")
		}
		if err := auth.RevokeToken(c, auth.CurrentUser(c).ID, id); err != nil {
			return err // another user's token is orm.ErrNotFound: 404
		}
		return c.Redirect(http.StatusSeeOther, "/members/tokens")
	})

	// Staff only: needs the view_author permission (superusers have every permission).
	app.With(auth.RequirePerm("view_author")).GET("/members/staff", func(c *web.Ctx) error {
		n, err := orm.Q[auth.User](c).Count()
		if err != nil {
			return err
		}
		return c.Render(http.StatusOK, "auth/staff.html", map[string]any{"User": auth.CurrentUser(c), "Users": n})
	}).Name("staff")

	// The API: a personal access token with the "read" scope, or the browser's session.
	app.With(auth.RequireScope("read")).GET("/api/me", func(c *web.Ctx) error {
		u := auth.CurrentUser(c)
		out := map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "via": "session"}
		if t := auth.TokenOf(c); t != nil {
			out["via"], out["token"] = "token", t.Name
		}
		return c.JSON(http.StatusOK, out)
	}).Name("api_me")
	app.With(auth.RequireScope("write")).POST("/api/me/name", func(c *web.Ctx) error {
		var in struct {
			Name string `json:"name" form:"name"`
		}
		if err := c.Bind(&in); err != nil {
			return err
		}
		u := auth.CurrentUser(c)
		if len(in.Name) > 150 {
			return web.Error(http.StatusUnprocessableEntity, "name: at most 150 characters")
		}
		u.Name = in.Name
		if err := orm.Save(c, u, "Name"); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"id": u.ID, "name": u.Name})
	})
}
