//go:build js && wasm

package dom

import "syscall/js"

// Time is kept in milliseconds from the browser's clocks, and waits are
// the browser's timers: package time costs the WebAssembly 40 KB of brotli
// on its own.

// Now is the browser's monotonic clock (performance.now), in milliseconds.
func Now() float64 { return performance.Call("now").Float() }

// DateNow is the wall clock (Date.now), in milliseconds since 1970.
func DateNow() float64 { return Window.Get("Date").Call("now").Float() }

var performance = Window.Get("performance")

// Timer is a pending After.
type Timer struct {
	id js.Value
	fn js.Func
}

// After calls f on the browser's event loop once ms milliseconds have
// passed. f must not block: hand work to a goroutine or a job queue.
func After(ms int, f func()) *Timer {
	t := &Timer{}
	t.fn = js.FuncOf(func(js.Value, []js.Value) any {
		t.done()
		f()
		return nil
	})
	t.id = Window.Call("setTimeout", t.fn, ms)
	return t
}

// Stop cancels the call if it has not happened.
func (t *Timer) Stop() {
	if t == nil || t.id.IsUndefined() {
		return
	}
	Window.Call("clearTimeout", t.id)
	t.done()
}

func (t *Timer) done() {
	t.fn.Release()
	t.id = js.Undefined()
}

// Sleep blocks the calling goroutine for ms milliseconds. Like Await, it
// must not be called from a js.Func callback.
func Sleep(ms int) {
	done := make(chan struct{})
	After(ms, func() { close(done) })
	<-done
}
