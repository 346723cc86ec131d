package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/server"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/kiosk"
)

// Config is everything serve is told, from flags and BAYBOARD_* variables.
type Config struct {
	Addr      string
	Data      string
	Demo      bool
	DemoSpeed float64
	LogLevel  string
	// CommandRate is how many changes a second one person or API token
	// may send; 0 turns the limit off.
	CommandRate float64
	// TLSCert and TLSKey are PEM files: with both, serve speaks HTTPS.
	TLSCert, TLSKey string
	// BehindTLSProxy says a reverse proxy in front terminates TLS, so the
	// browsers are on https and cookies are Secure.
	BehindTLSProxy bool
	// FrameBoardsFrom are the origins that may show the boards in a frame.
	FrameBoardsFrom []string
}

const (
	// DefaultAddr listens on every interface: the shop's TVs and phones
	// reach the box over the LAN.
	DefaultAddr = ":8080"
	// DefaultData is beside the binary, where an operator looks first.
	DefaultData = "./bayboard.db"
	// DefaultDemoData keeps the demo away from a real shop's file.
	DefaultDemoData = "./bayboard-demo.db"
	// DefaultDemoSpeed runs the demo day 30 times faster than the clock: a
	// working day in about twenty minutes, slow enough to follow on a board.
	DefaultDemoSpeed = 30
	// DefaultCommandRate leaves a busy desk and the demo's simulator far
	// below it, and holds a script to about half a megabyte a second of
	// data file growth (web.DefaultCommandLimit).
	DefaultCommandRate = 10
	// ShutdownGrace is how long requests under way get to finish.
	ShutdownGrace = 10 * time.Second
)

func serveConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := newFlags("serve", stderr)
	cfg := Config{}
	fs.StringVar(&cfg.Addr, "addr", envDefault(getenv, "BAYBOARD_ADDR", DefaultAddr), "address to listen on (BAYBOARD_ADDR)")
	fs.StringVar(&cfg.Data, "data", "", "data file (BAYBOARD_DATA; default "+DefaultData+"; the demo uses "+DefaultDemoData+" and not BAYBOARD_DATA)")
	fs.BoolVar(&cfg.Demo, "demo", false, "run a demo shop with a simulated day, in its own data file")
	fs.Float64Var(&cfg.DemoSpeed, "speed", DefaultDemoSpeed, "demo clock speed (simulated seconds per second)")
	rate := fs.String("command-rate", envDefault(getenv, "BAYBOARD_COMMAND_RATE", strconv.Itoa(DefaultCommandRate)),
		"changes a second one person or API token may send, 10 times that at once; 0 turns the limit off (BAYBOARD_COMMAND_RATE)")
	fs.StringVar(&cfg.LogLevel, "log-level", envDefault(getenv, "BAYBOARD_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.StringVar(&cfg.TLSCert, "tls-cert", getenv("BAYBOARD_TLS_CERT"), "serve HTTPS with this PEM certificate (chain), with --tls-key (BAYBOARD_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", getenv("BAYBOARD_TLS_KEY"), "the PEM private key of --tls-cert (BAYBOARD_TLS_KEY)")
	fs.BoolVar(&cfg.BehindTLSProxy, "behind-tls-proxy", getenv("BAYBOARD_BEHIND_TLS_PROXY") == "true",
		"a reverse proxy in front terminates TLS: cookies are Secure (BAYBOARD_BEHIND_TLS_PROXY=true)")
	frame := fs.String("frame-boards-from", getenv("BAYBOARD_FRAME_BOARDS_FROM"),
		"comma-separated origins (https://intranet.example.com) that may show the boards in a frame; none by default (BAYBOARD_FRAME_BOARDS_FROM)")
	if err := parse(fs, args); err != nil {
		return cfg, err
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return cfg, usageError{"--tls-cert and --tls-key go together"}
	}
	for _, o := range strings.Split(*frame, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.FrameBoardsFrom = append(cfg.FrameBoardsFrom, o)
		}
	}
	if fs.NArg() > 0 {
		return cfg, usageError{"unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if cfg.Data == "" {
		// BAYBOARD_DATA names the real shop's file (the container sets it):
		// the demo, which rebuilds its file at each start, keeps to its own
		// unless --data says otherwise.
		cfg.Data = envDefault(getenv, "BAYBOARD_DATA", DefaultData)
		if cfg.Demo {
			cfg.Data = DefaultDemoData
		}
	}
	var err error
	if cfg.CommandRate, err = strconv.ParseFloat(*rate, 64); err != nil || cfg.CommandRate < 0 || math.IsNaN(cfg.CommandRate) || math.IsInf(cfg.CommandRate, 0) {
		return cfg, usageError{"--command-rate must be 0 (off) or more"}
	}
	if cfg.DemoSpeed < 1 || cfg.DemoSpeed > 3600 {
		return cfg, usageError{"--speed must be between 1 and 3600"}
	}
	return cfg, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError{"--log-level: " + err.Error()}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := serveConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		return err
	}
	log.Info("starting", "version", buildVersion(), "addr", cfg.Addr, "data", cfg.Data, "demo", cfg.Demo,
		"tls", cfg.TLSCert != "", "behind_tls_proxy", cfg.BehindTLSProxy, "frame_boards_from", cfg.FrameBoardsFrom)
	// The address first: a busy port must stop the start before the demo
	// rebuilds its file or a new shop's one-time password is shown.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // served, it is closed by the shutdown already
	scheme := "http"
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return usageError{"--tls-cert/--tls-key: " + err.Error()}
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	if cfg.Demo {
		// The demo day is built around today: start from a fresh file.
		if err := removeDemoFile(cfg.Data); err != nil {
			return err
		}
	}
	st, err := store.Open(cfg.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.Demo {
		if err := st.MarkDemo(); err != nil {
			return err
		}
	}

	clock := time.Now
	var sim *demo.Clock
	if cfg.Demo {
		sim = demo.NewClock(time.Now(), cfg.DemoSpeed)
		clock = sim.Now
	}
	state, err := server.Load(st, clock(), log)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if state, err = demo.Seed(st, state, clock(), access.NewHasher(0)); err != nil {
			return fmt.Errorf("seed the demo shop: %w", err)
		}
	}
	srv, err := server.New(st, state, clock, server.Options{Demo: cfg.Demo, Logger: log, Version: buildVersion(), CommandRate: commandRate(cfg.CommandRate),
		BehindTLSProxy: cfg.BehindTLSProxy, FrameBoardsFrom: cfg.FrameBoardsFrom})
	if err != nil {
		return err
	}
	defer srv.Close()
	eng := srv.Engine

	var demoToken, firstPassword string
	switch {
	case cfg.Demo:
		if demoToken, err = access.IssueToken(st, access.BySystem(clock()), demo.ManagerID, "demo scripts"); err != nil {
			return err
		}
	case len(state.Users) == 0:
		if firstPassword, err = firstAdmin(ctx, eng); err != nil {
			return err
		}
	}

	url := withScheme(localURL(ln.Addr()), scheme)
	if firstPassword != "" {
		// Before the line that says the server is up: whoever waits for
		// that line has the password by then.
		printFirstRun(stdout, url, firstAdminLogin, firstPassword)
	}
	fmt.Fprintf(stdout, "bayboard %s serving on %s (data: %s)\n", buildVersion(), url, cfg.Data)
	interfaces, err := net.InterfaceAddrs()
	if err != nil {
		log.Warn("listing the network addresses", "error", err)
	}
	lan := lanURLs(ln.Addr(), interfaces)
	for i := range lan {
		lan[i] = withScheme(lan[i], scheme)
	}
	printLAN(stdout, ln.Addr(), lan)
	if cfg.Demo {
		// The bay's link is printed as its QR code would carry it: on the
		// shop's network when the machine is on one.
		kioskBase := url
		if len(lan) > 0 {
			kioskBase = lan[0]
		}
		printDemo(stdout, url, demoToken, cfg.DemoSpeed, kiosk.URLs{Base: kioskBase, Tokens: srv.Tokens}.Bay(firstBay(eng.State())))
		simulator := demo.NewSimulator(eng, sim, log)
		go simulator.Run(ctx)
	}
	// The shop loaded and the server is built: this start succeeded, and
	// the file a restore replaced is no longer needed to go back.
	if removed, err := store.RemoveReplaced(cfg.Data); err != nil {
		log.Warn("removing the file a restore replaced", "error", err)
	} else if len(removed) > 0 {
		log.Info("removed the file a restore replaced", "files", removed)
	}
	go sweep(ctx, st, time.Now, log) // sessions live in real time, whatever the demo clock says
	return serveUntil(ctx, log, ln, srv)
}

// serving is what serveUntil runs: a store's server or a group's.
type serving interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

// serveUntil serves on ln until the server fails or ctx ends (a signal),
// then shuts it down, letting answers under way finish for ShutdownGrace.
func serveUntil(ctx context.Context, log *slog.Logger, ln net.Listener, srv serving) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Warn("shutdown", "error", err)
	}
	return nil
}

