package wire_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// jsonValue is wire.Value over what encoding/json decodes into an any: the
// same shapes JSON.parse gives the widget in the browser.
type jsonValue struct{ v any }

func (j jsonValue) Get(key string) wire.Value {
	m, _ := j.v.(map[string]any)
	return jsonValue{m[key]}
}

func (j jsonValue) Len() int {
	a, _ := j.v.([]any)
	return len(a)
}

func (j jsonValue) Index(i int) wire.Value { return jsonValue{j.v.([]any)[i]} }

func (j jsonValue) Keys() []string {
	m, _ := j.v.(map[string]any)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func (j jsonValue) Str() string {
	s, _ := j.v.(string)
	return s
}

func (j jsonValue) Int() int64 {
	f, _ := j.v.(float64)
	return int64(f)
}

func (j jsonValue) Bool() bool   { return j.v == true }
func (j jsonValue) Exists() bool { return j.v != nil }

// parse is what the browser's JSON.parse gives the widget for v as the
// server writes it.
func parse(t *testing.T, v any) (wire.Value, any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return jsonValue{out}, out
}

// answer is a model type the server sends and the wire type the widget
// reads it into.
type answer struct {
	model  any                  // a pointer to a zero model value
	decode func(wire.Value) any // into the wire type, returned by value
}

func decodeAs[T any](decode func(*T, wire.Value)) func(wire.Value) any {
	return func(v wire.Value) any {
		var w T
		decode(&w, v)
		return w
	}
}

// answers lists every wire type the widget decodes, with its model type.
var answers = []answer{
	{&model.Message{}, decodeAs((*wire.Message).Decode)},
	{&model.Event{}, decodeAs((*wire.Event).Decode)},
	{&model.WidgetConfig{}, decodeAs((*wire.WidgetConfig).Decode)},
	{&model.AgentCard{}, decodeAs((*wire.AgentCard).Decode)},
	{&model.GuestConversation{}, decodeAs((*wire.GuestConversation).Decode)},
	{&model.Error{}, decodeAs((*wire.Error).Decode)},
	{&model.Meeting{}, decodeAs((*wire.Meeting).Decode)},
	{&model.SlotList{}, decodeAs((*wire.SlotList).Decode)},
	{&model.Booking{}, decodeAs((*wire.Booking).Decode)},
	{&model.GuestMeeting{}, decodeAs((*wire.GuestMeeting).Decode)},
	{&model.Attachment{}, decodeAs((*wire.Attachment).Decode)},
	{&model.Rating{}, decodeAs((*wire.Rating).Decode)},
}

// TestAnswersMatchModel fills each model type with distinct values, writes
// it with encoding/json as the server does, reads it through the wire type
// and compares each of the wire type's fields with the model field of the
// same name, by that field's JSON name. Then it does the same for the zero
// value (omitted and empty members).
func TestAnswersMatchModel(t *testing.T) {
	for _, a := range answers {
		typ := reflect.TypeOf(a.model).Elem()
		t.Run(typ.Name(), func(t *testing.T) {
			filled := reflect.New(typ)
			n := 0
			fill(filled.Elem(), &n)
			for _, m := range []reflect.Value{filled, reflect.New(typ)} {
				v, raw := parse(t, m.Interface())
				got := reflect.ValueOf(a.decode(v))
				compare(t, typ.Name(), got, raw, typ)
			}
		})
	}
}

// fill gives every field of v a value of its own, n counting.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(*n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 1, 9, *n%60, 30, 500, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	}
}

