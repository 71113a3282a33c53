package app

import (
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// The satisfaction report's words, in one place for translation.
const (
	textSatisfactionTitle = "Satisfaction"
	textSatisfactionLead  = "Ratings guests gave after their chat was resolved, over the last 30 days. Turn ratings on per widget."
	textByAgent           = "By agent"
	textByService         = "By service"
	textRatings           = "Ratings"
	textAverage           = "Average"
	textNobody            = "Nobody"
	textNoRatings         = "No ratings in the last 30 days."
	reportDays            = 30
)

// adminSatisfaction is Settings → Satisfaction (admins).
type adminSatisfaction struct {
	goapp.Compo

	rep    *model.SatisfactionReport
	err    string
	loaded bool
}

func (a *adminSatisfaction) OnMount(ctx goapp.Context) {
	ctx.Async(func() {
		rep, err := api().SatisfactionReport(ctx, reportDays)
		ctx.Dispatch(func(ctx goapp.Context) {
			a.loaded = true
			if err != nil {
				a.err = userMessage(err)
				return
			}
			a.rep = &rep
		})
	})
}

func (a *adminSatisfaction) Render() goapp.UI {
	body := []goapp.UI{sectionHead("satisfaction-title", textSatisfactionTitle, textSatisfactionLead), formAlert("satisfaction-error", a.err)}
	if a.rep != nil {
		if a.rep.Total.Count == 0 {
			body = append(body, goapp.P().ID("satisfaction-empty").Class("status").Text(textNoRatings))
		} else {
			body = append(body,
				goapp.P().ID("satisfaction-total").Class("card-lead").Text(
					strconv.Itoa(a.rep.Total.Count)+" "+textRatings+" · "+textAverage+" "+formatAverage(a.rep.Total.Average)),
				ratingTable("satisfaction-agents", textByAgent, a.rep.Agents),
				ratingTable("satisfaction-services", textByService, a.rep.Services),
			)
		}
	}
	return goapp.Section().ID("settings-satisfaction").Aria("labelledby", "satisfaction-title").Body(body...)
}

func ratingTable(id, caption string, rows []model.RatingRow) goapp.UI {
	trs := make([]goapp.UI, len(rows))
	for i, r := range rows {
		name := r.Name
		if r.ID == 0 || name == "" {
			name = textNobody
		}
		cells := []goapp.UI{goapp.Th().Scope("row").Text(name), goapp.Td().Class("num").Text(strconv.Itoa(r.Count)), goapp.Td().Class("num").Text(formatAverage(r.Average))}
		for _, n := range r.Scores {
			cells = append(cells, goapp.Td().Class("num").Text(strconv.Itoa(n)))
		}
		trs[i] = goapp.Tr().Body(cells...)
	}
	head := []goapp.UI{goapp.Th().Scope("col").Text(""), goapp.Th().Scope("col").Class("num").Text(textRatings), goapp.Th().Scope("col").Class("num").Text(textAverage)}
	for s := 1; s <= 5; s++ {
		head = append(head, goapp.Th().Scope("col").Class("num").Text(strconv.Itoa(s)+"★"))
	}
	return goapp.Table().ID(id).Class("rating-table card").Body(
		goapp.Caption().Text(caption),
		goapp.THead().Body(goapp.Tr().Body(head...)),
		goapp.TBody().Body(trs...),
	)
}

// formatAverage shows an average with one decimal, by the browser's
// conventions where it can.
func formatAverage(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64)
}
