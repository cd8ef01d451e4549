package auth

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
)

// Config tunes Register. The zero value is the default for every field.
type Config struct {
	// Password holds the hashing parameters and password rules used by the flows and
	// createsuperuser. Logins rehash a password whose stored hash was made with other
	// parameters. Default: the zero PasswordConfig.
	Password PasswordConfig
	// Flows configures the login, signup, logout, password and e-mail verification pages
	// mounted under /auth/, and the brute-force limits.
	Flows FlowsConfig
	// Stdin is where createsuperuser reads the e-mail address and password. When it is a
	// terminal, the password is read without echo. Default os.Stdin.
	Stdin io.Reader
	// Stdout receives createsuperuser's prompts and messages. Default: the app's
	// Config().Stdout.
	Stdout io.Writer
}

// Register registers the auth models (User, Group, Permission, Token and their join tables)
// with app, installs the authentication middleware (bearer tokens, and the session's user
// loaded on first use by CurrentUser), mounts the flows under /auth/ (see FlowsConfig) and
// adds two commands: createsuperuser, and syncpermissions, which runs SyncPermissions for
// every model of the app (run it after `./app migrate`). The tables come from Migrations,
// registered as the app's migration set "auth": auto-migrate and `./app migrate` apply
// them before the app's own, and the app's makemigrations leaves them out. It returns the
// app's Auth.
func Register(app *sinew.App, cfg Config) *Auth {
	app.Models(Models()...)
	app.MigrationSet("auth", Migrations())
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Stdout == nil {
		cfg.Stdout = app.Config().Stdout
	}
	app.AddCommand(&sinew.Command{
		Name:    "createsuperuser",
		Summary: "create a superuser (prompts, or --email and --password-stdin for scripts)",
		Usage:   "[--email ADDRESS] [--name NAME] [--password-stdin]",
		Run: func(ctx context.Context, args []string) error {
			db := app.DB()
			if db == nil {
				return errors.New("createsuperuser: the app has no database")
			}
			return createSuperuser(orm.WithDB(ctx, db), cfg, args)
		},
	})
	app.AddCommand(&sinew.Command{
		Name:    "syncpermissions",
		Summary: "create the view/add/change/delete and custom permissions of every model",
		Run: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return &sinew.UsageError{Msg: "syncpermissions takes no arguments"}
			}
			db := app.DB()
			if db == nil {
				return errors.New("syncpermissions: the app has no database")
			}
			if err := SyncPermissions(orm.WithDB(ctx, db), app.Registry()); err != nil {
				return err
			}
			n, err := orm.Q[Permission](orm.WithDB(ctx, db)).Count()
			if err != nil {
				return fmt.Errorf("syncpermissions: %w", err)
			}
			fmt.Fprintf(cfg.Stdout, "%d permissions in the database.\n", n)
			return nil
		},
	})
	return newAuth(app, cfg)
}

// maxLine bounds an input line of createsuperuser.
const maxLine = 4096

func createSuperuser(ctx context.Context, cfg Config, args []string) error {
	fs := flag.NewFlagSet("createsuperuser", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the e-mail address")
	name := fs.String("name", "", "the display name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args); err != nil {
		return &sinew.UsageError{Msg: "createsuperuser: " + err.Error()}
	}
	if fs.NArg() > 0 {
		return &sinew.UsageError{Msg: fmt.Sprintf("createsuperuser: unexpected argument %q", clip(fs.Arg(0), 64))}
	}
	if *pwStdin && *email == "" {
		return &sinew.UsageError{Msg: "createsuperuser: --password-stdin needs --email"}
	}
	in := bufio.NewReaderSize(cfg.Stdin, maxLine)
	tty := isTerminal(cfg.Stdin)
	out := cfg.Stdout

	addr := *email
	if addr == "" {
		fmt.Fprint(out, "E-mail address: ")
		line, err := readLine(in)
		if err != nil {
			return fmt.Errorf("createsuperuser: reading the e-mail address: %w", err)
		}
		addr = line
	}
	normalized, err := NormalizeEmail(addr)
	if err != nil {
		return fmt.Errorf("createsuperuser: %w", err)
	}
	taken, err := orm.Q[User](ctx).Filter("email", normalized).Exists()
	if err != nil {
		return fmt.Errorf("createsuperuser: %w", err)
	}
	if taken {
		return fmt.Errorf("createsuperuser: a user with e-mail %s already exists", normalized)
	}

	var password string
	if *pwStdin {
		if password, err = readLine(in); err != nil {
			return fmt.Errorf("createsuperuser: reading the password from standard input: %w", err)
		}
	} else {
		if password, err = readPassword(in, out, tty, cfg.Stdin, "Password: "); err != nil {
			return err
		}
		again, err := readPassword(in, out, tty, cfg.Stdin, "Password (again): ")
		if err != nil {
			return err
		}
		if again != password {
			return errors.New("createsuperuser: the passwords do not match")
		}
	}
	u, err := NewUser(normalized, password, cfg.Password)
	if err != nil {
		return fmt.Errorf("createsuperuser: %w", err)
	}
	u.Name = strings.TrimSpace(*name)
	u.IsStaff, u.IsSuperuser = true, true
	if err := orm.Create(ctx, u); err != nil {
		var dup *orm.UniqueViolation
		if errors.As(err, &dup) {
			return fmt.Errorf("createsuperuser: a user with e-mail %s already exists", normalized)
		}
		return fmt.Errorf("createsuperuser: %w", err)
	}
	fmt.Fprintf(out, "Superuser %s created.\n", u.Email)
	return nil
}

// readLine reads one line without its line ending. A line longer than maxLine bytes is an
// error; end of input after some text ends the line.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("line longer than %d bytes", maxLine)
	}
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		if errors.Is(err, io.EOF) {
			return "", errors.New("no input")
		}
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// readPassword prompts for a password, without echo when stdin is a terminal.
func readPassword(in *bufio.Reader, out io.Writer, tty bool, stdin io.Reader, prompt string) (string, error) {
	fmt.Fprint(out, prompt)
	if tty {
		b, err := term.ReadPassword(int(stdin.(*os.File).Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("createsuperuser: reading the password: %w", err)
		}
		return string(b), nil
	}
	pw, err := readLine(in)
	if err != nil {
		return "", fmt.Errorf("createsuperuser: reading the password: %w", err)
	}
	return pw, nil
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
