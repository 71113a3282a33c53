package accounts

import "strings"

// Device reads a user agent the way a person names their device: "Chrome
// on Windows", "Safari on iPhone". It knows the browsers and systems people
// sign in from; anything else is "Unknown browser".
func Device(ua string) string {
	if strings.TrimSpace(ua) == "" {
		return "Unknown browser"
	}
	browser := firstMatch(ua, browsers, "Browser")
	system := firstMatch(ua, systems, "")
	if system == "" {
		return browser
	}
	return browser + " on " + system
}

type mark struct{ token, name string }

// Order matters: Edge and Opera say Chrome too, Chrome says Safari, and
// iPhones say "like Mac OS X".
var browsers = []mark{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"}, {"HeadlessChrome/", "Headless Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
	{"Safari/", "Safari"},
	{"curl/", "curl"}, {"Go-http-client/", "Go program"},
}

var systems = []mark{
	{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"},
	{"Windows", "Windows"}, {"CrOS", "ChromeOS"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"},
	{"Linux", "Linux"},
}

func firstMatch(ua string, marks []mark, fallback string) string {
	for _, m := range marks {
		if strings.Contains(ua, m.token) {
			return m.name
		}
	}
	if fallback != "" {
		return "Unknown " + strings.ToLower(fallback)
	}
	return ""
}
