// Package kiosk holds what the shop floor scans: signed QR tokens for bays,
// jobs, badges and customers' links, and (as it grows) the technicians'
// kiosk flows and the customer's page. A token names one object for one
// purpose, is signed with the shop's secret and may expire; nothing in it
// is trusted before its signature checks.
package kiosk
