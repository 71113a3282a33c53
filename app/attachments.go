package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Words of messages' files and notes, in one place for translation.
const (
	textNoteLabel = "Private note"
	textOpenImage = "Open full size: "
	textDownload  = "Download "
)

// iconFile is a document's outline (see icon in nav.go).
const iconFile = `<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/>`

// iconClip is a paper clip: attach files.
const iconClip = `<path d="M20 11.5l-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8"/>`

// thumbBox is the largest a thumbnail is shown, in CSS pixels.
const thumbBox = 240

// renderAttachments shows a message's files: images as thumbnails that
// open full size, other files as a named link with their size. token, for
// a guest's view, is added to the URLs.
func renderAttachments(atts []model.Attachment, token string) goapp.UI {
	items := make([]goapp.UI, len(atts))
	for i, a := range atts {
		url := a.URL
		if token != "" {
			url = model.GuestURL(url, token)
		}
		if a.IsImage() && a.ThumbnailURL != "" {
			thumb := a.ThumbnailURL
			if token != "" {
				thumb = model.GuestURL(thumb, token)
			}
			w, h := fitBox(a.Width, a.Height, thumbBox)
			items[i] = goapp.Li().Class("msg-file msg-file-image").Body(
				goapp.A().Href(url).Target("_blank").Rel("noopener").Title(textOpenImage + a.Name).Body(
					goapp.Img().Class("msg-thumb").Src(thumb).Alt(a.Name).Width(w).Height(h).Attr("loading", "lazy"),
				),
			)
			continue
		}
		items[i] = goapp.Li().Class("msg-file").Body(
			goapp.A().Class("msg-file-link").Href(url).Download(a.Name).Title(textDownload+a.Name).Body(
				goapp.Raw(icon(iconFile)),
				goapp.Span().Class("msg-file-name").Text(a.Name),
				goapp.Span().Class("msg-file-size").Text(model.FileSize(a.Size)),
			),
		)
	}
	return goapp.Ul().Class("msg-files").Body(items...)
}

// fitBox scales w×h to fit a box×box square, keeping its shape.
func fitBox(w, h, box int) (int, int) {
	if w <= 0 || h <= 0 {
		return box, box
	}
	if w <= box && h <= box {
		return w, h
	}
	if w >= h {
		return box, max(1, h*box/w)
	}
	return max(1, w*box/h), box
}

// messagePreview is what the inbox list shows of a message, as the server
// computes Conversation.LastMessage.
func messagePreview(m model.Message) string {
	text := m.Body
	if text == "" && len(m.Attachments) > 0 {
		text = "📎 "
		for i, a := range m.Attachments {
			if i > 0 {
				text += ", "
			}
			text += a.Name
		}
	}
	if m.Private {
		text = "Note: " + text
	}
	return preview(text)
}
