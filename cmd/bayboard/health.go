package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// health asks a running server whether it is healthy: the container's
// HEALTHCHECK, where no curl is installed.
func health(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("health", stdout)
	url := fs.String("url", envDefault(getenv, "BAYBOARD_URL", "http://127.0.0.1"+portOf(envDefault(getenv, "BAYBOARD_ADDR", DefaultAddr))), "server to ask (BAYBOARD_URL)")
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

// portOf returns ":8080" from an address such as ":8080" or "0.0.0.0:8080".
func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ":8080"
}
