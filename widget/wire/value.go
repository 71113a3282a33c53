package wire

// Value is a parsed JSON value. The widget's is the browser's (dom.Parse);
// the tests' is encoding/json's. Reading a member of something that is not
// an object, or of the wrong kind, gives the zero value, as a missing
// member does: the server's answers are trusted to be well formed, and a
// field this widget does not know is simply not read.
type Value interface {
	// Get is the member key of an object.
	Get(key string) Value
	// Len is the number of elements of an array, 0 for anything else.
	Len() int
	// Index is the element i of an array.
	Index(i int) Value
	// Keys are the member names of an object.
	Keys() []string
	// Str is a string's value, "" for anything else.
	Str() string
	// Int is a number's value truncated to an integer, 0 for anything else.
	Int() int64
	// Bool is true for true only.
	Bool() bool
	// Exists reports whether the value is there and not null.
	Exists() bool
}

// List decodes an array with the element type's Decode method:
//
//	msgs := wire.List(v, (*wire.Message).Decode)
func List[T any](v Value, decode func(*T, Value)) []T {
	out := make([]T, v.Len())
	for i := range out {
		decode(&out[i], v.Index(i))
	}
	return out
}

// Strings decodes an array of strings.
func Strings(v Value) []string {
	out := make([]string, v.Len())
	for i := range out {
		out[i] = v.Index(i).Str()
	}
	return out
}

// Ints decodes an array of numbers.
func Ints(v Value) []int {
	out := make([]int, v.Len())
	for i := range out {
		out[i] = int(v.Index(i).Int())
	}
	return out
}

// StringMap decodes an object whose members are strings.
func StringMap(v Value) map[string]string {
	keys := v.Keys()
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = v.Get(k).Str()
	}
	return out
}

// set adds key to a request object unless value is its zero value: model's
// omitempty.
func set[T comparable](obj map[string]any, key string, value T) {
	var zero T
	if value != zero {
		obj[key] = value
	}
}
