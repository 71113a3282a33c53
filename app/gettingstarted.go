package app

import (
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// gettingStarted is the card a new organization's admins find in the
// inbox: set your hours, create services, install the widget, connect a
// calendar, invite teammates. Each step ticks off once done; the card goes
// when all are, or when dismissed. It renders nothing for anyone else.
type gettingStarted struct {
	goapp.Compo

	card    model.Onboarding
	copied  string
	busy    bool
	err     string
	ctx     goapp.Context
	mounted bool
}

// onboardingSteps say what each step is and where it is done.
var onboardingSteps = map[string]struct{ Label, Hint, Path string }{
	"hours":    {"Set your working hours", "Guests book meetings within them.", PathAvailability},
	"services": {"Create your services", "Teams such as Sales or Billing that conversations are routed to. Support is there already.", PathSettings + "/services"},
	"widget":   {"Install the website widget", "Paste this snippet into your website's pages.", ""},
	"calendar": {"Connect your calendar", "Meetings land in it, and its busy times are taken off your booking page.", PathAvailability},
	"invite":   {"Invite your teammates", "They get an email and choose their own password.", PathSettings + "/agents"},
}

func (g *gettingStarted) OnMount(ctx goapp.Context) {
	g.ctx, g.mounted = ctx, true
	g.load()
}

func (g *gettingStarted) load() {
	self := g.ctx
	self.Async(func() {
		card, err := api().Onboarding(self)
		self.Dispatch(func(ctx goapp.Context) {
			if err == nil {
				g.card = card
			}
		})
	})
}

func (g *gettingStarted) onCopy(ctx goapp.Context, _ goapp.Event) {
	self := g.ctx
	copyToClipboard(ctx, "gs-snippet", g.card.Snippet, func(ctx goapp.Context, ok bool) {
		g.copied = "gs-snippet"
		// Copied or selected for Ctrl+C: either way the admin has it.
		self.Async(func() {
			err := api().MarkOnboarding(self, "widget")
			self.Dispatch(func(ctx goapp.Context) {
				if err == nil {
					g.load()
				}
			})
		})
	})
}

func (g *gettingStarted) onDismiss(ctx goapp.Context, _ goapp.Event) {
	if g.busy {
		return
	}
	g.busy = true
	self := g.ctx
	ctx.Async(func() {
		err := api().MarkOnboarding(self, "dismissed")
		self.Dispatch(func(ctx goapp.Context) {
			g.busy = false
			if err != nil {
				g.err = userMessage(err)
				return
			}
			g.card.Show = false
		})
	})
}

func (g *gettingStarted) Render() goapp.UI {
	if !g.card.Show {
		return goapp.Div().ID("getting-started-none")
	}
	done := 0
	items := make([]goapp.UI, len(g.card.Steps))
	for i, st := range g.card.Steps {
		if st.Done {
			done++
		}
		items[i] = g.renderStep(st)
	}
	return goapp.Section().ID("getting-started").Class("card getting-started").Aria("labelledby", "getting-started-title").Body(
		goapp.Div().Class("section-head").Body(
			goapp.Div().Body(
				goapp.H2().ID("getting-started-title").Text("Getting started"),
				goapp.P().ID("getting-started-progress").Class("card-lead").Text(progressLabel(done, len(g.card.Steps))),
			),
			goapp.Button().ID("getting-started-dismiss").Type("button").Class("button button-secondary button-small").
				Disabled(g.busy).OnClick(g.onDismiss).Text("Hide this card"),
		),
		formAlert("getting-started-error", g.err),
		goapp.Ol().ID("getting-started-steps").Class("gs-steps").Body(items...),
	)
}

func (g *gettingStarted) renderStep(st model.OnboardingStep) goapp.UI {
	info := onboardingSteps[st.ID]
	class := "gs-step"
	mark := "○"
	state := "To do: "
	if st.Done {
		class += " gs-done"
		mark, state = "✓", "Done: "
	}
	var title goapp.UI = goapp.Text(info.Label)
	if info.Path != "" {
		title = goapp.A().ID("gs-" + st.ID + "-link").Href(info.Path).Text(info.Label)
	}
	li := goapp.Li().ID("gs-step-"+st.ID).Class(class).DataSet("done", st.Done).Body(
		goapp.Span().Class("gs-mark").Aria("hidden", "true").Text(mark),
		goapp.Div().Class("gs-text").Body(
			goapp.P().Class("gs-title").Body(goapp.Span().Class("visually-hidden").Text(state), title),
			goapp.P().Class("gs-hint").Text(info.Hint),
			goapp.If(st.ID == "widget" && g.card.Snippet != "", func() goapp.UI {
				return goapp.Div().Body(
					copyBox("gs-snippet", "the widget snippet", g.card.Snippet, true, g.copied, g.onCopy),
					goapp.A().ID("gs-try").Href(g.card.TryURL).Target("_blank").Attr("rel", "noopener").
						Text("Try it on a test page (opens in a new tab)"),
				)
			}),
		),
	)
	return li
}

func progressLabel(done, total int) string {
	return strconv.Itoa(done) + " of " + strconv.Itoa(total) + " done"
}

// verifyBanner asks an admin who signed up to confirm their email, with
// the date their widget and links pause otherwise, and a Resend button.
type verifyBanner struct {
	goapp.Compo

	Agent model.Agent
	Org   model.Organization

	busy   bool
	status string
	ctx    goapp.Context
}

func (v *verifyBanner) OnMount(ctx goapp.Context) { v.ctx = ctx }

func (v *verifyBanner) onResend(ctx goapp.Context, _ goapp.Event) {
	if v.busy {
		return
	}
	v.busy, v.status = true, ""
	self := v.ctx
	ctx.Async(func() {
		err := api().ResendVerification(self)
		self.Dispatch(func(ctx goapp.Context) {
			v.busy = false
			if err != nil {
				v.status = userMessage(err)
				return
			}
			v.status = "Sent. Check your inbox for the link."
		})
	})
}

func (v *verifyBanner) Render() goapp.UI {
	if v.Agent.ID == 0 || v.Agent.EmailVerified {
		return goapp.Div().ID("verify-none")
	}
	msg := "Please confirm your email address: we sent a link to " + v.Agent.Email + "."
	if v.Org.VerifyBy != nil {
		msg += " Until you do, your widget, personal links and booking pages pause on " + v.Org.VerifyBy.Local().Format("2 January") + "."
	}
	return goapp.Div().ID("verify-banner").Class("verify-banner").Body(
		goapp.P().Text(msg),
		goapp.Button().ID("verify-resend").Type("button").Class("button button-secondary button-small").
			Disabled(v.busy).OnClick(v.onResend).Text("Resend"),
		goapp.P().ID("verify-status").Role("status").Class("verify-status").Text(v.status),
	)
}
