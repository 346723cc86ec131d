package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"bayboard/internal/jetstream"
	"bayboard/internal/server"
)

// GroupConfig is everything `bayboard group` is told, from flags and
// BAYBOARD_* variables. The NATS secret is read from a file, never taken
// on the command line, where every user of the machine could read it.
type GroupConfig struct {
	Addr       string
	Data       string
	NATS       string
	NATSUser   string
	SecretFile string
	// Consumer names this process's durable consumer: each group process
	// behind a load balancer has its own, so each applies every message
	// to its own file and one stopping takes nothing from the others.
	Consumer string
	Replicas int
	// KeepDays is how long the stream keeps a message (jetstream.Stream.Keep).
	KeepDays       int
	LogLevel       string
	BehindTLSProxy bool
}

const (
	// DefaultGroupAddr is beside a store's :8080, for a machine that runs
	// both in a trial.
	DefaultGroupAddr = ":8090"
	// DefaultGroupData is beside the binary, as a store's file is.
	DefaultGroupData = "./group.db"
	// DefaultGroupReplicas is one copy of the stream: a single NATS
	// server. A three-node cluster asks for 3.
	DefaultGroupReplicas = 1
	// GroupRetryEvery is how long the consumer waits before it consumes
	// again after its link failed (the connection itself reconnects).
	GroupRetryEvery = 2 * time.Second
)

func groupConfig(args []string, getenv func(string) string, stderr io.Writer) (GroupConfig, error) {
	fs := newFlags("group", stderr)
	cfg := GroupConfig{}
	host, _ := os.Hostname()
	fs.StringVar(&cfg.Addr, "addr", envDefault(getenv, "BAYBOARD_GROUP_ADDR", DefaultGroupAddr), "address to listen on (BAYBOARD_GROUP_ADDR)")
	fs.StringVar(&cfg.Data, "data", envDefault(getenv, "BAYBOARD_GROUP_DATA", DefaultGroupData), "the group's data file (BAYBOARD_GROUP_DATA)")
	fs.StringVar(&cfg.NATS, "nats", getenv("BAYBOARD_NATS"), "the group's NATS servers, nats://host:4222, comma separated (BAYBOARD_NATS)")
	fs.StringVar(&cfg.NATSUser, "nats-user", getenv("BAYBOARD_NATS_USER"), "the NATS user; without it the secret is a token (BAYBOARD_NATS_USER)")
	fs.StringVar(&cfg.SecretFile, "nats-secret-file", getenv("BAYBOARD_NATS_SECRET_FILE"), "a file holding the NATS password or token (BAYBOARD_NATS_SECRET_FILE)")
	fs.StringVar(&cfg.Consumer, "consumer", envDefault(getenv, "BAYBOARD_GROUP_CONSUMER", "group-"+consumerSafe(host)),
		"this process's durable consumer, one per group process (BAYBOARD_GROUP_CONSUMER; default group-HOSTNAME)")
	replicas := fs.String("replicas", envDefault(getenv, "BAYBOARD_GROUP_REPLICAS", strconv.Itoa(DefaultGroupReplicas)), "copies of the stream in the NATS cluster, 1 to 5")
	keep := fs.String("keep-days", envDefault(getenv, "BAYBOARD_GROUP_KEEP_DAYS", strconv.Itoa(int(jetstream.DefaultKeep/(24*time.Hour)))),
		"days the stream keeps the stores' messages, 2 to 3650: each store sends a snapshot a day (BAYBOARD_GROUP_KEEP_DAYS)")
	fs.StringVar(&cfg.LogLevel, "log-level", envDefault(getenv, "BAYBOARD_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.BoolVar(&cfg.BehindTLSProxy, "behind-tls-proxy", getenv("BAYBOARD_BEHIND_TLS_PROXY") == "true",
		"a reverse proxy or load balancer in front terminates TLS: cookies are Secure (BAYBOARD_BEHIND_TLS_PROXY=true)")
	if err := parse(fs, args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, usageError{"unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if cfg.NATS == "" {
		return cfg, usageError{"--nats names the group's NATS servers"}
	}
	var err error
	if cfg.Replicas, err = strconv.Atoi(*replicas); err != nil || cfg.Replicas < 1 || cfg.Replicas > 5 {
		return cfg, usageError{"--replicas must be 1 to 5"}
	}
	// A day and more: the stream always holds each store's last daily
	// snapshot, so a new group process finds every store whole.
	if cfg.KeepDays, err = strconv.Atoi(*keep); err != nil || cfg.KeepDays < 2 || cfg.KeepDays > 3650 {
		return cfg, usageError{"--keep-days must be 2 to 3650"}
	}
	if cfg.Consumer == "" || cfg.Consumer != consumerSafe(cfg.Consumer) {
		return cfg, usageError{"--consumer is letters, digits, '-' and '_'"}
	}
	return cfg, nil
}

// consumerSafe keeps what a JetStream consumer's name may hold.
func consumerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, s)
}

