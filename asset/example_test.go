package asset_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing/fstest"

	"github.com/sinewdev/sinew/asset"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

// Build the manifest at start-up, mount the handler, and let templates ask for
// fingerprinted URLs through view.Config.StaticURL.
func Example() {
	files := fstest.MapFS{ // an embed.FS in a real app
		"site.css":   {Data: []byte(`body { background: url(img/bg.png); }`)},
		"img/bg.png": {Data: []byte("\x89PNG...")},
	}
	assets, err := asset.New(context.Background(), files, asset.Config{})
	if err != nil {
		panic(err)
	}
	r := web.NewRouter(web.Config{})
	assets.Mount(r)                        // GET /static/{path...}
	_ = view.Config{StaticURL: assets.URL} // {{static "site.css"}} → the URL below

	fmt.Println(assets.URL("site.css"))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", assets.URL("site.css"), nil))
	fmt.Println(w.Code, w.Header().Get("Cache-Control"))
	fmt.Println(w.Body)
	// Output:
	// /static/site.58f903ab.css
	// 200 public, max-age=31536000, immutable
	// body { background: url(img/bg.20bb5226.png); }
}
