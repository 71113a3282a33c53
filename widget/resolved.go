//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"github.com/frontdesk/frontdesk/widget/dom"
	"github.com/frontdesk/frontdesk/widget/i18n"
	"github.com/frontdesk/frontdesk/widget/wire"
)

// After an agent resolves the conversation, the widget may ask for a
// rating (1 to 5 and a comment) and offer the transcript by email, as the
// widget's settings say.

func (u *ui) bindAfterResolve(a *app) {
	dom.On(dom.ByID("rating"), "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		a.do(a.submitRating)
	})
	dom.On(dom.ByID("transcript"), "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		a.do(a.submitTranscript)
	})
}

// renderAfterResolve shows the rating and transcript forms while the
// conversation is resolved.
func (a *app) renderAfterResolve() {
	resolved := a.conv != nil && a.conv.Status == wire.StatusResolved
	rated := resolved && a.conv.Rating != nil
	dom.Show(dom.ByID("rating"), resolved && a.conv.RatingEnabled && !rated)
	thanks := dom.ByID("rating-thanks")
	dom.SetText(thanks, text.RatingThanks)
	dom.Show(thanks, resolved && a.conv.RatingEnabled && rated)
	dom.Show(dom.ByID("transcript"), resolved && a.conv.TranscriptEnabled)
	dom.Show(dom.ByID("transcript-email-field"), a.email == "")
}

func (a *app) submitRating() {
	checked := dom.Document.Call("querySelector", `#rating input[name="score"]:checked`)
	errEl := dom.ByID("rating-error")
	if checked.IsNull() {
		fieldError(js.Null(), errEl, text.Failed)
		return
	}
	score, _ := atoi(checked.Get("value").String())
	comment := strings.TrimSpace(dom.ByID("rating-comment").Get("value").String())
	submit := dom.ByID("rating-submit")
	submit.Set("disabled", true)
	token := a.conv.Token
	go func() {
		var r wire.Rating
		err := retry(func() error {
			return call("POST", conversationPath(token)+"/rating", wire.RatingInput{Score: int64(score), Comment: comment}.Encode(), r.Decode)
		}, nil)
		a.do(func() {
			submit.Set("disabled", false)
			if err != nil {
				fieldError(js.Null(), errEl, errorText(err))
				return
			}
			fieldError(js.Null(), errEl, "")
			if a.conv != nil && a.conv.Token == token {
				a.conv.Rating = &r
			}
			a.renderAfterResolve()
			a.ui.announce(text.RatingThanks)
		})
	}()
}

func (a *app) submitTranscript() {
	errEl := dom.ByID("transcript-error")
	email := a.email
	if email == "" {
		email = strings.TrimSpace(dom.ByID("transcript-email").Get("value").String())
		if msg := checkEmail(email, true); msg != "" {
			fieldError(dom.ByID("transcript-email"), errEl, msg)
			return
		}
	}
	submit := dom.ByID("transcript-submit")
	submit.Set("disabled", true)
	token := a.conv.Token
	go func() {
		err := retry(func() error {
			return call("POST", conversationPath(token)+"/transcript", wire.TranscriptRequest{Email: email}.Encode(), nil)
		}, nil)
		a.do(func() {
			submit.Set("disabled", false)
			if err != nil {
				fieldError(dom.ByID("transcript-email"), errEl, errorText(err))
				return
			}
			fieldError(dom.ByID("transcript-email"), errEl, "")
			dom.Show(dom.ByID("transcript"), false)
			a.ui.setStatus(i18n.Fill(text.TranscriptSent, email))
			a.ui.announce(i18n.Fill(text.TranscriptSent, email))
		})
	}()
}
