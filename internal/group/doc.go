// Package group computes what a dealer group's pages show of its stores
// (issue 17): the wall board's row per store (Wall) and the stores' KPIs
// side by side per day, week or month (Compare). Each figure is the
// store's own code run on the store's replica — the workshop's counts
// (shop.State.Workshop: late and at risk by Progress, technicians free and
// on duty by the roster), the day's and the period's KPIs (shop's KPIs,
// ComputeKPIs) — so a group sees what the store's own board would show.
// Pure: no I/O, no clock (now is passed in); the replicas come from
// internal/store's group file.
package group
