package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type availabilityRow struct {
	bun.BaseModel       `bun:"table:availability"`
	AgentID             int64 `bun:",pk"`
	OrganizationID      int64
	Rules               []model.AvailabilityRule     `bun:",type:jsonb"`
	Overrides           []model.AvailabilityOverride `bun:",type:jsonb"`
	Durations           []int                        `bun:",array"`
	MinNoticeMinutes    int
	HorizonDays         int
	BufferBeforeMinutes int
	BufferAfterMinutes  int
	StepMinutes         int
	UpdatedAt           time.Time `bun:",nullzero,default:now()"`
}

// DefaultAvailability is what an agent offers before editing anything:
// weekdays 09:00–17:00 in their zone, 30-minute meetings.
func DefaultAvailability(tz string) model.Availability {
	return model.Availability{
		TimeZone: tz,
		Rules: []model.AvailabilityRule{{
			RRule:  "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
			Window: model.Window{Start: "09:00", End: "17:00"},
		}},
		Overrides:        []model.AvailabilityOverride{},
		Durations:        []int{15, 30, 60},
		MinNoticeMinutes: 120, HorizonDays: 60, StepMinutes: 15,
	}
}

// Availability loads an agent's availability, or the default when the agent
// never saved one.
func (db *DB) Availability(ctx context.Context, orgID, agentID int64) (model.Availability, error) {
	agent, err := db.Agent(ctx, orgID, agentID)
	if err != nil {
		return model.Availability{}, err
	}
	var row availabilityRow
	err = db.Bun.NewSelect().Model(&row).Where("organization_id = ? AND agent_id = ?", orgID, agentID).Scan(ctx)
	if noRows(err) {
		return DefaultAvailability(agent.TimeZone), nil
	}
	if err != nil {
		return model.Availability{}, fmt.Errorf("select availability: %w", err)
	}
	return model.Availability{
		TimeZone: agent.TimeZone, Rules: row.Rules, Overrides: row.Overrides, Durations: row.Durations,
		MinNoticeMinutes: row.MinNoticeMinutes, HorizonDays: row.HorizonDays,
		BufferBeforeMinutes: row.BufferBeforeMinutes, BufferAfterMinutes: row.BufferAfterMinutes,
		StepMinutes: row.StepMinutes,
	}, nil
}

// SetAvailability stores a validated availability for an agent.
func (db *DB) SetAvailability(ctx context.Context, orgID, agentID int64, a model.Availability) error {
	row := availabilityRow{
		AgentID: agentID, OrganizationID: orgID, Rules: a.Rules, Overrides: a.Overrides, Durations: a.Durations,
		MinNoticeMinutes: a.MinNoticeMinutes, HorizonDays: a.HorizonDays,
		BufferBeforeMinutes: a.BufferBeforeMinutes, BufferAfterMinutes: a.BufferAfterMinutes,
		StepMinutes: a.StepMinutes, UpdatedAt: db.Now(),
	}
	if row.Overrides == nil {
		row.Overrides = []model.AvailabilityOverride{}
	}
	_, err := db.Bun.NewInsert().Model(&row).
		On("CONFLICT (agent_id) DO UPDATE").
		Set("rules = EXCLUDED.rules, overrides = EXCLUDED.overrides, durations = EXCLUDED.durations").
		Set("min_notice_minutes = EXCLUDED.min_notice_minutes, horizon_days = EXCLUDED.horizon_days").
		Set("buffer_before_minutes = EXCLUDED.buffer_before_minutes, buffer_after_minutes = EXCLUDED.buffer_after_minutes").
		Set("step_minutes = EXCLUDED.step_minutes, updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("upsert availability: %w", translate(err))
	}
	return nil
}
