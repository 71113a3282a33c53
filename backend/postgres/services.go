package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

type serviceRow struct {
	bun.BaseModel  `bun:"table:services,alias:s"`
	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	Name           string
	Strategy       string
	LastAssignee   *int64
	CreatedAt      time.Time `bun:",nullzero,default:now()"`

	// Filled by the queries below, not columns.
	MemberIDs  []int64 `bun:"member_ids,array,scanonly"`
	Assignable bool    `bun:"assignable,scanonly"`
}

func (r serviceRow) model() model.Service {
	ids := r.MemberIDs
	if ids == nil {
		ids = []int64{}
	}
	return model.Service{
		ID: r.ID, OrganizationID: r.OrganizationID, Name: r.Name, Strategy: model.Strategy(r.Strategy),
		MemberIDs: ids, CreatedAt: r.CreatedAt, Assignable: r.Assignable,
	}
}

type serviceMemberRow struct {
	bun.BaseModel  `bun:"table:service_members"`
	OrganizationID int64
	ServiceID      int64
	AgentID        int64
}

// selectServices adds the member list and the seed's assignability rule: a
// service is assignable only while one of its active members holds a
// Standard license.
func selectServices(idb bun.IDB, rows *[]serviceRow) *bun.SelectQuery {
	return idb.NewSelect().Model(rows).
		ColumnExpr("s.*").
		ColumnExpr(`coalesce((SELECT array_agg(m.agent_id ORDER BY m.agent_id) FROM service_members m WHERE m.service_id = s.id), '{}') AS member_ids`).
		ColumnExpr(`EXISTS (SELECT 1 FROM service_members m JOIN agents a ON a.id = m.agent_id
			WHERE m.service_id = s.id AND a.active AND a.license = 'standard') AS assignable`)
}

// Services lists an organization's services by name.
func (db *DB) Services(ctx context.Context, orgID int64) ([]model.Service, error) {
	var rows []serviceRow
	if err := selectServices(db.Bun, &rows).Where("s.organization_id = ?", orgID).Order("s.name", "s.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select services: %w", err)
	}
	out := make([]model.Service, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// Service loads one service of an organization.
func (db *DB) Service(ctx context.Context, orgID, id int64) (model.Service, error) {
	return service(ctx, db.Bun, orgID, id)
}

func service(ctx context.Context, idb bun.IDB, orgID, id int64) (model.Service, error) {
	var rows []serviceRow
	if err := selectServices(idb, &rows).Where("s.organization_id = ? AND s.id = ?", orgID, id).Scan(ctx); err != nil {
		return model.Service{}, fmt.Errorf("select service: %w", err)
	}
	if len(rows) == 0 {
		return model.Service{}, notFound("Service")
	}
	return rows[0].model(), nil
}

// ServiceSpec is a validated service to create or replace.
type ServiceSpec struct {
	Name      *string
	Strategy  *model.Strategy
	MemberIDs *[]int64
}

// CreateService adds a service with its members.
func (db *DB) CreateService(ctx context.Context, orgID int64, spec ServiceSpec) (model.Service, error) {
	var out model.Service
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		row := serviceRow{OrganizationID: orgID, Name: *spec.Name, Strategy: string(model.StrategyManual)}
		if spec.Strategy != nil {
			row.Strategy = string(*spec.Strategy)
		}
		if _, err := tx.NewInsert().Model(&row).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("insert service: %w", translate(err))
		}
		if spec.MemberIDs != nil {
			if err := setMembers(ctx, tx, orgID, row.ID, *spec.MemberIDs); err != nil {
				return err
			}
		}
		var err error
		out, err = service(ctx, tx, orgID, row.ID)
		return err
	})
	return out, err
}

// UpdateService applies a partial update to a service.
func (db *DB) UpdateService(ctx context.Context, orgID, id int64, spec ServiceSpec) (model.Service, error) {
	var out model.Service
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Table("services").Where("organization_id = ? AND id = ?", orgID, id)
		if spec.Name != nil {
			q = q.Set("name = ?", *spec.Name)
		}
		if spec.Strategy != nil {
			q = q.Set("strategy = ?", string(*spec.Strategy))
		}
		// A no-op SET keeps the query valid and still tells us whether the
		// row exists in this organization.
		res, err := q.Set("id = id").Exec(ctx)
		if err != nil {
			return fmt.Errorf("update service: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Service")
		}
		if spec.MemberIDs != nil {
			if err := setMembers(ctx, tx, orgID, id, *spec.MemberIDs); err != nil {
				return err
			}
		}
		out, err = service(ctx, tx, orgID, id)
		return err
	})
	return out, err
}

// setMembers replaces a service's members. The composite foreign key turns
// an agent of another organization into a validation error.
func setMembers(ctx context.Context, tx bun.Tx, orgID, serviceID int64, ids []int64) error {
	if _, err := tx.NewDelete().Model((*serviceMemberRow)(nil)).Where("service_id = ?", serviceID).Exec(ctx); err != nil {
		return fmt.Errorf("clear members: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	rows := make([]serviceMemberRow, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			rows = append(rows, serviceMemberRow{OrganizationID: orgID, ServiceID: serviceID, AgentID: id})
		}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("insert members: %w", translate(err))
	}
	return nil
}

// DeleteService removes a service; conversations routed to it keep their
// history and lose the routing.
func (db *DB) DeleteService(ctx context.Context, orgID, id int64) error {
	res, err := db.Bun.NewDelete().Table("services").Where("organization_id = ? AND id = ?", orgID, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete service: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Service")
	}
	return nil
}
