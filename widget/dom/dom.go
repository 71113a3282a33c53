//go:build js && wasm

// Package dom is the widget's thin layer over the browser, written on
// syscall/js alone: a UI toolkit (go-app) or net/http would multiply the
// size of a binary every visitor of a customer's website downloads.
//
// Functions that wait for the browser (Await, Fetch, Sleep) block the calling
// goroutine. They must not be called from inside a js.Func callback, which
// runs on the browser's event loop: the promise could never settle.
package dom

import (
	"errors"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/wire"
)

var (
	// Window and Document are the frame's globals.
	Window   = js.Global()
	Document = Window.Get("document")
)

// ByID returns the element with the given id, or null.
func ByID(id string) js.Value { return Document.Call("getElementById", id) }

// Create makes an element with the given class ("" for none).
func Create(tag, class string) js.Value {
	el := Document.Call("createElement", tag)
	if class != "" {
		el.Set("className", class)
	}
	return el
}

// SetText replaces el's content with s as text. Visitor and agent text only
// ever reaches the page this way (or as an attribute value), never as HTML.
func SetText(el js.Value, s string) { el.Set("textContent", s) }

// Show sets or removes the hidden attribute.
func Show(el js.Value, visible bool) { el.Set("hidden", !visible) }

// On calls fn for each event of type typ on target, for the life of the
// page.
func On(target js.Value, typ string, fn func(ev js.Value)) {
	target.Call("addEventListener", typ, js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(arg0(args))
		return nil
	}))
}

// Encode is encodeURIComponent.
func Encode(s string) string { return Window.Call("encodeURIComponent", s).String() }

// Random returns a number in [0, 1) for jitter; it is not for secrets.
func Random() float64 { return Window.Get("Math").Call("random").Float() }

// RandomHex returns n random bytes from crypto.getRandomValues as hex. Go's
// crypto/rand would reach the same source but adds its package tree to the
// binary.
func RandomHex(n int) string {
	buf := Window.Get("Uint8Array").New(n)
	Window.Get("crypto").Call("getRandomValues", buf)
	b := make([]byte, n)
	js.CopyBytesToGo(b, buf)
	const digits = "0123456789abcdef"
	out := make([]byte, 2*n)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// LocalGet reads localStorage, returning "" when the key is missing or
// storage is blocked (some browsers refuse it to third-party frames).
func LocalGet(key string) (v string) {
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	item := Window.Get("localStorage").Call("getItem", key)
	if item.Type() != js.TypeString {
		return ""
	}
	return item.String()
}

// LocalSet writes localStorage and reports whether it could.
func LocalSet(key, value string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	Window.Get("localStorage").Call("setItem", key, value)
	return true
}

// Await blocks until promise settles and returns its value or its
// rejection as an error.
func Await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsError(arg0(args))}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	promise.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

// NetworkError is a request that got no answer at all (or not all of it):
// the network is down, the server unreachable, or it took too long.
type NetworkError struct {
	Op    string // "GET /api/v1/…"
	Cause string // the browser's reason
}

func (e *NetworkError) Error() string { return e.Op + ": network error: " + e.Cause }

// IsNetwork reports whether err is a *NetworkError.
func IsNetwork(err error) bool {
	_, ok := err.(*NetworkError)
	return ok
}

// Fetch sends a same-origin request, with body (when not nil) written as
// JSON, and returns the answer's status and its body as parsed JSON (a
// Value that does not exist when the body is empty or not JSON). It gives
// up after 15 seconds. The body never crosses into Go as text: the browser
// writes and parses it.
func Fetch(method, url string, body map[string]any) (status int, answer wire.Value, err error) {
	headers := map[string]any{"Accept": "application/json"}
	init := map[string]any{
		"method":      method,
		"headers":     headers,
		"credentials": "same-origin",
		"cache":       "no-store",
		"signal":      Window.Get("AbortSignal").Call("timeout", 15000),
	}
	if body != nil {
		headers["Content-Type"] = "application/json"
		init["body"] = Stringify(body)
	}
	op := method + " " + url
	r, err := Await(Window.Call("fetch", url, init))
	if err != nil {
		return 0, nil, &NetworkError{Op: op, Cause: err.Error()}
	}
	text, err := Await(r.Call("text"))
	if err != nil {
		return 0, nil, &NetworkError{Op: op, Cause: "read answer: " + err.Error()}
	}
	v, _ := Parse(text)
	return r.Get("status").Int(), v, nil
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

func jsError(v js.Value) error {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return errors.New(v.Get("message").String())
	}
	return errors.New(v.Call("toString").String())
}

// Upload sends a File or Blob to url as the multipart field "file", with
// the browser's own FormData: the bytes never pass through Go. It answers
// like Fetch.
func Upload(url string, file js.Value) (status int, answer wire.Value, err error) {
	form := Window.Get("FormData").New()
	form.Call("append", "file", file, file.Get("name"))
	init := map[string]any{
		"method":      "POST",
		"headers":     map[string]any{"Accept": "application/json"},
		"credentials": "same-origin",
		"body":        form,
		"signal":      Window.Get("AbortSignal").Call("timeout", 120000),
	}
	op := "POST " + url
	r, err := Await(Window.Call("fetch", url, init))
	if err != nil {
		return 0, nil, &NetworkError{Op: op, Cause: err.Error()}
	}
	text, err := Await(r.Call("text"))
	if err != nil {
		return 0, nil, &NetworkError{Op: op, Cause: "read answer: " + err.Error()}
	}
	v, _ := Parse(text)
	return r.Get("status").Int(), v, nil
}
