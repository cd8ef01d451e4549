package migrate

import (
	"fmt"
	"strconv"
	"strings"
)

// maxNameLen bounds a migration name (the history table's name column holds 255).
const maxNameLen = 100

// Name is a parsed migration name such as "0002_add_posts_slug".
type Name struct {
	Number int    // 2
	Label  string // "add_posts_slug"
}

// String returns the name in its canonical form, the number padded to four digits.
func (n Name) String() string { return fmt.Sprintf("%04d_%s", n.Number, n.Label) }

// ParseName parses a migration name: at least four decimal digits (a positive number), an
// underscore, and a label of lower-case ASCII letters, digits and underscores; at most 100
// bytes. The error wraps ErrInvalidName.
func ParseName(s string) (Name, error) {
	bad := func(why string) (Name, error) {
		return Name{}, fmt.Errorf("%w %q: %s", ErrInvalidName, trimForError(s), why)
	}
	if len(s) > maxNameLen {
		return bad(fmt.Sprintf("longer than %d bytes", maxNameLen))
	}
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits < 4 {
		return bad("it must start with a number of at least four digits, like 0001_initial")
	}
	if digits > 9 {
		return bad("the number has more than nine digits")
	}
	if digits == len(s) || s[digits] != '_' {
		return bad("the number must be followed by an underscore and a label")
	}
	label := s[digits+1:]
	if label == "" {
		return bad("the label after the underscore is empty")
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return bad("the label may hold only lower-case letters, digits and underscores")
		}
	}
	n, err := strconv.Atoi(s[:digits])
	if err != nil || n < 1 {
		return bad("the number must be positive")
	}
	return Name{Number: n, Label: label}, nil
}

func trimForError(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// checkNames verifies that every migration has a valid name and that the numbers strictly
// increase in list order, so that the order is unambiguous.
func checkNames(migrations []Migration) error {
	prev := Name{}
	seen := make(map[string]bool, len(migrations))
	for _, m := range migrations {
		n, err := ParseName(m.Name)
		if err != nil {
			return err
		}
		if seen[m.Name] {
			return fmt.Errorf("%w: %s is listed twice", ErrInvalidName, m.Name)
		}
		seen[m.Name] = true
		if n.Number <= prev.Number {
			return fmt.Errorf("%w: %s comes after %s; numbers must increase (renumber one of them, e.g. after merging branches)",
				ErrInvalidName, m.Name, prev)
		}
		prev = n
	}
	return nil
}

// ident returns the Go identifier of a migration's variable: "0002_add_posts_slug" gives
// "m0002AddPostsSlug".
func (n Name) ident() string {
	var b strings.Builder
	fmt.Fprintf(&b, "m%04d", n.Number)
	up := true
	for _, c := range n.Label {
		if c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}

// slug turns words into a label fragment: lower case, runs of other characters collapsed
// into one underscore.
func slug(words ...string) string {
	var b strings.Builder
	under := false
	for _, w := range words {
		for _, c := range strings.ToLower(w) {
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				if under && b.Len() > 0 {
					b.WriteByte('_')
				}
				under = false
				b.WriteRune(c)
			} else {
				under = true
			}
		}
		under = true
	}
	return b.String()
}

// maxLabel bounds generated labels so that file names stay readable.
const maxLabel = 50

// label derives a migration label from its operations, like Django: "initial" for the first
// migration, a description of a single operation, or the first one and "and_more".
func label(ops []Operation, first bool) string {
	if first && len(ops) > 0 {
		return "initial"
	}
	if len(ops) == 0 {
		return "empty"
	}
	l := opLabel(ops[0])
	if len(ops) > 1 {
		if len(l) > maxLabel-9 {
			l = cutLabel(l, maxLabel-9)
		}
		return l + "_and_more"
	}
	return cutLabel(l, maxLabel)
}

func cutLabel(l string, n int) string {
	if len(l) <= n {
		return l
	}
	l = l[:n]
	if i := strings.LastIndexByte(l, '_'); i > n/2 {
		l = l[:i]
	}
	return strings.TrimRight(l, "_")
}

func opLabel(op Operation) string {
	switch op := op.(type) {
	case CreateTable:
		return slug("create", op.Name)
	case DropTable:
		return slug("drop", op.Name)
	case RenameTable:
		return slug("rename", op.From, op.To)
	case AddColumn:
		return slug("add", op.Table, op.Column.Name)
	case DropColumn:
		return slug("drop", op.Table, op.Name)
	case RenameColumn:
		return slug("rename", op.Table, op.From, op.To)
	case AlterColumn:
		return slug("alter", op.Table, op.Column.Name)
	case AddIndex:
		return slug("add", op.Name)
	case DropIndex:
		return slug("drop", op.Name)
	case AddForeignKey:
		return slug("add", op.Name)
	case DropForeignKey:
		return slug("drop", op.Name)
	}
	return "run_sql"
}
