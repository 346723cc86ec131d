package store

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketMeta       = []byte("meta")
	bucketRecords    = []byte("records")
	bucketEvents     = []byte("events")
	bucketJobEvents  = []byte("job_events")
	bucketOpenJobs   = []byte("open_jobs")
	bucketClosedJobs = []byte("closed_jobs")
	// bucketVehicleJobs indexes each vehicle's jobs, for the car's history.
	bucketVehicleJobs = []byte("vehicle_jobs")
	bucketAuth        = []byte("auth")
	bucketSetAside    = []byte("set_aside")

	// The access records' buckets, under bucketAuth.
	bucketSessions     = []byte("sessions")
	bucketTokens       = []byte("tokens")
	bucketDevices      = []byte("devices")
	bucketDeviceTokens = []byte("device_tokens")

	keySchemaVersion = []byte("schema_version")
	keySecret        = []byte("secret")
	keyDemo          = []byte("demo")

	// keyShopSettings is the one record of the settings kind.
	keyShopSettings = []byte("shop")
)

// present is the value of index keys: bbolt's Get cannot tell an empty
// value from a missing key, so indexes store one byte.
var present = []byte{1}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// records returns the bucket of one record kind, creating it when the
// transaction is writable.
func records(tx *bolt.Tx, kind string) *bolt.Bucket {
	root := tx.Bucket(bucketRecords)
	if b := root.Bucket([]byte(kind)); b != nil || !tx.Writable() {
		return b
	}
	b, _ := root.CreateBucket([]byte(kind))
	return b
}
