package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/sinewdev/sinew/web/middleware"
)

// CSRF on a plain net/http stack, with the per-session secret coming from wherever the
// app keeps sessions (the Sinew App wires session.CSRFSecret by itself).
func ExampleCSRF() {
	secret := middleware.NewCSRFSecret() // one per session, kept server-side
	csrf := middleware.CSRF(middleware.CSRFConfig{
		Secret: func(*http.Request) ([]byte, error) { return secret, nil },
		Exempt: []string{"POST /webhooks/{provider}"},
	})
	h := csrf(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "done") }))

	post := func(body string, hdr ...string) int {
		req := httptest.NewRequest("POST", "/posts", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	token := middleware.CSRFToken(secret) // what the form's hidden field carries
	fmt.Println("with the token:", post("title=x&csrf_token="+token))
	fmt.Println("without:", post("title=x"))
	fmt.Println("from another site:", post("csrf_token="+token, "Sec-Fetch-Site", "cross-site"))
	fmt.Println("bearer client:", post("title=x", "Authorization", "Bearer snw_..."))
	// Output:
	// with the token: 200
	// without: 403
	// from another site: 403
	// bearer client: 200
}
