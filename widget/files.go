//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// guestToken is the conversation's access token: files are opened with it
// (?token=), as the visitor has no session.
var guestToken string

// fileURL is a file's address for the visitor.
func fileURL(u string) string {
	if u == "" || guestToken == "" || strings.Contains(u, "token=") {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "token=" + dom.Encode(guestToken)
}

// filesEl shows a message's files: images as thumbnails that open full
// size, other files as a link with their name and size.
func filesEl(files []wire.Attachment) js.Value {
	ul := dom.Create("ul", "fd-files")
	for _, f := range files {
		li := dom.Create("li", "")
		a := dom.Create("a", "")
		a.Set("href", fileURL(f.URL))
		if f.IsImage() {
			a.Set("target", "_blank")
			a.Set("rel", "noopener")
			img := dom.Create("img", "fd-thumb")
			img.Set("src", fileURL(f.ThumbnailURL))
			img.Set("alt", f.Name)
			img.Set("loading", "lazy")
			if f.Width > 0 && f.Height > 0 {
				w, h := fit(f.Width, f.Height, 200)
				img.Set("width", w)
				img.Set("height", h)
			}
			a.Call("append", img)
		} else {
			a.Set("className", "fd-file")
			a.Set("download", f.Name)
			name := dom.Create("span", "")
			dom.SetText(name, f.Name)
			size := dom.Create("small", "")
			dom.SetText(size, fileSize(f.Size))
			a.Call("append", name, size)
		}
		li.Call("append", a)
		ul.Call("append", li)
	}
	return ul
}

func fit(w, h, box int64) (int64, int64) {
	if w <= box && h <= box {
		return w, h
	}
	if w >= h {
		return box, max(1, h*box/w)
	}
	return max(1, w*box/h), box
}

// fileSize says a size for people: "950 B", "12 KB", "3.4 MB".
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " KB"
	}
	t := (n + 50_000) / 100_000
	return strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10) + " MB"
}

// attach uploads each file of a FileList (picked, pasted or dropped) and
// sends it as a message of its own once stored: a message exists only with
// its file, and it goes out exactly once like any other.
func (a *app) attach(files js.Value) {
	n := files.Get("length").Int()
	for i := range n {
		f := files.Index(i)
		name := f.Get("name").String()
		a.withConversation(func() {
			token := a.conv.Token
			a.ui.setStatus(i18n.Fill(text.Uploading, name))
			go func() {
				var att wire.Attachment
				status, answer, err := dom.Upload(conversationPath(token)+"/files", f)
				if err == nil && status != 201 {
					if e := wire.ErrorAnswer(answer, status); e != nil {
						err = e
					} else {
						err = &wire.Error{Status: status, Code: "http_" + strconv.Itoa(status), Message: text.Failed}
					}
				}
				if err == nil {
					att.Decode(answer)
				}
				a.do(func() {
					a.renderStatus()
					if err != nil {
						fieldError(a.ui.composer, a.ui.composerError, name+": "+errorText(err))
						return
					}
					fieldError(a.ui.composer, a.ui.composerError, "")
					p := a.thread.QueueFiles(dom.RandomHex(16), []wire.Attachment{att})
					a.ui.messages.Call("append", pendingEl(p))
					a.ui.scrollToBottom()
					a.flush()
				})
			}()
		})
	}
}

// bindFiles wires the attach button, pasting into the composer and
// dropping on the chat.
func (u *ui) bindFiles(a *app) {
	input := dom.ByID("attach-input")
	dom.On(dom.ByID("attach"), "click", func(js.Value) { input.Call("click") })
	dom.On(input, "change", func(js.Value) {
		files := input.Get("files")
		a.do(func() {
			a.attach(files)
			input.Set("value", "")
		})
	})
	dom.On(u.composer, "paste", func(ev js.Value) {
		files := ev.Get("clipboardData").Get("files")
		if files.Truthy() && files.Get("length").Int() > 0 {
			ev.Call("preventDefault")
			a.do(func() { a.attach(files) })
		}
	})
	dom.On(u.app, "dragover", func(ev js.Value) {
		ev.Call("preventDefault")
		u.app.Get("classList").Call("add", "fd--drop")
	})
	dom.On(u.app, "dragleave", func(js.Value) { u.app.Get("classList").Call("remove", "fd--drop") })
	dom.On(u.app, "drop", func(ev js.Value) {
		ev.Call("preventDefault")
		u.app.Get("classList").Call("remove", "fd--drop")
		files := ev.Get("dataTransfer").Get("files")
		if files.Truthy() && files.Get("length").Int() > 0 && visible(u.composerForm) {
			a.do(func() { a.attach(files) })
		}
	})
}
