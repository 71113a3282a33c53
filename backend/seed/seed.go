// Package seed creates the demo organization that `make run` shows off.
package seed

import (
	"context"
	"fmt"

	"github.com/frontdesk/frontdesk/backend/password"
	"github.com/frontdesk/frontdesk/backend/postgres"
	"github.com/frontdesk/frontdesk/model"
)

// DemoOrganization is the seeded tenant's name.
const DemoOrganization = "Demo Company"

// DemoPassword signs in every demo agent. It is fixed and printed because
// this data exists only to be tried out; real agents choose their own.
const DemoPassword = "frontdesk-demo"

// Demo is what was seeded.
type Demo struct {
	Organization model.Organization
	Agents       []model.Agent
	Services     []model.Service
	Widget       model.Widget
}

type demoAgent struct {
	email, name, title, slug, tz string
	role                         model.Role
	license                      model.License
}

var demoAgents = []demoAgent{
	{"admin@demo.frontdesk.test", "Ada Admin", "Head of Customer Success", "ada", "Europe/Berlin", model.RoleAdmin, model.LicenseStandard},
	{"anna@demo.frontdesk.test", "Anna Schmidt", "Sales Manager", "anna", "Europe/Berlin", model.RoleAgent, model.LicenseStandard},
	{"ben@demo.frontdesk.test", "Ben Carter", "Account Executive", "ben", "America/New_York", model.RoleAgent, model.LicenseStandard},
	{"chiara@demo.frontdesk.test", "Chiara Rossi", "Support Engineer", "chiara", "Europe/Rome", model.RoleAgent, model.LicenseStandard},
	{"dan@demo.frontdesk.test", "Dan Basic", "Billing Clerk", "dan", "Europe/London", model.RoleAgent, model.LicenseBasic},
}

// Run seeds the demo organization unless it exists, and returns it either
// way, so `make run` can call it on every start.
func Run(ctx context.Context, db *postgres.DB) (Demo, error) {
	org, err := db.OrganizationByName(ctx, DemoOrganization)
	if postgres.IsNotFound(err) {
		if err := create(ctx, db); err != nil {
			return Demo{}, fmt.Errorf("seed demo: %w", err)
		}
		org, err = db.OrganizationByName(ctx, DemoOrganization)
	}
	if err != nil {
		return Demo{}, fmt.Errorf("seed demo: %w", err)
	}
	return load(ctx, db, org)
}

// create inserts the demo under a temporary name and renames it when all of
// it is in, so an interrupted seed is never mistaken for a finished one; the
// leftovers of one are deleted first (everything cascades from the
// organization).
func create(ctx context.Context, db *postgres.DB) error {
	hash, err := password.Hash(DemoPassword)
	if err != nil {
		return err
	}
	const seeding = DemoOrganization + " (seeding)"
	if err := db.DeleteOrganizationsNamed(ctx, seeding); err != nil {
		return err
	}
	org, err := db.CreateOrganization(ctx, seeding)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, a := range demoAgents {
		agent, err := db.CreateAgent(ctx, org.ID, postgres.NewAgent{
			Email: a.email, Name: a.name, Title: a.title, Slug: a.slug, TimeZone: a.tz,
			Role: a.role, License: a.license, PasswordHash: hash,
		})
		if err != nil {
			return err
		}
		ids[a.slug] = agent.ID
		if err := db.SetAvailability(ctx, org.ID, agent.ID, postgres.DefaultAvailability(a.tz)); err != nil {
			return err
		}
	}
	services := []struct {
		name     string
		strategy model.Strategy
		members  []int64
	}{
		{"Sales", model.StrategyRoundRobin, []int64{ids["anna"], ids["ben"], ids["ada"]}},
		{"Support", model.StrategyLeastBusy, []int64{ids["ben"], ids["chiara"]}},
		// Billing's only member has a Basic license: the seed's limitation
		// makes it listed but not assignable.
		{"Billing", model.StrategyManual, []int64{ids["dan"]}},
	}
	var salesID int64
	for _, s := range services {
		s := s
		svc, err := db.CreateService(ctx, org.ID, postgres.ServiceSpec{Name: &s.name, Strategy: &s.strategy, MemberIDs: &s.members})
		if err != nil {
			return err
		}
		if s.name == "Sales" {
			salesID = svc.ID
		}
	}
	if _, err := db.CreateWidget(ctx, org.ID, model.Widget{
		PublicKey: "wk_demo_website", Name: "Demo website", Color: "#2563eb",
		Greeting: "Hi! Questions about Frontdesk? We're here to help.", ServiceID: &salesID,
		PreChatName: true, PreChatEmail: true, AllowedOrigins: []string{},
	}); err != nil {
		return err
	}
	return db.RenameOrganization(ctx, org.ID, DemoOrganization)
}

func load(ctx context.Context, db *postgres.DB, org model.Organization) (Demo, error) {
	agents, err := db.Agents(ctx, org.ID)
	if err != nil {
		return Demo{}, err
	}
	services, err := db.Services(ctx, org.ID)
	if err != nil {
		return Demo{}, err
	}
	widgets, err := db.Widgets(ctx, org.ID)
	if err != nil {
		return Demo{}, err
	}
	d := Demo{Organization: org, Agents: agents, Services: services}
	if len(widgets) > 0 {
		d.Widget = widgets[0]
	}
	return d, nil
}
