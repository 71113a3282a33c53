//go:build js && wasm

package dom

import (
	"errors"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/wire"
)

// The widget's JSON is parsed and written by the browser (JSON.parse,
// JSON.stringify): encoding/json and the reflection it needs would be a
// quarter of the WebAssembly. Package wire reads the parsed values.

var jsonObj = Window.Get("JSON")

var errNotJSON = errors.New("not JSON")

// Parse parses text (a JavaScript string) as JSON.
func Parse(text js.Value) (v wire.Value, err error) {
	defer func() {
		if recover() != nil { // JSON.parse threw
			v, err = Value{js.Undefined()}, errNotJSON
		}
	}()
	if text.Type() != js.TypeString {
		return Value{js.Undefined()}, errNotJSON
	}
	return Value{jsonObj.Call("parse", text)}, nil
}

// Stringify writes v as JSON. Maps, slices, strings, numbers and booleans
// convert as js.ValueOf converts them.
func Stringify(v map[string]any) string {
	return jsonObj.Call("stringify", v).String()
}

// Value is a parsed JSON value: wire.Value over a js.Value.
type Value struct{ v js.Value }

func (j Value) Get(key string) wire.Value {
	if j.v.Type() != js.TypeObject {
		return Value{js.Undefined()}
	}
	return Value{j.v.Get(key)}
}

func (j Value) Len() int {
	if j.v.Type() != js.TypeObject || !isArray(j.v) {
		return 0
	}
	return j.v.Length()
}

func (j Value) Index(i int) wire.Value { return Value{j.v.Index(i)} }

func (j Value) Keys() []string {
	if j.v.Type() != js.TypeObject || isArray(j.v) {
		return nil
	}
	keys := Window.Get("Object").Call("keys", j.v)
	out := make([]string, keys.Length())
	for i := range out {
		out[i] = keys.Index(i).String()
	}
	return out
}

func (j Value) Str() string {
	if j.v.Type() != js.TypeString {
		return ""
	}
	return j.v.String()
}

func (j Value) Int() int64 {
	if j.v.Type() != js.TypeNumber {
		return 0
	}
	return int64(j.v.Float())
}

func (j Value) Bool() bool { return j.v.Type() == js.TypeBoolean && j.v.Bool() }

func (j Value) Exists() bool { return !j.v.IsUndefined() && !j.v.IsNull() }

var arrayIsArray = Window.Get("Array").Get("isArray")

func isArray(v js.Value) bool { return arrayIsArray.Invoke(v).Bool() }
