// Package wire is the visitor WebAssembly's side of the JSON it exchanges
// with the server: the public API's requests and answers and the guest
// websocket's frames. The browser parses and writes the JSON (JSON.parse,
// JSON.stringify); this package only reads fields out of the parsed value
// and builds plain maps to be written. encoding/json, fmt and reflect are
// nearly half of a Go WebAssembly binary, and model, which the server and
// the agent app share, imports time and fmt: so the widget does not use
// them, and this package is the widget's copy of the wire types it needs.
//
// model stays the one definition of the wire format. wire_test.go fills
// each model type, lets encoding/json write it, reads it back through the
// matching wire type and compares every field by its model name; and
// builds each request here and decodes it into the model type with
// unknown fields refused. A wire type whose field reads the wrong key, or
// a request the server would not accept, fails there.
//
// # Adding a type or a field
//
// An answer (server → widget) is a struct whose fields are named as in
// model, with a Decode method that reads each from a Value:
//
//	type Rating struct {
//		Score   int64
//		Comment string
//	}
//
//	func (r *Rating) Decode(v Value) {
//		r.Score = v.Get("score").Int()
//		r.Comment = v.Get("comment").Str()
//	}
//
// Times stay RFC 3339 strings (the browser's Date and Intl read them), and
// enumerations stay strings with their values as constants here. A request
// (widget → server) has an Encode method that returns the JSON object as a
// map[string]any, leaving out what model marks omitempty. Then add the pair
// to the tables of wire_test.go (answers, requests); the test fails until
// both sides agree. A new endpoint needs nothing else: the widget's call
// helper takes a request's Encode() and a Decode method value:
//
//	var r wire.Rating
//	err := call("POST", path, wire.RateRequest{Score: 5}.Encode(), r.Decode)
//
// A body that is not JSON (a file the visitor attaches) should stay in the
// browser too: hand the File or Blob to fetch from widget/dom rather than
// copying its bytes into Go.
package wire
