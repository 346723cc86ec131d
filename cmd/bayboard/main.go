// Command bayboard is the shop-floor server of a service workshop.
//
//	bayboard serve [--addr :8080] [--data ./bayboard.db] [--demo]
//	bayboard backup  --data FILE --out BACKUP   (or --url with a token)
//	bayboard restore --data FILE BACKUP
//	bayboard version
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the shop's time zone without the host's zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
