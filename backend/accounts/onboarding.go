package accounts

import (
	"context"

	"github.com/frontdesk/frontdesk/model"
)

// Onboarding is the getting-started card for admin: the steps, each done
// when the store shows it (working hours saved, a second service, the
// snippet copied, a calendar connected, a teammate invited), and whether
// to show the card at all. key is the widget the card offers to install.
func (s *Service) Onboarding(ctx context.Context, admin model.Agent) (card model.Onboarding, key string, err error) {
	st, err := s.DB.Onboarding(ctx, admin.OrganizationID, admin.ID)
	if err != nil {
		return card, "", err
	}
	card.Steps = []model.OnboardingStep{
		{ID: "hours", Done: st.HoursSet},
		{ID: "services", Done: st.Services > 1},
		{ID: "widget", Done: st.WidgetCopied},
		{ID: "calendar", Done: st.CalendarConnected},
		{ID: "invite", Done: st.Invitations > 0 || st.Agents > 1},
	}
	all := true
	for _, step := range card.Steps {
		all = all && step.Done
	}
	card.Show = admin.Role == model.RoleAdmin && st.Enabled && !st.Dismissed && !all
	card.WidgetID = st.WidgetID
	return card, st.WidgetKey, nil
}

// MarkOnboarding records the snippet copied ("widget") or the card
// dismissed ("dismissed").
func (s *Service) MarkOnboarding(ctx context.Context, admin model.Agent, what string) error {
	return s.DB.MarkOnboarding(ctx, admin.OrganizationID, what)
}
