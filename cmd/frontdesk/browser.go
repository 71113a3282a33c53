//go:build js && wasm

// This half of the frontdesk command is the agent PWA: built with
// GOOS=js GOARCH=wasm it becomes build/web/app.wasm, which the other half,
// the server, serves. Both halves register the same routes (app.Register)
// so the server can pre-render the pages the browser then takes over.
package main

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/app"
)

func main() {
	app.Register()
	goapp.RunWhenOnBrowser()
}
