// Package form binds, validates and renders HTML forms. A form is a Go struct: its fields'
// tags name the inputs (`form:"title"`), give labels, help texts, placeholders, widgets and
// choices (`label:"Title" help:"..." widget:"textarea" choices:"draft:Draft|live:Live"`),
// and carry the rules of package validate (`validate:"required,max=200"`), which are both
// enforced on the server and rendered as the browser's hints (required, maxlength, min,
// max, pattern). A registered model is a form too: its labels, help texts, choices, column
// sizes, null-ness and unique columns come from the orm registry ([ForModel]), which is
// how the admin site renders its forms. A [Forms] value compiles each struct type once into
// a [Plan] and keeps it; nothing is global.
//
// [Forms.Bind] reads a request (URL-encoded or multipart, streamed with limits per request,
// per value and per file) into the struct, converting text to strings, numbers, booleans,
// dates and times, slices, pointers for optional values and uploaded files. It keeps the
// text exactly as typed, so a form rendered again after "abc" in a number field shows
// "abc" next to "Enter a whole number.", then runs the validation rules, the struct's
// Validate method for checks across fields, and uniqueness queries against the database
// (ignoring the row being edited). Uploads are sniffed with http.DetectContentType and
// checked against an allow-list and a size limit, then held in memory or a temporary file
// as a [*File] that the handler saves (to a storage.Disk, for instance) only once the
// whole form is valid, so an invalid form stores nothing. Rendering goes through
// html/template, so every value, label, help text and choice is escaped for its context;
// the markup is accessible (labels tied to inputs, aria-invalid and aria-describedby
// pointing at help texts and errors) and can be replaced by a theme.
package form
