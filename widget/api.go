//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/frontdesk/frontdesk/model"
	"github.com/frontdesk/frontdesk/widget/chat"
	"github.com/frontdesk/frontdesk/widget/dom"
)

// HTTP statuses the widget branches on (net/http itself is too big to
// import for its constants).
const (
	statusNoContent       = 204
	statusNotFound        = 404
	statusTooManyRequests = 429
)

// call sends a JSON request to the public API. Answers of 400 and up come
// back as *model.Error with Status set.
func call(method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	status, data, err := dom.Fetch(method, path, body)
	if err != nil {
		return err
	}
	if status >= 400 {
		var resp model.ErrorResponse
		if json.Unmarshal(data, &resp) == nil && resp.Error != nil {
			resp.Error.Status = status
			return resp.Error
		}
		// Not the API's error shape (a proxy's page, say): only the status
		// says anything.
		return &model.Error{Status: status, Code: "http_" + strconv.Itoa(status), Message: fmt.Sprintf("%s %s answered %d.", method, path, status)}
	}
	if out != nil && status != statusNoContent {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return nil
}

// transient reports whether trying again later may succeed: no answer, the
// rate limit, or a fault on the server's side. Errors from the websocket
// carry only their code (Status is not on the wire).
func transient(err error) bool {
	if errors.Is(err, dom.ErrNetwork) {
		return true
	}
	e, ok := model.AsError(err)
	if !ok {
		return false
	}
	switch e.Code {
	case model.CodeRateLimited, model.CodeInternal, model.CodeUnavailable:
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
		time.Sleep(chat.Backoff(n, dom.Random()))
	}
}

func widgetPath(key string) string { return "/api/v1/public/widgets/" + dom.Encode(key) }

func linkPath(slug string) string { return "/api/v1/public/links/" + dom.Encode(slug) }

func conversationPath(token string) string {
	return "/api/v1/public/conversations/" + dom.Encode(token)
}
