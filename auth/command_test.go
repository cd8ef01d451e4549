package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
)

// runCommand runs `createsuperuser args...` on a fresh app over the SQLite file dbPath,
// with stdin as its input, and returns the error and what it printed.
func runCommand(t *testing.T, dbPath, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, DatabaseURL: "sqlite:" + dbPath, Stdout: &out, Stderr: io.Discard})
	Register(app, Config{Password: fast, Stdin: strings.NewReader(stdin)})
	err := app.RunArgs(t.Context(), append([]string{"createsuperuser"}, args...))
	return out.String(), err
}

// users lists the users stored in the SQLite file dbPath.
func users(t *testing.T, dbPath string) []User {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, DatabaseURL: "sqlite:" + dbPath, Stdout: io.Discard, Stderr: io.Discard})
	Register(app, Config{})
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(context.WithoutCancel(t.Context()))
	us, err := orm.Q[User](orm.WithDB(t.Context(), app.DB())).OrderBy("id").All()
	if err != nil {
		t.Fatal(err)
	}
	return us
}

func TestCreateSuperuser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		stdin   string
		args    []string
		usage   bool   // a *sinew.UsageError is expected
		wantErr string // part of the error message; "" for success
		want    string // the stored e-mail on success
	}{
		{name: "password stdin", stdin: "analytical-engine-1843\n", args: []string{"--email", "Ada@Example.com", "--password-stdin"}, want: "ada@example.com"},
		{name: "password stdin without newline", stdin: "analytical-engine-1843", args: []string{"--email=ada@example.com", "--password-stdin"}, want: "ada@example.com"},
		{name: "crlf", stdin: "analytical-engine-1843\r\n", args: []string{"--email", "ada@example.com", "--password-stdin", "--name", "Ada"}, want: "ada@example.com"},
		{name: "prompts", stdin: "grace@example.com\ncobol-compiler-1959\ncobol-compiler-1959\n", want: "grace@example.com"},
		{name: "prompts with email flag", stdin: "cobol-compiler-1959\ncobol-compiler-1959\n", args: []string{"--email", "grace@example.com"}, want: "grace@example.com"},
		{name: "passwords differ", stdin: "grace@example.com\ncobol-compiler-1959\ncobol-compiler-1960\n", wantErr: "the passwords do not match"},
		{name: "short password", stdin: "short\n", args: []string{"--email", "a@example.com", "--password-stdin"}, wantErr: "password is too short"},
		{name: "common password", stdin: "qwertyuiop\n", args: []string{"--email", "a@example.com", "--password-stdin"}, wantErr: "password is too common"},
		{name: "numeric password", stdin: "12345678901234\n", args: []string{"--email", "a@example.com", "--password-stdin"}, wantErr: "entirely numeric"},
		{name: "empty stdin", stdin: "", args: []string{"--email", "a@example.com", "--password-stdin"}, wantErr: "no input"},
		{name: "huge stdin", stdin: strings.Repeat("p", 100_000), args: []string{"--email", "a@example.com", "--password-stdin"}, wantErr: "longer than"},
		{name: "bad email", stdin: "analytical-engine-1843\n", args: []string{"--email", "not-an-address", "--password-stdin"}, wantErr: "invalid e-mail address"},
		{name: "injection email", stdin: "analytical-engine-1843\n", args: []string{"--email", "x'); DROP TABLE auth_users; --", "--password-stdin"}, wantErr: "invalid e-mail address"},
		{name: "10 KB email", stdin: "analytical-engine-1843\n", args: []string{"--email", strings.Repeat("a", 10240) + "@example.com", "--password-stdin"}, wantErr: "longer than 254 bytes"},
		{name: "unicode email", stdin: "analytical-engine-1843\n", args: []string{"--email", "Zoë@Bücher.example", "--password-stdin"}, want: "zoë@bücher.example"},
		{name: "password stdin needs email", stdin: "analytical-engine-1843\n", args: []string{"--password-stdin"}, usage: true, wantErr: "--password-stdin needs --email"},
		{name: "unknown flag", args: []string{"--mail", "a@example.com"}, usage: true, wantErr: "flag provided but not defined"},
		{name: "extra argument", args: []string{"--email", "a@example.com", "extra"}, usage: true, wantErr: "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := filepath.Join(t.TempDir(), "app.db")
			out, err := runCommand(t, db, tc.stdin, tc.args...)
			var ue *sinew.UsageError
			if errors.As(err, &ue) != tc.usage {
				t.Fatalf("error %v: usage error %v, want %v", err, !tc.usage, tc.usage)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "\n") || len(err.Error()) > 300 {
					t.Fatalf("error %q is not one short line", err)
				}
				if !tc.usage {
					if us := users(t, db); len(us) != 0 {
						t.Fatalf("users stored after a failure: %+v", us)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "Superuser "+tc.want+" created.") {
				t.Fatalf("output %q", out)
			}
			if strings.Contains(out, "analytical-engine") || strings.Contains(out, "cobol-compiler") {
				t.Fatalf("the password was printed: %q", out)
			}
			us := users(t, db)
			if len(us) != 1 {
				t.Fatalf("%d users stored", len(us))
			}
			u := us[0]
			if u.Email != tc.want || !u.IsActive || !u.IsStaff || !u.IsSuperuser {
				t.Fatalf("stored user %+v", u)
			}
			pw := "analytical-engine-1843"
			if strings.HasPrefix(tc.stdin, "grace") || strings.HasPrefix(tc.stdin, "cobol") {
				pw = "cobol-compiler-1959"
			}
			if ok, _, err := u.CheckPassword(pw, fast); !ok || err != nil {
				t.Fatalf("the stored password does not match: %v, %v", ok, err)
			}
		})
	}
}

func TestCreateSuperuserRefusesExistingEmail(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "app.db")
	if _, err := runCommand(t, db, "analytical-engine-1843\n", "--email", "ada@example.com", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	_, err := runCommand(t, db, "another-password-99\n", "--email", "ADA@example.com", "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "a user with e-mail ada@example.com already exists") {
		t.Fatalf("second createsuperuser: %v", err)
	}
	us := users(t, db)
	if len(us) != 1 {
		t.Fatalf("%d users stored", len(us))
	}
	if ok, _, _ := us[0].CheckPassword("analytical-engine-1843", fast); !ok {
		t.Fatal("the existing user's password changed")
	}
}

func TestSyncPermissionsCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "app.db")
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, DatabaseURL: "sqlite:" + db, Stdout: &out, Stderr: io.Discard})
		Register(app, Config{})
		err := app.RunArgs(t.Context(), append([]string{"syncpermissions"}, args...))
		return out.String(), err
	}
	for range 2 {
		out, err := run()
		if err != nil || out != "16 permissions in the database.\n" {
			t.Fatalf("syncpermissions = %q, %v", out, err)
		}
	}
	var ue *sinew.UsageError
	if _, err := run("extra"); !errors.As(err, &ue) {
		t.Fatalf("syncpermissions extra = %v; want a usage error", err)
	}
}
