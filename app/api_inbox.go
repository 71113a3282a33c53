package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// The inbox tools' calls: search, saved replies, guest context, the
// satisfaction report, per-service views and file uploads.

// ServiceConversations lists the open conversations of one service.
func (c *Client) ServiceConversations(ctx context.Context, service int64) ([]model.Conversation, error) {
	var list []model.Conversation
	err := c.do(ctx, http.MethodGet, "/api/v1/conversations?view=open&service="+strconv.FormatInt(service, 10), nil, &list)
	return list, err
}

// Search finds messages and conversations, newest first; before is the
// Cursor of the last hit of the previous page, or empty.
func (c *Client) Search(ctx context.Context, q, before string) ([]model.SearchHit, error) {
	v := url.Values{"q": {q}}
	if before != "" {
		v.Set("before", before)
	}
	var hits []model.SearchHit
	err := c.do(ctx, http.MethodGet, "/api/v1/search?"+v.Encode(), nil, &hits)
	return hits, err
}

// SavedReplies lists the organization's saved replies and the agent's own.
func (c *Client) SavedReplies(ctx context.Context) ([]model.SavedReply, error) {
	var list []model.SavedReply
	err := c.do(ctx, http.MethodGet, "/api/v1/saved-replies", nil, &list)
	return list, err
}

// SaveReply creates (id 0) or replaces a saved reply; unknown variables are
// a *model.Error with code unknown_variable.
func (c *Client) SaveReply(ctx context.Context, id int64, in model.SavedReplyInput) (model.SavedReply, error) {
	var out model.SavedReply
	if id == 0 {
		err := c.do(ctx, http.MethodPost, "/api/v1/saved-replies", in, &out)
		return out, err
	}
	err := c.do(ctx, http.MethodPut, "/api/v1/saved-replies/"+strconv.FormatInt(id, 10), in, &out)
	return out, err
}

// DeleteSavedReply removes a saved reply.
func (c *Client) DeleteSavedReply(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/saved-replies/"+strconv.FormatInt(id, 10), nil, nil)
}

// GuestContext returns where a conversation's guest is, their browser,
// earlier conversations and rating.
func (c *Client) GuestContext(ctx context.Context, conv int64) (model.GuestContext, error) {
	var out model.GuestContext
	err := c.do(ctx, http.MethodGet, conversationURL(conv)+"/context", nil, &out)
	return out, err
}

// SatisfactionReport sums up the last days' ratings (admins).
func (c *Client) SatisfactionReport(ctx context.Context, days int) (model.SatisfactionReport, error) {
	var out model.SatisfactionReport
	err := c.do(ctx, http.MethodGet, "/api/v1/reports/satisfaction?days="+strconv.Itoa(days), nil, &out)
	return out, err
}

// uploadFile sends a browser File (from a file picker, a drop or a paste)
// to a conversation with the browser's own fetch and FormData, so the
// bytes never pass through Go. Call it off the UI goroutine.
func uploadFile(ctx context.Context, conv int64, file goapp.Value) (model.Attachment, error) {
	win := goapp.Window()
	form := win.Get("FormData").New()
	form.Call("append", "file", file, file.Get("name").String())
	headers := win.Get("Object").New()
	headers.Set(model.CSRFHeader, api().csrfToken())
	headers.Set("Accept", "application/json")
	opts := win.Get("Object").New()
	opts.Set("method", "POST")
	opts.Set("body", form)
	opts.Set("headers", headers)
	opts.Set("credentials", "same-origin")
	res, err := await(ctx, win.Call("fetch", conversationURL(conv)+"/files", opts))
	if err != nil {
		return model.Attachment{}, fmt.Errorf("upload: %w", err)
	}
	body, err := await(ctx, res.Call("text"))
	if err != nil {
		return model.Attachment{}, fmt.Errorf("upload: %w", err)
	}
	status := res.Get("status").Int()
	if status != http.StatusCreated {
		return model.Attachment{}, decodeError(status, []byte(body.String()))
	}
	var att model.Attachment
	if err := json.Unmarshal([]byte(body.String()), &att); err != nil {
		return model.Attachment{}, fmt.Errorf("upload: %w", err)
	}
	return att, nil
}

// await waits for a JavaScript promise.
func await(ctx context.Context, p goapp.Value) (goapp.Value, error) {
	type result struct {
		v   goapp.Value
		err error
	}
	done := make(chan result, 1)
	then := goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	catch := goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	release := func() { then.Release(); catch.Release() }
	p.Call("then", then, catch)
	select {
	case r := <-done:
		release()
		return r.v, r.err
	case <-ctx.Done():
		// The promise still settles later; its callbacks must live till then.
		go func() { <-done; release() }()
		return nil, ctx.Err()
	}
}
