package visitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"

	"github.com/frontdesk/frontdesk/widget/i18n"
)

// Every sentence a visitor reads comes from files/lang/{lang}.json, one
// catalog per language of i18n.Languages, in three parts: the loader's
// (widget.js, on the customer's page), the server-rendered pages' (this
// package's templates) and the WebAssembly's (i18n.Widget, embedded in the
// pages that run it). Dates and times are not in them: the browser's Intl
// formats those in the page's language.

// catalog is one language's sentences.
type catalog struct {
	Lang   string        `json:"-"`
	Loader loaderStrings `json:"loader"`
	Page   pageStrings   `json:"page"`
	Widget i18n.Widget   `json:"widget"`
}

// loaderStrings are the launcher's, on the customer's page.
type loaderStrings struct {
	Open, OpenWith, Close string // OpenWith: %s the widget's name
	Unread1, Unread       string // %d: the count
	Flash                 string // the host page's title: %d the count
	Frame, FrameWith      string // the frame's title
}

// pageStrings are the server-rendered pages' (files/pages.html and
// files/frame.html).
type pageStrings struct {
	Footer, Loading, Failed, NoScript, Optional                string
	Online, Away, Chat, Schedule                               string
	PhotoAlt, ChatWith, BackToCard                             string // %s: the agent
	NotFoundTitle, LinkNotFound, MeetingNotFound, ChatNotFound string
	ChooseTime, ChooseDay, Duration, TimeZone, PrevMonth       string
	NextMonth, Details, ChangeTime, Name, Email, Phone, Notes  string
	Book, Booked, OpenConversation, ManageLink, BackToChat     string
	ManageTitle, Reschedule, Cancel, CancelAsk, CancelYes      string
	CancelKeep, NewTime, ConfirmNewTime, Move, Conversation    string
	Rebook                                                     string
	BookMeeting, Enlarge, CloseChat, Messages, PrechatIntro    string
	StartChat, OfflineIntro, YourEmail, Send, Message          string
	Placeholder, SendMessage, ChatFailed, UnavailableTitle     string
	Unavailable                                                string
	AttachFile, RatePrompt, RateScale, RateComment, RateSend   string
	TranscriptAsk, TranscriptSend                              string
}

// loadCatalogs reads every language's catalog. A catalog must name each
// sentence (TestCatalogsComplete checks they are filled in); a key the
// structs do not know is a mistake and refused.
func loadCatalogs() (map[string]*catalog, error) {
	out := map[string]*catalog{}
	for _, lang := range i18n.Languages {
		b, err := files.ReadFile("files/lang/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("visitor: catalog %s: %w", lang, err)
		}
		c := &catalog{Lang: lang}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("visitor: catalog %s: %w", lang, err)
		}
		out[lang] = c
	}
	// A sentence missing from a translation reads in English rather than
	// not at all.
	en := out[i18n.Fallback]
	for _, c := range out {
		fillEmpty(reflect.ValueOf(c).Elem(), reflect.ValueOf(en).Elem())
	}
	return out, nil
}

// fillEmpty copies from's strings into to's empty ones, through nested
// structs.
func fillEmpty(to, from reflect.Value) {
	for i := range to.NumField() {
		f := to.Field(i)
		switch f.Kind() {
		case reflect.Struct:
			fillEmpty(f, from.Field(i))
		case reflect.String:
			if f.String() == "" && f.CanSet() {
				f.SetString(from.Field(i).String())
			}
		}
	}
}

// langParam is the query parameter that chooses a visitor page's language
// over the browser's: the loader sets it on the frame (from the site
// owner's data-frontdesk-lang or the visitor's navigator.languages), and
// pages that lead to each other pass it on.
const langParam = "lang"

// language is the catalog for a request: ?lang= when it names one, else
// the browser's Accept-Language, else English.
func (h *Handler) language(r *http.Request) *catalog {
	return h.catalogs[i18n.Choose(r.URL.Query().Get(langParam), i18n.AcceptLanguage(r.Header.Get("Accept-Language")))]
}

// explicitLang is the ?lang= a page was asked for, "" when the browser's
// languages chose it; links to other visitor pages keep an explicit one.
func explicitLang(r *http.Request) string {
	if l := i18n.Primary(r.URL.Query().Get(langParam)); i18n.Supported(l) {
		return l
	}
	return ""
}

// loaderTextMark is where widget.js expects its sentences, by language.
var loaderTextMark = []byte("/*FD_TEXT*/{}")

// withLoaderText puts every language's loader sentences into widget.js:
// the launcher is drawn, and labelled, before any request to the server.
// All five cost a few hundred bytes of brotli.
func withLoaderText(loader []byte, catalogs map[string]*catalog) ([]byte, error) {
	if bytes.Count(loader, loaderTextMark) != 1 {
		return nil, fmt.Errorf("visitor: widget.js must hold %s once", loaderTextMark)
	}
	texts := map[string]loaderStrings{}
	for lang, c := range catalogs {
		texts[lang] = c.Loader
	}
	b, err := json.Marshal(texts) // sorted keys: the same file, and ETag, every start
	if err != nil {
		return nil, fmt.Errorf("visitor: loader text: %w", err)
	}
	return bytes.Replace(loader, loaderTextMark, b, 1), nil
}
