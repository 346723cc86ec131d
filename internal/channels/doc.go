// Package channels sends one message to a customer or a shop by SMS
// (Alibaba Cloud's dysmsapi SendSms, signed as its RPC API documents) or by
// e-mail (SMTP with STARTTLS or implicit TLS, and AUTH). Both satisfy
// Sender, and every error they return says through Permanent whether
// sending the same message again can help, so that the outbox's worker
// knows to retry or to give up.
//
// The package keeps no queue, reads no settings and writes no log: the
// caller passes the settings in, decides when to retry and records the
// outcome. Secrets (the access key secret, the SMTP password) are held as
// Secret, which prints as a mask in every format, and never enter an error.
// It imports nothing of ours.
package channels