// jsonName is the member name of a model field; "" when it is not sent.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// compare checks the wire value got against raw, the JSON of a value of
// the model type mt.
func compare(t *testing.T, path string, got reflect.Value, raw any, mt reflect.Type) {
	t.Helper()
	if mt.Kind() == reflect.Pointer {
		mt = mt.Elem()
	}
	if got.Kind() == reflect.Pointer {
		if raw == nil {
			if !got.IsNil() {
				t.Errorf("%s: %v for a missing member", path, got.Interface())
			}
			return
		}
		if got.IsNil() {
			t.Errorf("%s: not read (%v)", path, raw)
			return
		}
		got = got.Elem()
	}
	switch got.Kind() {
	case reflect.Struct:
		obj, _ := raw.(map[string]any)
		for i := range got.NumField() {
			wf := got.Type().Field(i)
			mf, ok := mt.FieldByName(wf.Name)
			if !ok {
				t.Errorf("%s.%s: %s has no such field", path, wf.Name, mt)
				continue
			}
			key := jsonName(mf)
			if key == "" {
				continue // not on the wire (model.Error.Status)
			}
			compare(t, path+"."+key, got.Field(i), obj[key], mf.Type)
		}
	case reflect.Slice:
		arr, _ := raw.([]any)
		if got.Len() != len(arr) {
			t.Errorf("%s: %d elements, want %d", path, got.Len(), len(arr))
			return
		}
		for i := range arr {
			compare(t, path+"["+strconv.Itoa(i)+"]", got.Index(i), arr[i], mt.Elem())
		}
	case reflect.Map:
		obj, _ := raw.(map[string]any)
		if got.Len() != len(obj) {
			t.Errorf("%s: %d members, want %d", path, got.Len(), len(obj))
		}
		for k, v := range obj {
			compare(t, path+"."+k, got.MapIndex(reflect.ValueOf(k)), v, mt.Elem())
		}
	case reflect.String:
		want, _ := raw.(string)
		if got.String() != want {
			t.Errorf("%s = %q, want %q", path, got.String(), want)
		}
	case reflect.Int, reflect.Int64:
		want, _ := raw.(float64)
		if got.Int() != int64(want) {
			t.Errorf("%s = %d, want %v", path, got.Int(), want)
		}
	case reflect.Bool:
		if got.Bool() != (raw == true) {
			t.Errorf("%s = %v, want %v", path, got.Bool(), raw)
		}
	default:
		t.Errorf("%s: no comparison for %s", path, got.Kind())
	}
}

func ptr[T any](v T) *T { return &v }

// TestRequestsMatchModel writes each request the widget sends and decodes
// it as the server does, into the model type with unknown members refused.
func TestRequestsMatchModel(t *testing.T) {
	tests := []struct {
		name string
		req  interface{ Encode() map[string]any }
		want any // a pointer to the model value the server must read
	}{
		{"start conversation", wire.StartConversation{VisitorToken: "v", Name: "Gina", Email: "g@example.com", Language: "it"},
			&model.StartConversation{VisitorToken: "v", Name: "Gina", Email: "g@example.com", Language: "it"}},
		{"start conversation, no language", wire.StartConversation{VisitorToken: "v"},
			&model.StartConversation{VisitorToken: "v"}},
		{"message frame", wire.Event{Type: wire.EventMessage, ClientID: "c1", Message: &wire.Message{Body: "Hi"}},
			&model.Event{Type: model.EventMessage, ClientID: "c1", Message: &model.Message{Body: "Hi"}}},
		{"message frame with files", wire.Event{Type: wire.EventMessage, ClientID: "c2", Message: &wire.Message{AttachmentIDs: []int64{4, 5}}},
			&model.Event{Type: model.EventMessage, ClientID: "c2", Message: &model.Message{AttachmentIDs: []int64{4, 5}}}},
		{"rating", wire.RatingInput{Score: 4, Comment: "Quick"}, &model.RatingInput{Score: 4, Comment: "Quick"}},
		{"transcript", wire.TranscriptRequest{Email: "g@example.com"}, &model.TranscriptRequest{Email: "g@example.com"}},
		{"page", wire.PageContext{PageURL: "https://a.test/p", PageTitle: "P", StartURL: "https://a.test/", Referrer: "https://r.test/", TimeZone: "Europe/Rome", Language: "it-IT"},
			&model.PageContext{PageURL: "https://a.test/p", PageTitle: "P", StartURL: "https://a.test/", Referrer: "https://r.test/", TimeZone: "Europe/Rome", Language: "it-IT"}},
		{"page, first report only", wire.PageContext{PageURL: "https://a.test/p"}, &model.PageContext{PageURL: "https://a.test/p"}},
		{"read frame", wire.Event{Type: wire.EventRead, Seq: 7}, &model.Event{Type: model.EventRead, Seq: 7}},
		{"typing frame", wire.Event{Type: wire.EventTyping}, &model.Event{Type: model.EventTyping}},
		{"booking", wire.BookingRequest{Start: "2026-12-01T10:00:00+01:00", Duration: 30, TimeZone: "Europe/Rome", Name: "N", Email: "e@x.it", Phone: "1", Notes: "n", Language: "it"},
			&model.BookingRequest{Start: "2026-12-01T10:00:00+01:00", Duration: 30, TimeZone: "Europe/Rome", Name: "N", Email: "e@x.it", Phone: "1", Notes: "n", Language: "it"}},
		{"reschedule", wire.MeetingChange{Start: "2026-12-01T10:00:00Z", Duration: 45},
			&model.MeetingChange{Start: ptr("2026-12-01T10:00:00Z"), Duration: ptr(45)}},
		{"reschedule, same length", wire.MeetingChange{Start: "2026-12-01T10:00:00Z"},
			&model.MeetingChange{Start: ptr("2026-12-01T10:00:00Z")}},
		{"guest email", wire.GuestEmail{Email: "g@example.com"}, &struct {
			Email string `json:"email"`
		}{"g@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.req.Encode())
			if err != nil {
				t.Fatal(err)
			}
			got := reflect.New(reflect.TypeOf(tt.want).Elem())
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(got.Interface()); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if !reflect.DeepEqual(got.Interface(), tt.want) {
				t.Errorf("%s reads as %+v, want %+v", b, got.Elem().Interface(), reflect.ValueOf(tt.want).Elem().Interface())
			}
		})
	}
}

