// Package kiosk holds what the shop floor scans: signed QR tokens for bays,
// jobs, badges and customers' links; which actions a signed-in person may
// take on a job at its stage (the buttons of the job's kiosk page); and the
// customer's view of their car. A token names one object for one purpose,
// is signed with the shop's secret and may expire; nothing in it is
// trusted before its signature checks. The package does no I/O: the pages
// (assets/pages/kiosk) are served by internal/web, which asks it.
package kiosk
