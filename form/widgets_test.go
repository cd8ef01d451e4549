package form

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// One struct per widget, each with a label, help text and rules, so that the golden files
// show every attribute the widget can carry.
type (
	textForm struct {
		Title string `form:"title" label:"Title" help:"At most 200 characters." placeholder:"A title" validate:"required,min=3,max=200"`
	}
	emailForm struct {
		Email string `form:"email" validate:"required,email"`
	}
	passwordForm struct {
		Password string `form:"password" widget:"password" validate:"required,min=12"`
	}
	urlForm struct {
		Site string `form:"site" label:"Web site" validate:"url"`
	}
	textareaForm struct {
		Body string `form:"body" widget:"textarea" help:"Markdown is allowed." validate:"max=5000"`
	}
	numberForm struct {
		Age int `form:"age" validate:"gte=18,lte=130"`
	}
	floatForm struct {
		Price *float64 `form:"price" help:"In euros." validate:"gte=0"`
	}
	checkboxForm struct {
		Terms bool `form:"terms" label:"I accept the terms" validate:"required"`
	}
	selectForm struct {
		Status string `form:"status" choices:"draft:Draft|review:In review|live:Published" validate:"required"`
	}
	radioForm struct {
		Size string `form:"size" widget:"radio" choices:"s:Small|m:Medium|l:Large" help:"Pick one."`
	}
	dateForm struct {
		Birthday time.Time `form:"birthday" widget:"date" validate:"required"`
	}
	datetimeForm struct {
		Start *time.Time `form:"start" help:"Local time."`
	}
	fileForm struct {
		Avatar *File `form:"avatar" accept:"image/png,image/jpeg" maxsize:"1MB" validate:"required"`
	}
	filesForm struct {
		Attachments []*File `form:"attachments" help:"PDF or text."`
	}
	hiddenForm struct {
		Next string `form:"next" widget:"hidden" validate:"required"`
	}
	multiselectForm struct {
		Tags []string `form:"tags" choices:"go:Go|sql:SQL|web:Web" validate:"required"`
	}
	patternForm struct {
		Code string `form:"code" validate:"required,pattern=^[A-Z]{3}-[0-9]+$"`
	}
)

func TestWidgetsGolden(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	date := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	start := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	price := 12.5
	tests := []struct {
		widget string
		empty  func() any // a new zero value
		filled any        // an instance to edit
		bad    url.Values // a submission with an error
	}{
		{"text", func() any { return &textForm{} }, &textForm{Title: "Hello"}, url.Values{"title": {"Hi"}}},
		{"email", func() any { return &emailForm{} }, &emailForm{Email: "ada@example.com"}, url.Values{"email": {"not an address"}}},
		{"password", func() any { return &passwordForm{} }, &passwordForm{Password: "s3cret s3cret"}, url.Values{"password": {"short"}}},
		{"url", func() any { return &urlForm{} }, &urlForm{Site: "https://example.com/"}, url.Values{"site": {"javascript:alert(1)"}}},
		{"textarea", func() any { return &textareaForm{} }, &textareaForm{Body: "\nfirst line kept\n"}, url.Values{"body": {strings.Repeat("x", 5001)}}},
		{"number", func() any { return &numberForm{} }, &numberForm{Age: 36}, url.Values{"age": {"abc"}}},
		{"number-float", func() any { return &floatForm{} }, &floatForm{Price: &price}, url.Values{"price": {"-1"}}},
		{"checkbox", func() any { return &checkboxForm{} }, &checkboxForm{Terms: true}, url.Values{}},
		{"select", func() any { return &selectForm{} }, &selectForm{Status: "review"}, url.Values{"status": {"deleted"}}},
		{"radio", func() any { return &radioForm{} }, &radioForm{Size: "m"}, url.Values{"size": {"xl"}}},
		{"date", func() any { return &dateForm{} }, &dateForm{Birthday: date}, url.Values{"birthday": {"17/05/1990"}}},
		{"datetime", func() any { return &datetimeForm{} }, &datetimeForm{Start: &start}, url.Values{"start": {"tomorrow"}}},
		{"file", func() any { return &fileForm{} }, &fileForm{}, url.Values{}},
		{"file-multiple", func() any { return &filesForm{} }, &filesForm{}, url.Values{"attachments": {"report.pdf"}}},
		{"hidden", func() any { return &hiddenForm{} }, &hiddenForm{Next: "/posts?page=2"}, url.Values{}},
		{"multiselect", func() any { return &multiselectForm{} }, &multiselectForm{Tags: []string{"go", "web"}}, url.Values{"tags": {"go", "cobol"}}},
		{"pattern", func() any { return &patternForm{} }, &patternForm{Code: "ABC-12"}, url.Values{"code": {"abc"}}},
	}
	for _, tt := range tests {
		t.Run(tt.widget, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			empty, err := fs.For(tt.empty())
			if err != nil {
				t.Fatal(err)
			}
			out.WriteString("<!-- empty -->\n" + render(t, empty) + "\n")
			filled, err := fs.For(tt.filled)
			if err != nil {
				t.Fatal(err)
			}
			out.WriteString("<!-- filled -->\n" + render(t, filled) + "\n")
			bad := bind(t, fs, postForm(tt.bad), tt.empty())
			if bad.Valid() {
				t.Fatalf("submission %v is valid, want an error", tt.bad)
			}
			out.WriteString("<!-- invalid -->\n" + render(t, bad) + "\n")
			golden(t, "widgets/"+tt.widget+".html", []byte(out.String()))
		})
	}
}
