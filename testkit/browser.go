package testkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where browser tests look for Chromium (Debian's package).
const ChromiumPath = "/usr/bin/chromium"

// BrowserConfig configures NewBrowser. The zero value is the default.
type BrowserConfig struct {
	// Width and Height are the window size. Default 1280×900.
	Width, Height int
	// Timeout bounds the whole test's use of the browser. Default 2 minutes.
	Timeout time.Duration
	// ShotPrefix starts the names of the screenshots Shot writes ("admin-" gives
	// admin-list.png). Default: none.
	ShotPrefix string
	// ShotDir is a directory Shot writes to as well as the test's temporary one, for
	// screenshots meant for documentation. Default: $SINEW_SCREENSHOTS, if set.
	ShotDir string
}

// Browser is a headless Chromium for end-to-end tests of pages, driven through chromedp:
// Do runs actions and fails the test with the page's text when one fails, and Seen, At and
// Until wait for what a page shows, tolerating the moment a page is replaced by the next.
type Browser struct {
	t     testing.TB
	ctx   context.Context
	shots []string
	cfg   BrowserConfig
}

// NewBrowser starts a headless Chromium for t, closed when the test ends. Without Chromium
// the test is skipped with a message, or fails when SINEW_TEST_REQUIRE_SERVICES=1 (CI).
// Tests that start a browser are skipped with -short.
func NewBrowser(t testing.TB, cfg BrowserConfig) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser (skipped with -short)")
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is missing (apt-get install chromium)", ChromiumPath)
		}
		t.Skipf("%s is missing: apt-get install chromium to run the browser test", ChromiumPath)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		cfg.Width, cfg.Height = 1280, 900
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	if cfg.ShotDir == "" {
		cfg.ShotDir = os.Getenv("SINEW_SCREENSHOTS")
	}
	// The flags keep Chromium off the network: this machine's closed network refuses its
	// background connections.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(ChromiumPath), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(cfg.Width, cfg.Height))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, cfg.Timeout)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &Browser{t: t, ctx: ctx, cfg: cfg, shots: []string{t.TempDir()}}
	if cfg.ShotDir != "" {
		b.shots = append(b.shots, cfg.ShotDir)
	}
	return b
}

// Context returns the chromedp context, for chromedp.Run with actions returning values.
func (b *Browser) Context() context.Context { return b.ctx }

// Do runs the actions in order; when one fails, the test fails with what, the error and the
// text of the page.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
		b.t.Fatalf("%s: %v\npage text:\n%.2000s", what, err, body)
	}
}

// Value returns the value of the form control selector matches.
func (b *Browser) Value(selector string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(selector)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", selector, err)
	}
	return v
}

// Until waits (15 s at most) until the JavaScript expression expr is true; what names it in
// the failure. Evaluation fails while a page is being replaced by the next (a form was
// submitted), so errors are retried like a false answer.
func (b *Browser) Until(expr, what string) chromedp.Action[chromedp.Void] {
	check := chromedp.Evaluate[bool](expr)
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		deadline := time.Now().Add(15 * time.Second)
		for {
			ok, err := check(ctx, tg)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("the page never showed %s (last error: %v)", what, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// Seen waits until a loaded page's text contains text.
func (b *Browser) Seen(text string) chromedp.Action[chromedp.Void] {
	return b.Until("!!document.body && document.readyState === 'complete' && document.body.innerText.includes("+JSString(text)+")", fmt.Sprintf("%q", text))
}

// At waits until the browser shows a loaded page whose URL contains part: the page a click
// or a submission leads to, not the one it started from.
func (b *Browser) At(part string) chromedp.Action[chromedp.Void] {
	return b.Until("document.readyState === 'complete' && location.href.includes("+JSString(part)+")", "the URL with "+part)
}

// Shot saves a screenshot of the window as <ShotPrefix><name>.png in the test's temporary
// directory (and ShotDir).
func (b *Browser) Shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.CaptureScreenshot()(ctx, tg)
		if err != nil {
			return err
		}
		for _, dir := range b.shots {
			if err := os.WriteFile(filepath.Join(dir, b.cfg.ShotPrefix+name+".png"), png, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

// ShotPath returns where Shot(name) wrote its screenshot in the test's temporary directory.
func (b *Browser) ShotPath(name string) string {
	return filepath.Join(b.shots[0], b.cfg.ShotPrefix+name+".png")
}

// JSString quotes s as a JavaScript string literal, for expressions given to Until.
func JSString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`).Replace(s) + "'"
}
