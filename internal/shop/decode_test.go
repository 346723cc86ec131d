package shop

import (
	"errors"
	"testing"
)

// JSON is read strictly: a key given twice and a field name in another case
// are refused with the field named, at any depth; what encoding/json alone
// accepts for them is not.
func TestDecodeRefusesDuplicateKeysAndOtherCase(t *testing.T) {
	cases := map[string]string{
		`{"type":"submit","job_id":"a","job_id":"b"}`:                            "job_id",
		`{"type":"put_user","type":"submit","job_id":"a"}`:                       "type",
		`{"type":"submit","Job_ID":"a"}`:                                         "Job_ID",
		`{"TYPE":"submit","job_id":"a"}`:                                         "TYPE",
		`{"type":"put_customer","customer":{"name":"张","Name":"李","phone":"1"}}`: "customer.Name",
		`{"type":"put_customer","customer":{"name":"张","name":"李","phone":"1"}}`: "customer.name",
		`{"type":"open_job","customer_id":"c","vehicle_id":"v","requests":"r","promised_at":"2026-11-23T15:00:00Z","labour":[{"name":"a","Price":1}]}`:         "labour[0].Price",
		`{"type":"open_job","customer_id":"c","vehicle_id":"v","requests":"r","promised_at":"2026-11-23T15:00:00Z","walk_around":{"damage":"a","damage":"b"}}`: "walk_around.damage",
	}
	for in, field := range cases {
		_, err := DecodeCommand([]byte(in))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid || len(e.Fields) == 0 || e.Fields[0].Field != field {
			t.Errorf("%s: got %v, want %s refused", in, err, field)
		}
	}
	// The same keys in different objects are no duplicate.
	ok := `{"type":"open_job","customer_id":"c","vehicle_id":"v","requests":"r","promised_at":"2026-11-23T15:00:00Z","labour":[{"name":"a","price":1},{"name":"b","price":2}]}`
	if _, err := DecodeCommand([]byte(ok)); err != nil {
		t.Fatalf("two lines with the same keys: %v", err)
	}
}
