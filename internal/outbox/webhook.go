package outbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// BodyVersion is the version of the webhook body's schema (docs/API.md,
// "Webhooks"): a change a receiver could trip on gets a new one.
const BodyVersion = 1

// Body is the JSON a webhook receives for one event.
type Body struct {
	// ID is "<instance>-<event seq>": the same on every try of the same
	// event, so a receiver drops duplicates by it.
	ID      string          `json:"id"`
	Version int             `json:"version"`
	Type    string          `json:"type"`
	At      time.Time       `json:"at"`
	JobID   string          `json:"job_id,omitempty"`
	Subject string          `json:"subject"`
	Data    json.RawMessage `json:"data"`
}

// DeliveryID is the id of an event's deliveries from one shop.
func DeliveryID(instance string, seq uint64) string {
	return instance + "-" + strconv.FormatUint(seq, 10)
}

// NewBody is the webhook body of an event.
func NewBody(instance string, ev shop.Event) Body {
	data := ev.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	return Body{ID: DeliveryID(instance, ev.Seq), Version: BodyVersion, Type: ev.Type, At: ev.At.UTC(), JobID: ev.JobID, Subject: ev.Subject, Data: data}
}

// Sign is the Bayboard-Signature header of a body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>", as Stripe
// signs its webhooks.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Bayboard-Signature header against a body, as a receiver
// would: the MAC must match and the time be within tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("malformed signature header")
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return fmt.Errorf("signature does not match")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signature is too old")
	}
	return nil
}

// InstanceID names this shop's data file in delivery ids: derived from the
// shop's secret, so it is stable across restarts and says nothing of it.
func InstanceID(shopSecret []byte) string {
	m := hmac.New(sha256.New, shopSecret)
	m.Write([]byte("bayboard outbox instance"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}
