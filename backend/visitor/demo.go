package visitor

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"strings"
)

// renderDemo renders /demo once: a made-up company's homepage that embeds
// the widget exactly as a customer's site would, from the server's public
// URL.
func renderDemo(base *url.URL, key string) ([]byte, error) {
	t, err := template.ParseFS(files, "files/demo.html")
	if err != nil {
		return nil, fmt.Errorf("visitor: demo template: %w", err)
	}
	b := strings.TrimRight(base.String(), "/")
	var buf bytes.Buffer
	err = t.Execute(&buf, map[string]string{
		"Base": b, "Key": key,
		"Snippet": fmt.Sprintf(`<script src="%s/widget.js" data-frontdesk-widget="%s" async></script>`, b, key),
	})
	if err != nil {
		return nil, fmt.Errorf("visitor: demo page: %w", err)
	}
	return buf.Bytes(), nil
}
