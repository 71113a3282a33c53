package postgres

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/uptrace/bun"

	"github.com/frontdesk/frontdesk/model"
)

// Assignment is a validated-on-write change of service and assignee.
type Assignment struct {
	OrganizationID int64
	ConversationID int64
	By             model.Agent
	ServiceID      *int64
	AssigneeID     *int64
	Leave          bool
}

func notAssignable(svc string) error {
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeServiceNotAssignable,
		Message: fmt.Sprintf("%s has no member with a Standard license, so conversations cannot be assigned to it.", svc),
		Fields:  map[string]string{"service_id": "has no member with a Standard license"}}
}

func notEligible(msg string) error {
	return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeAssigneeNotEligible, Message: msg,
		Fields: map[string]string{"assignee_id": msg}}
}

// Assign applies an assignment in one transaction: the checks (the seed's
// rule that a service needs a Standard member; assignees must be active,
// Standard and, when a service is chosen, its member), the change, the
// participants, a system message recording it, and the events.
func (db *DB) Assign(ctx context.Context, a Assignment) (model.Conversation, error) {
	var out model.Conversation
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var conv conversationRow
		if err := tx.NewSelect().Model(&conv).Where("organization_id = ? AND id = ?", a.OrganizationID, a.ConversationID).For("UPDATE").Scan(ctx); err != nil {
			if noRows(err) {
				return notFound("Conversation")
			}
			return fmt.Errorf("lock conversation: %w", err)
		}
		if a.ServiceID == nil && a.AssigneeID == nil {
			return (model.Fields{"service_id": "choose a service, an assignee, or both"}).Err()
		}

		var parts []string
		newService := conv.ServiceID
		if a.ServiceID != nil {
			svc, err := service(ctx, tx, a.OrganizationID, *a.ServiceID)
			if err != nil {
				if IsNotFound(err) {
					return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "The service does not exist.", Fields: map[string]string{"service_id": "unknown service"}}
				}
				return err
			}
			if !svc.Assignable {
				return notAssignable(svc.Name)
			}
			newService = &svc.ID
			parts = append(parts, svc.Name)
		}

		newAssignee := a.AssigneeID
		if a.AssigneeID != nil {
			agent, err := agentBy(ctx, tx, "organization_id = ? AND id = ?", a.OrganizationID, *a.AssigneeID)
			if err != nil {
				if IsNotFound(err) {
					return notEligible("The assignee is not an agent of this organization.")
				}
				return err
			}
			switch {
			case !agent.Active:
				return notEligible(agent.Name + " is deactivated.")
			case agent.License != model.LicenseStandard:
				return notEligible(agent.Name + " has a Basic license and cannot hold conversations.")
			}
			if a.ServiceID != nil {
				member, err := tx.NewSelect().Table("service_members").Where("service_id = ? AND agent_id = ?", *a.ServiceID, agent.ID).Exists(ctx)
				if err != nil {
					return fmt.Errorf("check membership: %w", err)
				}
				if !member {
					return notEligible(agent.Name + " is not a member of the chosen service.")
				}
			}
			parts = append(parts, agent.Name)
		} else if a.ServiceID != nil {
			// A service without a named assignee follows its strategy.
			routed, err := RouteTx(ctx, tx, a.OrganizationID, a.ServiceID)
			if err != nil {
				return err
			}
			newAssignee = routed
			if routed != nil {
				if agent, err := agentBy(ctx, tx, "id = ?", *routed); err == nil {
					parts = append(parts, agent.Name)
				}
			}
		}

		if _, err := tx.NewUpdate().Table("conversations").
			Set("service_id = ?", newService).Set("assignee_id = ?", newAssignee).Set("updated_at = now()").
			Where("id = ?", conv.ID).Exec(ctx); err != nil {
			return fmt.Errorf("update assignment: %w", translate(err))
		}
		if newAssignee != nil {
			if err := joinConversation(ctx, tx, a.OrganizationID, conv.ID, *newAssignee, 0); err != nil {
				return err
			}
		}
		if a.Leave && (newAssignee == nil || *newAssignee != a.By.ID) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_agents (organization_id, conversation_id, agent_id, left_at)
				VALUES (?, ?, ?, now()) ON CONFLICT (conversation_id, agent_id) DO UPDATE SET left_at = now()`,
				a.OrganizationID, conv.ID, a.By.ID); err != nil {
				return fmt.Errorf("leave conversation: %w", err)
			}
		}

		note := fmt.Sprintf("%s assigned this conversation to %s.", a.By.Name, strings.Join(parts, " / "))
		if a.Leave {
			note += fmt.Sprintf(" %s left the conversation.", a.By.Name)
		}
		if _, err := db.AppendMessageTx(ctx, tx, a.OrganizationID, conv.ID, Author{Kind: model.AuthorSystem, Name: "Frontdesk"}, "", note); err != nil {
			return err
		}
		var err error
		if out, err = conversation(ctx, tx, a.OrganizationID, conv.ID, a.By.ID); err != nil {
			return err
		}
		return notify(ctx, tx, Notification{OrganizationID: a.OrganizationID, ConversationID: conv.ID,
			Event: model.Event{Type: model.EventConversation, ConversationID: conv.ID, Conversation: &out}})
	})
	return out, err
}

// RouteTx picks an assignee for a conversation entering a service, by the
// service's strategy, among its active Standard members who are online.
// Manual services, and services with nobody online, keep the conversation
// in their queue (nil).
func RouteTx(ctx context.Context, tx bun.IDB, orgID int64, serviceID *int64) (*int64, error) {
	if serviceID == nil {
		return nil, nil
	}
	var svc serviceRow
	// Locking the service row serialises round robin's "who was last".
	if err := tx.NewSelect().Model(&svc).Column("id", "strategy", "last_assignee").
		Where("organization_id = ? AND id = ?", orgID, *serviceID).For("UPDATE").Scan(ctx); err != nil {
		if noRows(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("lock service: %w", err)
	}
	if svc.Strategy == string(model.StrategyManual) {
		return nil, nil
	}
	var candidates []struct {
		ID   int64
		Open int64
	}
	err := tx.NewSelect().TableExpr("service_members AS m").
		ColumnExpr("a.id").
		ColumnExpr(`(SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status <> 'resolved') AS open`).
		Join("JOIN agents AS a ON a.id = m.agent_id").
		Where("m.service_id = ? AND a.active AND a.license = 'standard'", svc.ID).
		Where("EXISTS (SELECT 1 FROM presence p WHERE p.agent_id = a.id AND p.seen_at > now() - ?::interval)", PresenceTTL.String()).
		OrderExpr("a.id").Scan(ctx, &candidates)
	if err != nil {
		return nil, fmt.Errorf("routing candidates: %w", err)
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	pick := candidates[0].ID
	switch model.Strategy(svc.Strategy) {
	case model.StrategyRoundRobin:
		if svc.LastAssignee != nil {
			for _, c := range candidates {
				if c.ID > *svc.LastAssignee {
					pick = c.ID
					break
				}
			}
		}
	case model.StrategyLeastBusy:
		best := candidates[0]
		for _, c := range candidates[1:] {
			if c.Open < best.Open {
				best = c
			}
		}
		pick = best.ID
	}
	if _, err := tx.NewUpdate().Table("services").Set("last_assignee = ?", pick).Where("id = ?", svc.ID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("remember assignee: %w", err)
	}
	return &pick, nil
}

// Route is RouteTx in a transaction of its own; the API's Router.
func (db *DB) Route(ctx context.Context, orgID int64, serviceID *int64) (*int64, error) {
	var out *int64
	err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = RouteTx(ctx, tx, orgID, serviceID)
		return err
	})
	return out, err
}
