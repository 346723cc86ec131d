package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// health asks a running server whether it is healthy: the container's
// HEALTHCHECK, where no curl is installed.
func health(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("health", stdout)
	url := fs.String("url", envDefault(getenv, "BAYBOARD_URL", healthURL(envDefault(getenv, "BAYBOARD_ADDR", DefaultAddr))), "server to ask (BAYBOARD_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*url, "/")+"/healthz", nil)
	if err != nil {
		return usageError{err.Error()}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s %s", resp.Status, body)
	}
	fmt.Fprintf(stdout, "%s\n", body)
	return nil
}

// healthURL is where a server listening on addr answers on this machine:
// the loopback for an address on every interface (":8080", "0.0.0.0:8080"),
// else the address's own host ("192.168.1.10:8080").
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		host, port = "", DefaultAddr[1:]
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
