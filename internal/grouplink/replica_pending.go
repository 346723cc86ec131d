package grouplink

import (
	"time"

	"bayboard/internal/shop"
)

// Until the replica part (branch i17-replica) merges, these stand for its
// (*shop.State).GroupMessage and GroupSnapshot, with their signatures: the
// message carries the event's type, subject and job and no records yet.
// This file is deleted at that merge and the calls go to the State's
// methods.

func groupMessage(s *shop.State, store string, ev shop.Event, contacts bool) shop.GroupMessage {
	return shop.GroupMessage{V: shop.GroupMessageVersion, Store: store, Seq: ev.Seq, At: ev.At,
		Type: ev.Type, Subject: ev.Subject, JobID: ev.JobID, Records: []shop.GroupRecord{}}
}

func groupSnapshot(s *shop.State, store string, seq uint64, at time.Time, contacts bool) shop.GroupMessage {
	return shop.GroupMessage{V: shop.GroupMessageVersion, Store: store, Seq: seq, At: at, Snapshot: true, Records: []shop.GroupRecord{}}
}
