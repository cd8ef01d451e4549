package i18n_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/sinewdev/sinew/i18n"
	"github.com/sinewdev/sinew/web"
)

// Load the catalogues, install the middleware, translate in handlers.
func Example() {
	locales := fstest.MapFS{ // an embed.FS in a real app
		"en.json": {Data: []byte(`{"cart": {"=0": "Your cart is empty", "one": "{count} item", "other": "{count} items"}}`)},
		"fr.json": {Data: []byte(`{"cart": {"=0": "Votre panier est vide", "one": "{count} article", "other": "{count} articles"}}`)},
	}
	bundle, err := i18n.New(locales, i18n.Config{URLPrefix: true})
	if err != nil {
		panic(err)
	}
	r := web.NewRouter(web.Config{})
	r.Use(bundle.Middleware()) // with sinew: app.Use(bundle.Middleware())
	r.GET("/cart", func(c *web.Ctx) error {
		n := 1500
		return c.Text(http.StatusOK, i18n.T(c, "cart", "count", n))
	})

	for _, target := range []string{"/cart", "/fr/cart"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(w.Header().Get("Content-Language"), w.Body)
	}
	fmt.Println(bundle.Locale("fr").T("cart", "count", 0))
	// Output:
	// en 1,500 items
	// fr 1 500 articles
	// Votre panier est vide
}
