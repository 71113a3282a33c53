package mail

import (
	"html/template"
	"strings"
)

// Link is a call to action at the end of an email.
type Link struct {
	Text string
	URL  string
}

// layout is deliberately plain: inline styles only, one column, since mail
// clients drop style sheets and most layout. html/template escapes every
// value, and turns a URL with an unsafe scheme into "#ZgotmplZ".
var layout = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Title}}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1d2330">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">{{.Title}}</h1>
{{range .Paragraphs}}<p style="font-size:15px;line-height:1.5;margin:0 0 12px">{{range $i, $line := .}}{{if $i}}<br>{{end}}{{$line}}{{end}}</p>
{{end}}{{with .Links}}<ul style="font-size:15px;line-height:1.5;margin:0 0 12px;padding-left:20px">{{range .}}<li><a href="{{.URL}}" style="color:#1f5fd1">{{.Text}}</a></li>{{end}}</ul>
{{end}}{{with .Action}}<p style="margin:24px 0 0"><a href="{{.URL}}" style="display:inline-block;background:#1f5fd1;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-size:15px">{{.Text}}</a></p>
{{end}}</div>
</body>
</html>
`))

// HTMLBody renders a simple HTML email: a title, paragraphs (line breaks
// inside one are kept), links (files, say) and an optional button. All
// text is escaped, so it may come from users.
func HTMLBody(title string, paragraphs []string, action *Link, links ...Link) string {
	data := struct {
		Title      string
		Paragraphs [][]string
		Links      []Link
		Action     *Link
	}{Title: title, Action: action, Links: links}
	for _, p := range paragraphs {
		data.Paragraphs = append(data.Paragraphs, strings.Split(normalizeNewlines(p), "\n"))
	}
	var b strings.Builder
	if err := layout.Execute(&b, data); err != nil {
		// The template is fixed and its data are strings, so executing
		// cannot fail but for a bug; fall back to the text version,
		// escaped, rather than sending nothing.
		return "<pre>" + template.HTMLEscapeString(TextBody(title, paragraphs, action, links...)) + "</pre>"
	}
	return b.String()
}

// TextBody renders the plain-text twin of HTMLBody.
func TextBody(title string, paragraphs []string, action *Link, links ...Link) string {
	var b strings.Builder
	b.WriteString(title)
	b.WriteString("\n\n")
	for _, p := range paragraphs {
		b.WriteString(normalizeNewlines(p))
		b.WriteString("\n\n")
	}
	for _, l := range links {
		b.WriteString(l.Text + ": " + l.URL + "\n")
	}
	if len(links) > 0 {
		b.WriteString("\n")
	}
	if action != nil {
		b.WriteString(action.Text)
		b.WriteString(": ")
		b.WriteString(action.URL)
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