// TestConstantsMatchModel: the codes and names the widget compares with
// are model's.
func TestConstantsMatchModel(t *testing.T) {
	pairs := []struct{ wire, model string }{
		{wire.CodeNotFound, model.CodeNotFound},
		{wire.CodeRateLimited, model.CodeRateLimited},
		{wire.CodeInternal, model.CodeInternal},
		{wire.CodeUnavailable, model.CodeUnavailable},
		{wire.CodeSlotTaken, model.CodeSlotTaken},
		{wire.AuthorAgent, string(model.AuthorAgent)},
		{wire.AuthorGuest, string(model.AuthorGuest)},
		{wire.AuthorSystem, string(model.AuthorSystem)},
		{wire.EventMessage, string(model.EventMessage)},
		{wire.EventTyping, string(model.EventTyping)},
		{wire.EventRead, string(model.EventRead)},
		{wire.EventConversation, string(model.EventConversation)},
		{wire.EventAck, string(model.EventAck)},
		{wire.EventError, string(model.EventError)},
		{wire.StatusOpen, string(model.StatusOpen)},
		{wire.StatusPending, string(model.StatusPending)},
		{wire.StatusResolved, string(model.StatusResolved)},
		{wire.CodeFileTooLarge, model.CodeFileTooLarge},
		{wire.CodeFileTypeRefused, model.CodeFileTypeRefused},
		{wire.MeetingScheduled, string(model.MeetingScheduled)},
		{wire.MeetingCancelled, string(model.MeetingCancelled)},
	}
	for _, p := range pairs {
		if p.wire != p.model {
			t.Errorf("wire has %q where model has %q", p.wire, p.model)
		}
	}
	if wire.MaxMessageBytes != model.MaxMessageBytes {
		t.Errorf("MaxMessageBytes %d, model %d", wire.MaxMessageBytes, model.MaxMessageBytes)
	}
}

func TestErrorAnswer(t *testing.T) {
	v, _ := parse(t, model.ErrorResponse{Error: &model.Error{Code: model.CodeValidation, Message: "Some fields are not valid.", Fields: map[string]string{"email": "is not an email address"}}})
	e := wire.ErrorAnswer(v, 422)
	if e == nil || e.Status != 422 || e.Code != model.CodeValidation || e.Fields["email"] != "is not an email address" {
		t.Fatalf("ErrorAnswer = %+v", e)
	}
	for _, notAnError := range []any{map[string]any{"id": 1}, "<html>", nil, map[string]any{"error": "x"}} {
		v, _ := parse(t, notAnError)
		if e := wire.ErrorAnswer(v, 502); e != nil {
			t.Errorf("ErrorAnswer(%v) = %+v", notAnError, e)
		}
	}
	wrapped := wrap{e}
	if got, ok := wire.AsError(wrapped); !ok || got != e {
		t.Errorf("AsError through Unwrap = %v, %v", got, ok)
	}
	if _, ok := wire.AsError(wrap{}); ok {
		t.Error("AsError found an error in an empty chain")
	}
}

type wrap struct{ err error }

func (w wrap) Error() string { return "wrapped" }
func (w wrap) Unwrap() error { return w.err }
