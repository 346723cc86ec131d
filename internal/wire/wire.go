// Package wire encodes what the server sends to the pages and to API
// clients as JSON.
//
// It is encoding/json's output with one difference: a nil slice is written
// as [] and a nil map as {}, never as null. In Go an empty list is often a
// nil slice, and a page that reads `job.parts.reduce(…)` or
// `queue.length` must never meet null where a list belongs; closing that
// here, for every type at once, spares each endpoint and each struct from
// remembering it. It is the only package that imports the JSON library it
// uses (the form encoding/json/v2 takes outside the standard library), so
// moving to the standard library's v2 is a change here alone.
//
// The store does not use it: what is kept on disk is read back by Go,
// where a nil slice and an empty one are the same.
package wire

import (
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// options are encoding/json's behaviour (field names, omitempty, string
// escaping, time format) with lists and maps never null.
var options = jsonv2.JoinOptions(
	jsonv1.DefaultOptionsV1(),
	jsonv2.FormatNilSliceAsNull(false),
	jsonv2.FormatNilMapAsNull(false),
)

// Marshal encodes v as JSON, empty lists as [] and empty maps as {}.
func Marshal(v any) ([]byte, error) { return jsonv2.Marshal(v, options) }
