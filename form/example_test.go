package form_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/orm"
)

// A handler binds the submission into a struct; an invalid form is rendered again with
// its errors and the values as typed.
func ExampleForms_Bind() {
	type contact struct {
		Name  string `form:"name" validate:"required,max=100"`
		Email string `form:"email" validate:"required,email"`
		Age   int    `form:"age" validate:"gte=18"`
	}
	forms, err := form.New(form.Config{})
	if err != nil {
		panic(err)
	}
	body := url.Values{"name": {"Ada"}, "email": {"ada@"}, "age": {"abc"}}.Encode()
	r := httptest.NewRequest(http.MethodPost, "/contact", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	var in contact
	f, err := forms.Bind(context.Background(), r, &in)
	if err != nil {
		panic(err) // 413 or 415: return it from the handler
	}
	defer f.Close()
	fmt.Println("valid:", f.Valid())
	for _, e := range f.ErrorList() {
		fmt.Printf("%s: %s\n", e.Field, e.Message)
	}
	age, _ := f.Bound("age")
	fmt.Printf("age shown again as %q\n", age.Value())
	input, _ := age.Input()
	fmt.Println(input)
	// Output:
	// valid: false
	// email: Enter a valid e-mail address.
	// age: Enter a whole number.
	// age shown again as "abc"
	// <input type="number" id="id_age" name="age" min="18" step="1" value="abc" aria-invalid="true" aria-describedby="id_age-error">
}

// A registered model is a form: labels, help texts, choices and sizes come from the
// registry.
func ExampleForModel() {
	type Post struct {
		orm.Model
		Title  string `orm:"size=120,help='Shown on the home page.'" validate:"required"`
		Status string `orm:"size=10,choices=draft:Draft|live:Published"`
	}
	registry := orm.NewRegistry()
	if err := registry.Register(Post{}); err != nil {
		panic(err)
	}
	forms, _ := form.New(form.Config{Registry: registry})
	posts, err := form.ForModel[Post](forms)
	if err != nil {
		panic(err)
	}
	f := posts.New(&Post{Title: "Hello", Status: "live"})
	html, _ := f.Field("status")
	fmt.Println(html)
	title := posts.Plan().Field("title")
	fmt.Println(title.Label, *title.MaxLen, title.Help)
	// Output:
	// <div class="field field-select">
	// <label for="id_status">Status</label>
	// <select id="id_status" name="status">
	// <option value="">---------</option>
	// <option value="draft">Draft</option>
	// <option value="live" selected>Published</option>
	// </select>
	// </div>
	// Title 120 Shown on the home page.
}
