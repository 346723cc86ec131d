package shop

import (
	"encoding/json"
	"strconv"
	"time"
)

// Dealer groups (issue 17). A store with a group link publishes its event
// log, in order, to the group's NATS JetStream, one subject per store;
// each message carries the event and the records it touched as they
// stand when published, cut to what the group's policy lets leave the
// store. The group keeps, per store, a replica of those records — a
// shop.State of its own, read-only — and computes its wall board, the
// stores' KPIs (ComputeKPIs) and the drill-down into one store's board
// from it, with the code the store uses.
//
// This file holds the contract both sides share: the link's settings and
// the message. The functions that build a message from a store's state
// and apply one to a replica live beside it (groupmessage.go).

// KindGroupLink is the store's group link (one record, id "link").
const KindGroupLink = "group_link"

// GroupLink is a store's link to its dealer group's NATS JetStream.
type GroupLink struct {
	// URLs are the group's NATS servers, "nats://host:4222", comma
	// separated (a cluster's nodes).
	URLs string `json:"urls"`
	// StoreID names the store in the group and in its subject: 1 to 32 of
	// a–z, 0–9 and "-".
	StoreID string `json:"store_id"`
	// Username, with Secret as its password; or Secret alone as a token.
	Username string `json:"username,omitempty"`
	// Contacts is the group's policy on customers' names and phone numbers:
	// false (the default) and none leaves the store.
	Contacts bool `json:"contacts"`
	// Active publishes; false keeps the link's settings and its cursor and
	// publishes nothing.
	Active bool `json:"active"`
	// Secret is the password or token: never in the record's JSON, kept
	// beside it in the data file as the webhooks' secrets are.
	Secret string `json:"-"`
}

// GroupMessageVersion is the version of GroupMessage's schema.
const GroupMessageVersion = 1

// GroupRecord is one record of the store as it leaves it: a kind
// (KindJob, KindVehicle, ...), its id, and its JSON as the group's policy
// cuts it. Removed says the store no longer has it in its live state (a
// job closed more than KeepClosed ago): the replica drops it.
type GroupRecord struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Data    json.RawMessage `json:"data,omitempty"`
	Removed bool            `json:"removed,omitempty"`
}

// GroupMessage is one message on a store's subject. Its JetStream message
// id is GroupMessageID(store, seq), so a message published twice (a
// restart before the ack was recorded) is stored once.
type GroupMessage struct {
	V     int    `json:"v"`
	Store string `json:"store"`
	// Epoch names the run of event numbers the message belongs to: a new
	// one starts with each snapshot the store's link makes from a cursor
	// it does not have (a new link, or a data file restored from a backup,
	// whose event numbers start again below what the group has). The group
	// takes a snapshot of a new epoch whatever its number, and no event of
	// an epoch it has left.
	Epoch string `json:"epoch"`
	// Seq is the store's event number; a snapshot carries the last event
	// number it includes.
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
	// Type, Subject and JobID are the event's; empty in a snapshot.
	Type    string `json:"type,omitempty"`
	Subject string `json:"subject,omitempty"`
	JobID   string `json:"job_id,omitempty"`
	// Snapshot marks a message that carries every record the group keeps
	// of the store (the first after a link is made, or after the store's
	// history was restored): the replica is replaced by it.
	Snapshot bool          `json:"snapshot,omitempty"`
	Records  []GroupRecord `json:"records"`
}

// GroupMessageID is the JetStream message id of a store's message: the
// store, the epoch and the event number ("bj-01:3f9a0c1e:1234"), so a
// restored store's new events are never taken for the old ones it
// numbered the same. A snapshot's names its time as well
// ("bj-01:3f9a0c1e:snap:1234:1764578400"): a quiet store's day-apart
// snapshots show the same event number, and each must be kept.
func GroupMessageID(m GroupMessage) string {
	if m.Snapshot {
		return m.Store + ":" + m.Epoch + ":snap:" + strconv.FormatUint(m.Seq, 10) + ":" + strconv.FormatInt(m.At.Unix(), 10)
	}
	return m.Store + ":" + m.Epoch + ":" + strconv.FormatUint(m.Seq, 10)
}
