package postgres

import (
	"database/sql"
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdesk/frontdesk/model"
)

// ErrNotFound is returned, wrapped in a model.Error, when a row does not
// exist in the caller's organization. Rows of other organizations are
// reported the same way, so callers cannot probe for them.
var errNotFound = errors.New("not found")

func notFound(what string) error {
	return &model.Error{Status: http.StatusNotFound, Code: model.CodeNotFound, Message: what + " not found."}
}

// IsNotFound reports whether err means "no such row".
func IsNotFound(err error) bool {
	if e, ok := model.AsError(err); ok {
		return e.Code == model.CodeNotFound
	}
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) || errors.Is(err, errNotFound)
}

func noRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}

// constraintErrors turns the violations users can cause into API errors;
// anything else stays an internal error.
var constraintErrors = map[string]*model.Error{
	"agents_email_key":  {Status: http.StatusConflict, Code: model.CodeEmailTaken, Message: "An agent with this email already exists.", Fields: map[string]string{"email": "already taken"}},
	"agents_slug_key":   {Status: http.StatusConflict, Code: model.CodeSlugTaken, Message: "This personal-link slug is already taken.", Fields: map[string]string{"slug": "already taken"}},
	"services_name_key": {Status: http.StatusConflict, Code: model.CodeNameTaken, Message: "A service with this name already exists.", Fields: map[string]string{"name": "already taken"}},
	"widgets_name_key":  {Status: http.StatusConflict, Code: model.CodeNameTaken, Message: "A widget with this name already exists.", Fields: map[string]string{"name": "already taken"}},
	"service_members_organization_id_agent_id_fkey": {Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "A member is not an agent of this organization.", Fields: map[string]string{"member_ids": "unknown agent"}},
	"meetings_no_overlap":                           {Status: http.StatusConflict, Code: model.CodeSlotTaken, Message: "Someone booked this time just before you. Please choose another slot."},
	"widgets_organization_id_service_id_fkey":       {Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "The service does not exist.", Fields: map[string]string{"service_id": "unknown service"}},
}

// translate maps database errors to API errors where the user is at fault.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if e, ok := constraintErrors[pgErr.ConstraintName]; ok {
			c := *e
			return &c
		}
		if pgErr.Code == "23514" { // check_violation: validation should have caught it
			return &model.Error{Status: http.StatusUnprocessableEntity, Code: model.CodeValidation, Message: "A value is out of range (" + pgErr.ConstraintName + ")."}
		}
	}
	return err
}

// violates reports whether err is a violation of the named constraint.
func violates(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.ConstraintName == constraint
}
