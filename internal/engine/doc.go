// Package engine holds the live shop and is the one way to change it. It
// applies commands to a draft of the published state in batches, has the
// store commit each batch durably in one transaction (a group commit), and
// only then publishes the new state, answers the callers and tells the
// subscribers (the boards). A caller is answered after its change is on
// disk, never before; a command that fails changes nothing.
//
// Readers take the published state with State(): it is never changed in
// place, so no lock is needed to read it.
package engine
