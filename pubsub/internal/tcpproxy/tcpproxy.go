// Package tcpproxy is a loopback TCP proxy for the driver tests: a broker connects
// through it to its server, and KillConns cuts every proxied connection at once, as a
// server restart or a network failure would, while the proxy keeps accepting, so the
// broker can reconnect. It is used where the server offers no way to drop one client
// (NATS without a system account). Blackhole makes the open connections silently drop
// everything instead, as a dead peer behind a firewall or NAT does, which only a
// health check can notice.
package tcpproxy

import (
	"net"
	"sync"
)

// Proxy forwards connections from a loopback port to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns map[net.Conn]*link
	done  bool
	wg    sync.WaitGroup
}

// link is one proxied connection pair; dropping is set by Blackhole.
type link struct {
	mu       sync.Mutex
	dropping bool
}

func (l *link) drop() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropping
}

// Start listens on a free loopback port and forwards each connection to target.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: make(map[net.Conn]*link)}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.done {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		l := &link{}
		p.conns[c] = l
		p.conns[s] = l
		p.wg.Add(2)
		p.mu.Unlock()
		go p.pipe(c, s, l)
		go p.pipe(s, c, l)
	}
}

// pipe copies from src to dst until either fails, then closes both. Once the link is
// blackholed, what it reads is discarded.
func (p *Proxy) pipe(dst, src net.Conn, l *link) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !l.drop() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// KillConns closes every connection open through the proxy and reports how many
// client-server pairs it cut. New connections are still accepted.
func (p *Proxy) KillConns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	return len(p.conns) / 2
}

// Blackhole makes every connection open through the proxy drop all traffic from now on,
// in both directions, without closing it, and reports how many pairs it affected. New
// connections work normally.
func (p *Proxy) Blackhole() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.conns {
		l.mu.Lock()
		l.dropping = true
		l.mu.Unlock()
	}
	return len(p.conns) / 2
}

// Close stops accepting, cuts every connection and waits for the proxy's goroutines.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
	p.ln.Close()
	p.KillConns()
	p.wg.Wait()
}
