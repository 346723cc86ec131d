// Package grouplink is the store's side of its dealer group (issue 17):
// the publisher that streams the store's event log, in order, to the
// group's NATS JetStream while the manager's group link is active.
//
// It runs beside the engine, never inside a commit: it reads the events
// after its durable cursor from the data file, publishes a batch, waits
// for every ack and only then advances the cursor, each in its own small
// transaction. A link that is down costs the floor nothing: the publisher
// backs off (1 s doubling to a minute) and catches up by itself when the
// link returns, and JetStream's message ids drop what a crash made it
// publish twice. It reaches NATS through internal/jetstream only.
package grouplink
