// Package board drives the live screens of the shop: the workshop wall
// board, the lounge TV, the appointment board, the parts counter, the wash
// queue and the advisor's job list. Each is a view computed here, on the
// server, from the shop's state, and what a view may carry is decided here
// too: the lounge view is built from customer-safe fields only, so no name,
// phone, full plate, price or note can reach it by accident.
//
// The Hub keeps every view's last frame, numbers its changes (seq, within
// an epoch that changes when the server restarts) and keeps the latest
// changes in a bounded ring, so a screen that reconnects is replayed what it
// missed, or sent a fresh snapshot when the ring no longer has it. Each
// connected screen has one writer goroutine and a bounded queue; a screen
// that cannot keep up is dropped rather than allowed to hold up the others,
// and one encoded message is shared by every screen of a view.
//
// The package knows a small connection interface (Conn), not fiber or any
// websocket library: internal/web upgrades the request and hands the
// connection over. It must not change the shop; it only reads it.
package board
