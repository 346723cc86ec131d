// Package jetstream is bayboard's link to a dealer group's NATS JetStream
// (issue 17): connecting with the link's credentials, making sure the
// group's stream exists, publishing a store's events with their message
// ids (so a re-publish is stored once) and consuming every store's
// subject in stream order through a durable consumer.
//
// It is the only package that imports github.com/nats-io/nats.go. It knows
// nothing of the shop: a message is an id, a subject and bytes. Its sibling
// natstest starts real nats-server instances inside tests.
package jetstream
