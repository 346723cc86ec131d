// Package demo builds the demo shop — a Beijing 4S dealer's workshop with
// jobs in every stage — and a simulator that moves its day forward in
// accelerated time, so that everything built on top visibly lives. Nothing
// here runs for a real shop.
package demo
