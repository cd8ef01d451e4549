package tcpproxy

import (
	"bufio"
	"net"
	"testing"
	"time"
)

func TestProxyForwardsAndKills(t *testing.T) {
	t.Parallel()
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	p, err := Start(echo.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	roundTrip := func(c net.Conn) error {
		if _, err := c.Write([]byte("ping\n")); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err == nil && line != "ping\n" {
			t.Fatalf("echo returned %q", line)
		}
		return err
	}
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := roundTrip(c); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	if n := p.KillConns(); n != 1 {
		t.Fatalf("KillConns cut %d connections, want 1", n)
	}
	if err := roundTrip(c); err == nil {
		t.Fatal("a killed connection still works")
	}
	c2, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := roundTrip(c2); err != nil {
		t.Fatalf("a new connection after the kill: %v", err)
	}

	// The killed pair may not be forgotten yet.
	if n := p.Blackhole(); n < 1 {
		t.Fatalf("Blackhole affected %d connections, want at least 1", n)
	}
	err = roundTrip(c2)
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("a blackholed connection answered: %v, want a timeout", err)
	}
	c3, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if err := roundTrip(c3); err != nil {
		t.Fatalf("a new connection after the blackhole: %v", err)
	}
}
