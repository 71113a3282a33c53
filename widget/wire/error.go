package wire

// Error codes the widget branches on (model's, which the API documents).
const (
	CodeNotFound    = "not_found"
	CodeRateLimited = "rate_limited"
	CodeInternal    = "internal_error"
	CodeUnavailable = "unavailable"
	CodeSlotTaken   = "slot_taken"
)

// Error is the API's error, model.Error: {"error":{"code","message","fields"}}
// in an answer, or the error member of a websocket frame. Status is the
// HTTP status it came with (0 from the websocket).
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func (e *Error) Decode(v Value) {
	e.Code = v.Get("code").Str()
	e.Message = v.Get("message").Str()
	e.Fields = StringMap(v.Get("fields"))
}

// ErrorAnswer reads an error answer's envelope; nil when v is not one.
func ErrorAnswer(v Value, status int) *Error {
	ev := v.Get("error")
	if !ev.Exists() {
		return nil
	}
	e := &Error{Status: status}
	e.Decode(ev)
	if e.Code == "" {
		return nil
	}
	return e
}

// AsError finds an *Error in err's chain (errors.As without its
// reflection).
func AsError(err error) (*Error, bool) {
	for err != nil {
		if e, ok := err.(*Error); ok {
			return e, true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return nil, false
		}
		err = u.Unwrap()
	}
	return nil, false
}
