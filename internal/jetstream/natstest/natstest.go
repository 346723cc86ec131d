// Package natstest starts real NATS servers with JetStream inside tests:
// one, or a cluster of several nodes. It is the only package that imports
// github.com/nats-io/nats-server/v2, and only tests import it.
package natstest

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyTimeout bounds a server's start: under a loaded machine a few
// seconds, never a minute.
const readyTimeout = 20 * time.Second

// Server is one NATS server with JetStream in this test process.
type Server struct {
	mu   sync.Mutex
	opts server.Options
	srv  *server.Server
}

// Start starts a JetStream server on a free port of 127.0.0.1, its store
// under t.TempDir(); t.Cleanup stops it.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{opts: server.Options{
		ServerName: "bayboard-test",
		Host:       "127.0.0.1",
		Port:       freePort(t),
		JetStream:  true,
		StoreDir:   t.TempDir(),
		NoLog:      true,
		NoSigs:     true,
	}}
	s.start(t)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start(t testing.TB) {
	t.Helper()
	opts := s.opts // the server changes its options; each start gets a copy
	if len(s.opts.Routes) > 0 {
		opts.Routes = append([]*url.URL(nil), s.opts.Routes...)
	}
	srv, err := server.NewServer(&opts)
	if err != nil {
		t.Fatalf("natstest: new server: %v", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(readyTimeout) {
		srv.Shutdown()
		t.Fatalf("natstest: server on port %d not ready in %s", s.opts.Port, readyTimeout)
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
}

// URL is the server's client URL.
func (s *Server) URL() string {
	return "nats://127.0.0.1:" + strconv.Itoa(s.opts.Port)
}

// Stop stops the server at once, as a crash or an outage does; its store
// stays for Restart. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart starts the server again on the same port with the same store.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	s.start(t)
}

// Running says whether the server is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv != nil
}

// Cluster is n JetStream servers in one cluster.
type Cluster struct {
	nodes []*Server
}

// StartCluster starts n JetStream nodes routed to each other and waits
// until the cluster has elected its JetStream meta leader.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	clientPorts := make([]int, n)
	routePorts := make([]int, n)
	var routes []string
	for i := range n {
		clientPorts[i] = freePort(t)
		routePorts[i] = freePort(t)
		routes = append(routes, "nats-route://127.0.0.1:"+strconv.Itoa(routePorts[i]))
	}
	c := &Cluster{}
	for i := range n {
		c.nodes = append(c.nodes, &Server{opts: server.Options{
			ServerName: fmt.Sprintf("bayboard-test-%d", i+1),
			Host:       "127.0.0.1",
			Port:       clientPorts[i],
			JetStream:  true,
			StoreDir:   filepath.Join(t.TempDir(), strconv.Itoa(i+1)),
			NoLog:      true,
			NoSigs:     true,
			Cluster: server.ClusterOpts{
				Name: "bayboard-test",
				Host: "127.0.0.1",
				Port: routePorts[i],
			},
			Routes: server.RoutesFromStr(strings.Join(routes, ",")),
		}})
	}
	// Every node must be up for the others' routes; they start together.
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for _, node := range c.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := node.opts
			opts.Routes = append([]*url.URL(nil), node.opts.Routes...)
			srv, err := server.NewServer(&opts)
			if err != nil {
				errs <- err.Error()
				return
			}
			go srv.Start()
			if !srv.ReadyForConnections(readyTimeout) {
				srv.Shutdown()
				errs <- fmt.Sprintf("node %s not ready", node.opts.ServerName)
				return
			}
			node.mu.Lock()
			node.srv = srv
			node.mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for _, node := range c.nodes {
		t.Cleanup(node.Stop)
	}
	for e := range errs {
		t.Fatalf("natstest: cluster: %s", e)
	}
	c.waitForLeader(t)
	return c
}

// waitForLeader waits until one node is the JetStream meta leader, every
// running node is current with it, and the leader knows every running
// node as a peer it can place a stream on (until its stats have come, a
// stream of as many replicas as nodes finds "no suitable peers").
func (c *Cluster) waitForLeader(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		leader, current, running, peers := false, true, 0, 0
		for _, node := range c.nodes {
			node.mu.Lock()
			srv := node.srv
			node.mu.Unlock()
			if srv == nil {
				continue
			}
			running++
			if srv.JetStreamIsLeader() {
				leader = true
				peers = len(srv.JetStreamClusterPeers())
			}
			if !srv.JetStreamIsCurrent() {
				current = false
			}
		}
		if leader && current && peers >= running {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("natstest: no JetStream meta leader in %s", readyTimeout)
}

// URLs is every node's client URL, comma separated.
func (c *Cluster) URLs() string {
	urls := make([]string, len(c.nodes))
	for i, node := range c.nodes {
		urls[i] = node.URL()
	}
	return strings.Join(urls, ",")
}

// Node is the i-th node (from 0).
func (c *Cluster) Node(i int) *Server { return c.nodes[i] }

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("natstest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StreamLeader is the index of the running node that leads the stream
// (in the default account), or -1 while none does.
func (c *Cluster) StreamLeader(stream string) int {
	for i, node := range c.nodes {
		node.mu.Lock()
		srv := node.srv
		node.mu.Unlock()
		if srv != nil && srv.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, stream) {
			return i
		}
	}
	return -1
}
