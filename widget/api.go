//go:build js && wasm

package main

import (
	"strconv"

	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// HTTP statuses the widget branches on (net/http itself is too big to
// import for its constants).
const (
	statusNoContent       = 204
	statusNotFound        = 404
	statusTooManyRequests = 429
)

// call sends a request to the public API: body, when not nil, is written
// as JSON (a wire type's Encode()), and decode, when not nil, reads the
// answer (a wire type's Decode method value):
//
//	var gc wire.GuestConversation
//	err := call("GET", conversationPath(token), nil, gc.Decode)
//
// Answers of 400 and up come back as *wire.Error with Status set.
func call(method, path string, body map[string]any, decode func(wire.Value)) error {
	status, answer, err := dom.Fetch(method, path, body)
	if err != nil {
		return err
	}
	if status >= 400 {
		if e := wire.ErrorAnswer(answer, status); e != nil {
			return e
		}
		// Not the API's error shape (a proxy's page, say): only the status
		// says anything.
		return &wire.Error{Status: status, Code: "http_" + strconv.Itoa(status), Message: method + " " + path + " answered " + strconv.Itoa(status) + "."}
	}
	if decode == nil || status == statusNoContent {
		return nil
	}
	if !answer.Exists() {
		// A 200 that is not JSON: something between us and the server
		// (a captive portal, a proxy) answered.
		return &dom.NetworkError{Op: method + " " + path, Cause: "the answer is not JSON"}
	}
	decode(answer)
	return nil
}

// transient reports whether trying again later may succeed: no answer, the
// rate limit, or a fault on the server's side. Errors from the websocket
// carry only their code (Status is not on the wire).
func transient(err error) bool {
	if dom.IsNetwork(err) {
		return true
	}
	e, ok := wire.AsError(err)
	if !ok {
		return false
	}
	switch e.Code {
	case wire.CodeRateLimited, wire.CodeInternal, wire.CodeUnavailable:
		return true
	}
	return e.Status == statusTooManyRequests || e.Status >= 500
}

// retry calls f until it succeeds or fails for good, waiting longer after
// each transient failure; onRetry is told about each one.
func retry(f func() error, onRetry func(error)) error {
	for n := 0; ; n++ {
		err := f()
		if err == nil || !transient(err) {
			return err
		}
		if onRetry != nil {
			onRetry(err)
		}
		dom.Sleep(chat.Backoff(n, dom.Random()))
	}
}

func widgetPath(key string) string { return "/api/v1/public/widgets/" + dom.Encode(key) }

func linkPath(slug string) string { return "/api/v1/public/links/" + dom.Encode(slug) }

func conversationPath(token string) string {
	return "/api/v1/public/conversations/" + dom.Encode(token)
}
