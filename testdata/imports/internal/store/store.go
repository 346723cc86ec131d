// Package store keeps to the rules: bbolt is its own.
package store

import _ "go.etcd.io/bbolt"
