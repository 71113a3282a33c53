//go:build js && wasm

package dom

import (
	"errors"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/wire"
)

// Socket is a browser WebSocket carrying text frames.
//
// The widget does not use github.com/coder/websocket here although it wraps
// this same browser API: in a js/wasm build it imports net/http, which took
// the widget from about 0.8 to over 1.2 MiB brotli, past its 1 MB budget.
type Socket struct {
	ws    js.Value
	funcs []js.Func
}

// SocketHandlers are called on the browser's event loop; they must not
// block.
type SocketHandlers struct {
	Open func()
	// Message gets each text frame parsed as JSON; frames that are not
	// JSON are dropped (the server sends none).
	Message func(frame wire.Value)
	// Close is called once, however the connection ended (including a
	// failure to connect).
	Close func(code int)
}

// Dial opens a WebSocket to url.
func Dial(url string, h SocketHandlers) (s *Socket, err error) {
	defer func() {
		// The constructor throws on a malformed URL or a forbidden port.
		if r := recover(); r != nil {
			s, err = nil, errors.New("websocket "+url+": refused by the browser")
		}
	}()
	s = &Socket{ws: Window.Get("WebSocket").New(url)}
	s.on("open", func(js.Value) { h.Open() })
	s.on("message", func(ev js.Value) {
		if data := ev.Get("data"); data.Type() == js.TypeString {
			if v, err := Parse(data); err == nil {
				h.Message(v)
			}
		}
	})
	s.on("close", func(ev js.Value) {
		s.release()
		h.Close(ev.Get("code").Int())
	})
	return s, nil
}

// Send queues frame, written as JSON, and reports whether the socket was
// open.
func (s *Socket) Send(frame map[string]any) bool {
	if s.ws.Get("readyState").Int() != 1 {
		return false
	}
	s.ws.Call("send", Stringify(frame))
	return true
}

// Close closes the connection without calling the Close handler.
func (s *Socket) Close() {
	s.release()
	s.ws.Call("close", 1000)
}

func (s *Socket) on(typ string, fn func(js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(arg0(args))
		return nil
	})
	s.funcs = append(s.funcs, f)
	s.ws.Set("on"+typ, f)
}

func (s *Socket) release() {
	for _, typ := range []string{"open", "message", "close"} {
		s.ws.Set("on"+typ, js.Null())
	}
	for _, f := range s.funcs {
		f.Release()
	}
	s.funcs = nil
}
