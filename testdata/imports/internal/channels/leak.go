// Package channels breaks the rule that go-smtp is only its tests' mail
// server.
package channels

import _ "github.com/emersion/go-smtp"
