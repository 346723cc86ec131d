// Package shop is the domain of a service workshop: jobs and the stages they
// move through, bays, teams and technicians, appointments, parts requests,
// findings and the live ETA derived from them. The shop's opening hours
// (a week with lunch breaks, and closed days) are read through one
// Schedule, which adds working time to a moment: the ETA, the suggested
// promise, the KPIs' capacity and the demo's clock all use it.
//
// It is pure Go with no I/O and no clock reads: time is passed in, so the
// demo simulator and the tests can run a whole shop day in a second. Every
// change is a Command applied to a Draft of the State; a command either
// changes nothing and returns an error, or records its changes and the
// events that explain them. The store persists both in one transaction and
// only then is the draft published.
package shop
