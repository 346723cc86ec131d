package channels

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Message is one message to deliver, as the outbox hands it to a sender.
// A sender uses the fields its channel knows: SMS sends the template
// named by Template with Params (the text is the template's, registered
// with Alibaba Cloud); e-mail sends Subject and Text.
type Message struct {
	// ID identifies the message for good: SMS passes it as OutId and
	// e-mail as its Message-ID, so a receiver can drop duplicates when the
	// outbox delivers the same message twice.
	ID string
	// To is a mainland mobile number for SMS, an e-mail address for
	// e-mail.
	To string
	// Subject and Text are the e-mail's subject and plain-text body.
	Subject string
	Text    string
	// Template is the message's kind (booking_confirmation, car_ready, …):
	// SMS maps it to the template code the shop registered for it.
	Template string
	// Params fill the SMS template's variables.
	Params map[string]string
}

// Sender delivers one message, once, within ctx.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Error is a failed send: the channel, a stable code (the gateway's own
// code where it gave one), a message for the admin, and whether the
// failure is permanent. It never holds a secret.
type Error struct {
	Channel string
	// Code is Alibaba Cloud's code (isv.MOBILE_NUMBER_ILLEGAL), the SMTP
	// reply code with the step that got it (rcpt 550), or one of ours
	// (invalid_phone, timeout, unreachable, bad_answer, auth, …).
	Code    string
	Message string
	// permanent says that sending the same message again cannot succeed:
	// the number or address cannot receive, or the message itself is
	// refused. A failure that a change of settings can cure (a wrong key
	// or password) is not permanent, so the backlog drains once it is
	// fixed.
	permanent bool
	// recipient says that the failure is this recipient's alone, for a
	// while (the gateway's limit on one number, a mailbox greylisting its
	// sender): another customer's message would go now.
	recipient bool
	err       error
}

func (e *Error) Error() string {
	kind := "temporary"
	if e.permanent {
		kind = "permanent"
	}
	text := e.Channel + ": " + e.Code + " (" + kind + ")"
	if e.Message != "" {
		text += ": " + e.Message
	}
	return text
}

// Unwrap gives the underlying error (a context's deadline, a network
// error), for errors.Is.
func (e *Error) Unwrap() error { return e.err }

// Permanent says whether err is a send that can never succeed as it is:
// the outbox gives it up (a dead letter) rather than retrying it. Any
// other error, ours or not, is taken as worth a retry.
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.permanent
}

// RecipientOnly says whether err is a temporary failure of this
// recipient alone: the outbox retries it later and lets other customers'
// messages go meanwhile, rather than holding the channel behind it.
func RecipientOnly(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.recipient
}

// Secret is a password or key: it prints as a mask in every fmt verb, so a
// config printed with %v or %+v, or logged, never shows it. Reveal gives
// the value to the code that signs or authenticates with it.
type Secret string

// mask is what a Secret prints as.
const mask = "[secret]"

// Format prints the mask whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, mask) }

// String is the mask, for callers that ask for a string.
func (Secret) String() string { return mask }

// GoString is the mask, for %#v.
func (Secret) GoString() string { return mask }

// Reveal is the secret's value.
func (s Secret) Reveal() string { return string(s) }

// Both senders are Senders.
var (
	_ Sender = (*SMS)(nil)
	_ Sender = (*Email)(nil)
)
