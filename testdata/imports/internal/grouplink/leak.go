// Package grouplink reaches past internal/jetstream to the NATS client,
// and uses the tests' NATS server in its code.
package grouplink

import (
	_ "bayboard/internal/jetstream"
	_ "bayboard/internal/jetstream/natstest"
	_ "github.com/nats-io/nats.go"
)
