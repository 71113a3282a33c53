// Package useragent names the browser and operating system a User-Agent
// header describes, as agents want to read them ("Firefox 133", "macOS").
// It knows the browsers people use, not every crawler.
package useragent

import "strings"

// Parse returns the browser with its major version and the operating
// system; empty strings for what it does not recognise.
func Parse(ua string) (browser, os string) {
	return parseBrowser(ua), parseOS(ua)
}

// browsers are tried in order: many User-Agents name several (Edge says
// Chrome and Safari too), so the most specific token comes first.
var browsers = []struct{ token, name string }{
	{"EdgA/", "Edge"},
	{"EdgiOS/", "Edge"},
	{"Edg/", "Edge"},
	{"OPR/", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"Vivaldi/", "Vivaldi"},
	{"YaBrowser/", "Yandex Browser"},
	{"FxiOS/", "Firefox"},
	{"Firefox/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"HeadlessChrome/", "Headless Chrome"},
	{"Chromium/", "Chromium"},
	{"Chrome/", "Chrome"},
	{"Version/", "Safari"}, // Safari puts its own version after Version/
}

func parseBrowser(ua string) string {
	for _, b := range browsers {
		i := strings.Index(ua, b.token)
		if i < 0 {
			continue
		}
		if b.name == "Safari" && !strings.Contains(ua, "Safari/") {
			continue
		}
		v := ua[i+len(b.token):]
		if j := strings.IndexAny(v, ". ;)"); j >= 0 {
			v = v[:j]
		}
		if v == "" {
			return b.name
		}
		return b.name + " " + v
	}
	return ""
}

var systems = []struct{ token, name string }{
	{"Windows NT", "Windows"},
	{"iPhone", "iOS"},
	{"iPad", "iPadOS"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Mac OS X", "macOS"},
	{"Macintosh", "macOS"},
	{"Linux", "Linux"},
}

func parseOS(ua string) string {
	for _, s := range systems {
		if strings.Contains(ua, s.token) {
			return s.name
		}
	}
	return ""
}
