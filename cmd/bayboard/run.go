package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"runtime/debug"
	"strings"
)

// version is set by the build (-ldflags "-X main.version=…"); otherwise the
// module's build info tells.
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return "dev-" + rev
		}
	}
	return "dev"
}

const usage = `bayboard — the shop-floor server of a service workshop

Usage:
  bayboard serve   [--addr :8080] [--data ./bayboard.db] [--demo] [--speed 30]
                   [--tls-cert FILE --tls-key FILE | --behind-tls-proxy]
                   [--frame-boards-from https://intranet.example.com,...]
  bayboard backup  [--data ./bayboard.db] --out FILE
  bayboard backup  --url http://host:8080 --token TOKEN --out FILE
  bayboard restore [--data ./bayboard.db] BACKUP
  bayboard health   [--url http://127.0.0.1:8080]
  bayboard watch   VIEW [--url http://127.0.0.1:8080] [--token TOKEN] [--json] [--once]
  bayboard group   --nats nats://host:4222[,…] [--nats-user USER] [--nats-secret-file FILE]
                   [--addr :8090] [--data ./group.db] [--consumer group-HOSTNAME]
                   [--replicas 1] [--behind-tls-proxy]
  bayboard version

These flags can also be set by environment variables: --addr BAYBOARD_ADDR,
--data BAYBOARD_DATA, --url BAYBOARD_URL, --token BAYBOARD_TOKEN, --log-level
BAYBOARD_LOG_LEVEL, --tls-cert BAYBOARD_TLS_CERT, --tls-key BAYBOARD_TLS_KEY,
--behind-tls-proxy BAYBOARD_BEHIND_TLS_PROXY=true, --frame-boards-from
BAYBOARD_FRAME_BOARDS_FROM; group's --nats BAYBOARD_NATS, --nats-user
BAYBOARD_NATS_USER, --nats-secret-file BAYBOARD_NATS_SECRET_FILE, --consumer
BAYBOARD_GROUP_CONSUMER, --addr BAYBOARD_GROUP_ADDR, --data BAYBOARD_GROUP_DATA,
--replicas BAYBOARD_GROUP_REPLICAS. A flag given wins over its variable. The demo keeps to
./bayboard-demo.db whatever BAYBOARD_DATA says.
`

// run is the whole program; main only wires the process to it, so tests
// can drive every subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		err = backupCmd(ctx, args[1:], getenv, stdout)
	case "restore":
		err = restoreCmd(args[1:], getenv, stdout)
	case "health":
		err = health(ctx, args[1:], getenv, stdout)
	case "watch":
		err = watch(ctx, args[1:], getenv, stdout)
	case "group":
		err = groupCmd(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "bayboard", buildVersion())
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "bayboard: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "bayboard %s: %v\n", args[0], err)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	fmt.Fprintf(stderr, "bayboard %s: %v\n", args[0], err)
	return 1
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// envDefault returns the environment's value for a flag, or def.
func envDefault(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}

func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
