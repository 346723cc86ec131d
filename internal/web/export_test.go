package web

// RoutesAgainstDocs is routesAgainstDocs for the package's outside tests
// (the group's pages check their own table with it).
var RoutesAgainstDocs = routesAgainstDocs