// readSecret reads the NATS secret from its file: the first line, trimmed.
func readSecret(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--nats-secret-file: %w", err)
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	return strings.TrimSpace(line), nil
}

func groupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := groupConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		return err
	}
	secret, err := readSecret(cfg.SecretFile)
	if err != nil {
		return err
	}
	// Logged without the secret.
	log.Info("starting the group", "version", buildVersion(), "addr", cfg.Addr, "data", cfg.Data, "nats", cfg.NATS,
		"nats_user", cfg.NATSUser, "secret", cfg.SecretFile != "", "consumer", cfg.Consumer, "replicas", cfg.Replicas, "keep_days", cfg.KeepDays)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, err := server.OpenGroup(ctx, cfg.Data, server.GroupOptions{Logger: log, BehindTLSProxy: cfg.BehindTLSProxy})
	if err != nil {
		return err
	}
	defer g.Close()
	password, err := g.FirstDirector()
	if err != nil {
		return err
	}
	url := localURL(ln.Addr())
	if password != "" {
		printFirstGroupRun(stdout, url, server.FirstDirectorLogin, password)
	}
	conn, err := jetstream.Connect(ctx, jetstream.Config{URLs: cfg.NATS, Username: cfg.NATSUser, Secret: secret, Name: "bayboard group " + cfg.Consumer})
	if err != nil {
		return fmt.Errorf("connect to NATS at %s: %w", cfg.NATS, err)
	}
	defer conn.Close()
	if err := conn.EnsureStream(ctx, jetstream.Stream{Replicas: cfg.Replicas, Keep: time.Duration(cfg.KeepDays) * 24 * time.Hour}); err != nil {
		return fmt.Errorf("the group's stream: %w", err)
	}
	fmt.Fprintf(stdout, "bayboard group %s serving on %s (data: %s, consumer: %s)\n", buildVersion(), url, cfg.Data, cfg.Consumer)
	go consumeGroup(ctx, conn, cfg.Consumer, g, log)
	return serveUntil(ctx, log, ln, g)
}

// consumeGroup runs the durable consumer until ctx ends, starting it again
// when it stops on an error: the group keeps serving what it has while its
// link is down, and catches up from its consumer when it is back.
func consumeGroup(ctx context.Context, conn *jetstream.Conn, consumer string, g *server.Group, log *slog.Logger) {
	for ctx.Err() == nil {
		err := conn.Consume(ctx, consumer, g.Handle)
		if ctx.Err() != nil {
			return
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("group consumer stopped; consuming again", "consumer", consumer, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(GroupRetryEvery):
		}
	}
}

// printFirstGroupRun tells whoever starts a new group how to sign in, as a
// new shop's printout does.
func printFirstGroupRun(w io.Writer, url, login, password string) {
	fmt.Fprintf(w, `
New group: created the director's account.
  login:    %s
  password: %s
This is the only time the password is shown; the first sign-in asks for a new one.
Pages:
  %[3]s/group/wall      the group wall board
  %[3]s/group/compare   the stores compared
  %[3]s/group/users     the group's users and the stores each sees

`, login, password, url)
}
