package main

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/mail"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// mailDemo registers /mail: a form that sends a test message through the app's mailer
// (the log mailer in dev, SMTP when SINEW_MAIL_URL is set) and the list of messages the
// log mailer kept. Sending is limited to 5 a minute per client, counted in the app's
// rate-limit store (the database by default).
func mailDemo(app *sinew.App) {
	limit := ratelimit.New(app.RateLimitStore(), ratelimit.Limit{Events: 5, Per: time.Minute, Name: "showcase-mail"})

	page := func(c *web.Ctx, status int, form mailForm, problem string) error {
		return c.Render(status, "mail/index.html", map[string]any{
			"Form":      form,
			"Problem":   problem,
			"Sent":      app.SentMail(),
			"LogMailer": app.Config().MailURL == "" || strings.HasPrefix(app.Config().MailURL, "log:"),
			"CSRFToken": session.CSRFToken(c),
			"Limit":     limit.Limit(),
		})
	}
	app.GET("/mail", func(c *web.Ctx) error {
		return page(c, http.StatusOK, mailForm{To: "ada@example.com", Subject: "Hello from Sinew ✓"}, "")
	}).Name("mail")

	app.With(ratelimit.Middleware(limit, ratelimit.ByIP)).POST("/mail", func(c *web.Ctx) error {
		form := mailForm{To: c.FormValue("to"), Subject: c.FormValue("subject"), Body: c.FormValue("body")}
		if form.Body == "" {
			form.Body = "This message was sent by the Sinew showcase."
		}
		err := app.Mailer().Send(c, &mail.Message{
			To:      []string{form.To},
			Subject: form.Subject,
			Text:    form.Body,
			HTML:    "<p>" + template.HTMLEscapeString(form.Body) + "</p>",
			Headers: map[string]string{"X-Sinew-Demo": "showcase"},
		})
		switch {
		case errors.Is(err, mail.ErrInvalid):
			return page(c, http.StatusUnprocessableEntity, form, err.Error())
		case err != nil:
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/mail")
	})
}

// mailForm is what the /mail form posts.
type mailForm struct {
	To, Subject, Body string
}
