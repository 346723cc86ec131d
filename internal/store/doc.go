// Package store keeps the shop in one bbolt file: the current state of every
// object, the append-only event history, and the small indexes that let the
// server start without replaying history. It is the only package that
// imports bbolt.
//
// The bucket tree:
//
//	meta/
//	    schema_version   uint64, big-endian
//	    secret           the shop's random secret (signing QR tokens, sessions)
//	    demo             1 in a demo shop's file, which the demo may rebuild
//	    group_cursor     GroupCursor JSON: the last event the dealer group's
//	                     stream acknowledged (grouplink.go)
//	records/
//	    <kind>/          one bucket per record kind (bays, jobs, users, …;
//	                     roster is keyed by date, made at its first write)
//	        <id>         the object as JSON (a user with its secrets' hashes,
//	                     which shop.User's own JSON leaves out: users.go;
//	                     a webhook with its signing secret, the same way)
//	events/
//	    <seq>            uint64 big-endian → event JSON; seq counts from 1
//	job_events/
//	    <job id>/
//	        <seq>        1: the events of one job, in order
//	open_jobs/
//	    <job id>         1: jobs not yet delivered or cancelled
//	closed_jobs/
//	    <closed at><id>  RFC 3339 time + job id → 1: closed jobs by time
//	vehicle_jobs/
//	    <vehicle id>/
//	        <job id>     1: every job of a vehicle, for the car's history
//	auth/                the access records (internal/access; access.go)
//	    sessions/
//	        <key>        access.Session JSON, keyed by its token's hash
//	    tokens/
//	        <key>        access.APIToken JSON, keyed by its token's hash
//	    devices/
//	        <id>         access.Device JSON: a screen, paired or waiting
//	    device_tokens/
//	        <key>        a screen's token hash → the screen's id
//	outbox/              the transactional outbox (outbox.go), made at its first write
//	    <destination id>/    a webhook's queue
//	        pending/
//	            <key>        uint64 big-endian, the destination's own sequence
//	                         → shop.OutboxEntry JSON {event_seq, tries, …};
//	                         written in the commit that writes its event,
//	                         removed only after the destination's 2xx
//	        dead/
//	            <key>        entries that failed every try, to retry or drop
//	        status           shop.OutboxStatus JSON: last success, last error
//	set_aside/           records a start could not read, kept whole (setaside.go)
//	    <kind>/
//	        <id> <time>  SetAside JSON: why, when, the record's bytes
//
// A file is checked before anything writes to it (check.go): Open,
// Restore and BackupFile read it read-only first and refuse a file that is
// not a complete bayboard data file or fails bbolt's consistency check,
// with a fault inside bbolt's memory map turned into an error.
//
// A dealer group's process (`bayboard group`) keeps another kind of file,
// its stores' replicas: OpenGroup, its tree drawn in group.go.
//
// Every change is written with its events in one transaction, and Commit
// (and Change, for a screen or token) returns only after that
// transaction is durably on disk.
package store
