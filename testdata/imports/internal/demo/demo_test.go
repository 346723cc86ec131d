package demo_test

// A test may import the HTTP layer to serve what it measures.
import _ "bayboard/internal/web"
