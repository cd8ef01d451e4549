package mail_test

import (
	"log/slog"
	"net"
	"strconv"
	"testing"

	"github.com/sinewdev/sinew/mail/mailtest"
)

func portOf(t *testing.T, srv *mailtest.Server) int {
	t.Helper()
	_, port, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