// removeDemoFile clears the demo's file for a fresh day. It removes only a
// file the demo marked as its own, so a real shop's file named by mistake
// is refused, never lost.
func removeDemoFile(path string) error {
	if strings.TrimSuffix(path, ".db") == strings.TrimSuffix(DefaultData, ".db") {
		return usageError{"the demo will not use the real shop's data file " + path}
	}
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		return os.Remove(path) // an empty file holds nothing to lose
	}
	// A file another bayboard holds is never removed, not even the demo's
	// own: a second demo would pull the file from under the first.
	demo, err := store.IsDemoFile(path)
	if errors.Is(err, store.ErrLocked) {
		return err
	}
	// Demo files written before the mark existed are known by their name.
	if !sameFile(path, DefaultDemoData) {
		if err != nil {
			return fmt.Errorf("the demo rebuilds its data file at each start: %w", err)
		}
		if !demo {
			return usageError{"the demo rebuilds its data file at each start and will not replace " + path + ", which is not a demo shop's file; name another file with --data"}
		}
	}
	return os.Remove(path)
}

// sameFile reports whether two paths name the same file, as far as their
// text tells.
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// firstAdminLogin is the login of a new shop's manager.
const firstAdminLogin = "admin"

// firstAdmin creates the manager account of a new shop with a random
// password, to be shown once on the console and changed at the first
// sign-in.
func firstAdmin(ctx context.Context, eng *engine.Engine) (string, error) {
	password := access.NewPassword()
	_, err := eng.Do(ctx, shop.Actor{System: true}, &shop.PutUser{User: shop.User{
		Login: firstAdminLogin, Name: "Administrator", Roles: []shop.Role{shop.RoleManager},
		PasswordHash: access.NewHasher(0).Hash(password), Active: true, MustChangePassword: true}})
	if err != nil {
		return "", err
	}
	return password, nil
}

// printFirstRun tells whoever starts a new shop how to sign in and where
// the pages are, as the demo's printout does. url is where this machine
// is served; the pages' addresses are built on it.
func printFirstRun(w io.Writer, url, login, password string) {
	fmt.Fprintf(w, `
New shop: created the manager account.
  login:    %s
  password: %s
This is the only time the password is shown; the first sign-in asks for a new one.
Pages:
  %[3]s/admin   set the shop up (bays, teams, technicians, users, printers, catalogue, screens)
  %[3]s/desk    the service advisors' desk
  %[3]s/board   the boards: open it on each TV and pair it in the admin

`, login, password, url)
}

// withScheme gives an http:// address the scheme the server speaks.
func withScheme(u, scheme string) string { return scheme + strings.TrimPrefix(u, "http") }

func localURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// lanURLs are the addresses the shop's phones, PCs and TVs open the
// server at: the port on each of the machine's addresses (interfaces)
// that is neither loopback nor link-local, IPv4 first, or on the one
// address the server listens on. A server listening on loopback only has
// none.
func lanURLs(listen net.Addr, interfaces []net.Addr) []string {
	host, port, err := net.SplitHostPort(listen.String())
	if err != nil {
		return nil
	}
	listenIP := net.ParseIP(host)
	usable := func(ip net.IP) bool {
		return ip != nil && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() && !ip.IsUnspecified() && !ip.IsMulticast()
	}
	if listenIP != nil && !listenIP.IsUnspecified() {
		if !usable(listenIP) {
			return nil
		}
		return []string{"http://" + net.JoinHostPort(listenIP.String(), port)}
	}
	// 0.0.0.0 serves IPv4 only; "::" (and an empty host) both.
	v4Only := listenIP != nil && listenIP.To4() != nil
	var v4, v6 []string
	for _, a := range interfaces {
		var ip net.IP
		switch a := a.(type) {
		case *net.IPNet:
			ip = a.IP
		case *net.IPAddr:
			ip = a.IP
		}
		if !usable(ip) {
			continue
		}
		u := "http://" + net.JoinHostPort(ip.String(), port)
		if ip.To4() != nil {
			v4 = append(v4, u)
		} else if !v4Only {
			v6 = append(v6, u)
		}
	}
	return append(v4, v6...)
}

// printLAN lists the pages' addresses on the shop's network: what to type
// on a phone or a TV, and what the QR codes carry when a page opened at
// that address prints them (or when it is set as the base URL).
func printLAN(w io.Writer, listen net.Addr, lan []string) {
	if len(lan) == 0 {
		host, _, _ := net.SplitHostPort(listen.String())
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			fmt.Fprintf(w, "Listening on %s only: the shop's phones and TVs cannot reach this server (serve the network with --addr :8080).\n", host)
			return
		}
		fmt.Fprintln(w, "This machine has no network address besides its own (localhost): the shop's phones and TVs cannot reach it yet.")
		return
	}
	fmt.Fprintln(w, "On the shop's network, open (QR codes printed from a page opened there carry its address):")
	for _, u := range lan {
		fmt.Fprintf(w, "  %[1]s/desk   %[1]s/admin   %[1]s/board\n", u)
	}
}

func printDemo(w io.Writer, url, token string, speed float64, bayKiosk string) {
	fmt.Fprintf(w, `
DEMO SHOP — not a real shop's data. The simulated day runs %s× faster than the clock.
Sign in at %s with any of (password "demo-password" for staff, PIN 1234 for technicians):
`, strconv.FormatFloat(speed, 'f', -1, 64), url)
	for _, s := range demo.SignIns {
		fmt.Fprintf(w, "  %-14s %s\n", s.Login, s.Role)
	}
	fmt.Fprintf(w, "Pages: %[1]s/desk (advisors), %[1]s/admin (manager), %[1]s/board (the TVs), %[1]s/k/parts (parts counter).\n", url)
	fmt.Fprintf(w, "A bay's kiosk, as its QR code opens it (sign in with badge B1002, PIN 1234):\n  %s\n", bayKiosk)
	fmt.Fprintf(w, "API token for scripts (Authorization: Bearer …):\n  %s\n\n", token)
}

// firstBay is the bay the demo's printout opens a kiosk for.
func firstBay(st *shop.State) string {
	first := ""
	for id := range st.Bays {
		if first == "" || id < first {
			first = id
		}
	}
	return first
}

// sweep clears expired sessions once an hour.
func sweep(ctx context.Context, st access.Store, clock func() time.Time, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := access.SweepSessions(st, clock()); err != nil {
				log.Warn("sweeping sessions", "error", err)
			} else if n > 0 {
				log.Info("expired sessions removed", "count", n)
			}
		}
	}
}

// commandRate is the server's rate for the flag's: the flag's 0 is off.
func commandRate(flag float64) float64 {
	if flag == 0 {
		return -1
	}
	return flag
}
