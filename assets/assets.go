// Package assets holds the static files of the agent PWA (stylesheet and
// icons). They are compiled into the server binary, so a deployment is one
// file plus the WebAssembly build output; backend/web serves them under /web/.
package assets

import (
	"embed"
	"io/fs"
)

//go:generate go run genicons.go

//go:embed *.css *.png *.svg *.txt
var files embed.FS

// FS is the asset tree. Names are relative (app.css, icon-192.png, ...) and
// are served at /web/<name>.
var FS fs.FS = files
