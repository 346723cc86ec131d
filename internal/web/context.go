package web

// Handlers pass c.UserContext(), never c.Context(), to code that waits on
// a context: fasthttp's RequestCtx.Done reads server state that Shutdown
// writes without a lock, which the race detector reports.
