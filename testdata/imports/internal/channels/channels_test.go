package channels_test

// The package's own tests may start go-smtp's server.
import _ "github.com/emersion/go-smtp"
