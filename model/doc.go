// Package model holds the types that cross the wire between the Frontdesk
// backend, the agent PWA and the visitor widget.
//
// It is compiled into both WebAssembly binaries, so it must stay free of
// database, driver and server code: a test in this package fails the build
// if it ever pulls one in. Keep its imports to the standard library's small
// corners (time, strings, errors, fmt).
package model
