package crmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// HubSpot is a fake of the HubSpot CRM v3 objects, v4 associations and
// account-info APIs, authenticated with a private app token.
type HubSpot struct {
	recorder
	srv *httptest.Server

	// Token is the private app access token the fake accepts.
	Token string
	// PortalID is the account's id, as GET /account-info/v3/details says.
	PortalID int64
	// UIDomain is the account's web app host.
	UIDomain string

	mu        sync.Mutex
	revoked   bool
	lag       bool // new and changed records stay out of search until Index
	nextID    int64
	clock     time.Time
	objects   map[string]map[string]*hsObject // by type, then id
	assocs    []hsAssoc
	idsByType map[string][]string // creation order
}

type hsObject struct {
	id      string
	props   map[string]string
	created time.Time
	updated time.Time
	indexed bool
}

// hsAssoc is one direction of an association; every association is stored
// in both directions, each with its own type ids.
type hsAssoc struct {
	fromType, fromID, toType, toID string
	types                          []int
}

// HubSpot's standard association type ids (HUBSPOT_DEFINED).
const (
	hsContactToCompany        = 279
	hsContactToCompanyPrimary = 1
	hsCompanyToContact        = 280
	hsCompanyToContactPrimary = 2
	hsNoteToContact           = 202
	hsContactToNote           = 201
	hsNoteToCompany           = 190
	hsCompanyToNote           = 189
)

// hsProperties are the writable properties of each object type the fake
// knows; the real account has hundreds, these are the ones that matter.
var hsProperties = map[string][]string{
	"contacts":  {"email", "firstname", "lastname", "phone", "mobilephone", "company", "website", "jobtitle", "lifecyclestage", "hs_lead_status"},
	"companies": {"name", "domain", "website", "phone", "industry", "city", "country"},
	"notes":     {"hs_note_body", "hs_timestamp", "hubspot_owner_id", "hs_attachment_ids"},
}

// hsReadOnly are properties HubSpot sets itself.
var hsReadOnly = []string{"hs_object_id", "createdate", "lastmodifieddate", "hs_createdate", "hs_lastmodifieddate"}

// hsDefaultProps are returned by reads that ask for no properties.
var hsDefaultProps = map[string][]string{
	"contacts":  {"email", "firstname", "lastname"},
	"companies": {"name", "domain"},
	"notes":     {"hs_note_body", "hs_timestamp"},
}

// hsLifecycleStages are the default lifecycle stage internal values.
var hsLifecycleStages = []string{"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"}

// NewHubSpot starts a HubSpot fake on loopback; it stops when t ends.
func NewHubSpot(t testing.TB) *HubSpot {
	t.Helper()
	h := &HubSpot{
		Token:     "pat-eu1-" + correlationID(),
		PortalID:  26354812,
		UIDomain:  "app-eu1.hubspot.com",
		nextID:    1000,
		clock:     time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		objects:   map[string]map[string]*hsObject{"contacts": {}, "companies": {}, "notes": {}},
		idsByType: map[string][]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /account-info/v3/details", h.accountInfo)
	mux.HandleFunc("GET /crm/v3/objects/{type}", h.list)
	mux.HandleFunc("POST /crm/v3/objects/{type}", h.create)
	mux.HandleFunc("POST /crm/v3/objects/{type}/search", h.search)
	mux.HandleFunc("POST /crm/v3/objects/{type}/batch/read", h.batchRead)
	mux.HandleFunc("GET /crm/v3/objects/{type}/{id}", h.get)
	mux.HandleFunc("PATCH /crm/v3/objects/{type}/{id}", h.update)
	mux.HandleFunc("GET /crm/v4/objects/{type}/{id}/associations/{toType}", h.associations)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
	})
	h.srv = httptest.NewServer(h.serve(h.writeFault, h.authenticate(mux)))
	t.Cleanup(h.srv.Close)
	return h
}

// URL is the fake's base URL, the stand-in for https://api.hubapi.com.
func (h *HubSpot) URL() string { return h.srv.URL }

// RevokeToken makes every later request fail with 401, as after the
// private app's token was rotated.
func (h *HubSpot) RevokeToken() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.revoked = true
}

// SetSearchLag makes search miss records created or changed since the last
// Index call, as HubSpot's search index does for a few seconds.
func (h *HubSpot) SetSearchLag(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lag = on
}

// Index makes every record visible to search.
func (h *HubSpot) Index() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, objs := range h.objects {
		for _, o := range objs {
			o.indexed = true
		}
	}
}

// Object is a record's id and properties.
type Object struct {
	ID         string
	Properties map[string]string
}

// Note is a note and the contacts it is associated with.
type Note struct {
	ID         string
	Body       string
	Timestamp  string
	ContactIDs []string
}

// AddCompany seeds a company and returns its id.
func (h *HubSpot) AddCompany(name, domain string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.insert("companies", map[string]string{"name": name, "domain": domain}).id
}

// AddContact seeds a contact associated with companies (the first one as
// primary) and returns its id.
func (h *HubSpot) AddContact(props map[string]string, companyIDs ...string) string {
	h.mu.Lock()
	id := h.insert("contacts", props).id
	h.mu.Unlock()
	for i, cid := range companyIDs {
		h.AssociateCompany(id, cid, i == 0)
	}
	return id
}

// AssociateCompany associates a contact with a company, as primary
// company or not.
func (h *HubSpot) AssociateCompany(contactID, companyID string, primary bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ct, tc := []int{hsContactToCompany}, []int{hsCompanyToContact}
	if primary {
		ct, tc = []int{hsContactToCompanyPrimary, hsContactToCompany}, []int{hsCompanyToContactPrimary, hsCompanyToContact}
	}
	h.associate("contacts", contactID, ct, "companies", companyID, tc)
}

// AddNote seeds a note associated with a contact and returns its id.
func (h *HubSpot) AddNote(body, contactID string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	o := h.insert("notes", map[string]string{"hs_note_body": body, "hs_timestamp": h.clock.Format(time.RFC3339)})
	h.associate("notes", o.id, []int{hsNoteToContact}, "contacts", contactID, []int{hsContactToNote})
	return o.id
}

// Contacts returns every contact in creation order.
func (h *HubSpot) Contacts() []Object { return h.all("contacts") }

// Companies returns every company in creation order.
func (h *HubSpot) Companies() []Object { return h.all("companies") }

// Contact returns one contact.
func (h *HubSpot) Contact(id string) (Object, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.objects["contacts"][id]
	if !ok {
		return Object{}, false
	}
	return Object{ID: o.id, Properties: maps(o.props)}, true
}

// Notes returns every note in creation order with its contacts.
func (h *HubSpot) Notes() []Note {
	h.mu.Lock()
	defer h.mu.Unlock()
	var notes []Note
	for _, id := range h.idsByType["notes"] {
		o := h.objects["notes"][id]
		n := Note{ID: id, Body: o.props["hs_note_body"], Timestamp: o.props["hs_timestamp"]}
		for _, a := range h.assocs {
			if a.fromType == "notes" && a.fromID == id && a.toType == "contacts" {
				n.ContactIDs = append(n.ContactIDs, a.toID)
			}
		}
		notes = append(notes, n)
	}
	return notes
}

func (h *HubSpot) all(typ string) []Object {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Object
	for _, id := range h.idsByType[typ] {
		out = append(out, Object{ID: id, Properties: maps(h.objects[typ][id].props)})
	}
	return out
}

func maps(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// insert stores a record; callers hold h.mu. Seeded records are indexed at
// once; records written through the API are indexed unless lag is on.
func (h *HubSpot) insert(typ string, props map[string]string) *hsObject {
	h.nextID++
	h.clock = h.clock.Add(time.Second)
	o := &hsObject{id: strconv.FormatInt(h.nextID, 10), props: maps(props), created: h.clock, updated: h.clock, indexed: !h.lag}
	if typ == "contacts" && o.props["email"] != "" {
		o.props["email"] = strings.ToLower(o.props["email"])
	}
	h.objects[typ][o.id] = o
	h.idsByType[typ] = append(h.idsByType[typ], o.id)
	return o
}

func (h *HubSpot) associate(fromType, fromID string, fromTypes []int, toType, toID string, toTypes []int) {
	h.assocs = append(h.assocs,
		hsAssoc{fromType: fromType, fromID: fromID, toType: toType, toID: toID, types: fromTypes},
		hsAssoc{fromType: toType, fromID: toID, toType: fromType, toID: fromID, types: toTypes})
}

// --- HTTP ---

// authenticate checks the Bearer token before any endpoint runs.
func (h *HubSpot) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		revoked := h.revoked
		h.mu.Unlock()
		auth := r.Header.Get("Authorization")
		switch {
		case auth == "":
			h.fail(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
				"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
		case auth != "Bearer "+h.Token || revoked:
			h.fail(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
				"Authentication credentials are invalid or have been revoked. Check the access token.")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// fail writes HubSpot's error body.
func (h *HubSpot) fail(w http.ResponseWriter, status int, category, msg string) {
	writeJSON(w, status, map[string]any{
		"status": "error", "message": msg, "correlationId": correlationID(), "category": category,
	})
}

// invalidProperty writes HubSpot's property validation error, whose details
// travel as JSON text inside the message.
func (h *HubSpot) invalidProperty(w http.ResponseWriter, name, code, msg string) {
	detail, _ := json.Marshal([]map[string]any{{
		"isValid": false, "message": msg, "error": code, "name": name, "localizedErrorMessage": msg,
	}})
	h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: "+string(detail))
}

func (h *HubSpot) writeFault(w http.ResponseWriter, f Fault) {
	if f.Body != "" {
		writeRaw(w, f.Status, "application/json;charset=UTF-8", f.Body)
		return
	}
	switch s := f.Status; {
	case s == http.StatusUnauthorized:
		h.fail(w, s, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired 3 second(s) ago.")
	case s == http.StatusForbidden:
		writeJSON(w, s, map[string]any{
			"status": "error", "correlationId": correlationID(), "category": "MISSING_SCOPES",
			"message": "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
			"errors": []map[string]any{{
				"message": "One or more of the following scopes are required.",
				"context": map[string][]string{"requiredGranularScopes": {"crm.objects.contacts.write"}},
			}},
		})
	case s == http.StatusTooManyRequests:
		w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
		w.Header().Set("X-HubSpot-RateLimit-Max", "100")
		w.Header().Set("X-HubSpot-RateLimit-Remaining", "0")
		writeJSON(w, s, map[string]any{
			"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
			"errorType": "RATE_LIMIT", "correlationId": correlationID(),
			"policyName": "TEN_SECONDLY_ROLLING", "groupName": "privateapp:" + strconv.FormatInt(h.PortalID, 10),
		})
	case s == http.StatusBadRequest:
		h.invalidProperty(w, "email", "INVALID_EMAIL", "Email address is invalid")
	case s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout:
		// HubSpot's edge answers these with an HTML page, not JSON.
		writeRaw(w, s, "text/html", fmt.Sprintf("<html><body><h1>%d %s</h1></body></html>", s, http.StatusText(s)))
	default:
		h.fail(w, s, "INTERNAL_ERROR", "internal error")
	}
}

func (h *HubSpot) accountInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"portalId": h.PortalID, "accountType": "STANDARD", "timeZone": "Europe/Berlin",
		"companyCurrency": "EUR", "additionalCurrencies": []string{}, "utcOffset": "+01:00",
		"utcOffsetMilliseconds": 3600000, "uiDomain": h.UIDomain, "dataHostingLocation": "eu1",
	})
}

// objectType reads {type} and answers 404 for types the fake does not have.
func (h *HubSpot) objectType(w http.ResponseWriter, r *http.Request, key string) (string, bool) {
	typ := r.PathValue(key)
	if _, ok := hsProperties[typ]; !ok {
		h.fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("Unable to infer object type from: %s", typ))
		return "", false
	}
	return typ, true
}

// decode reads a JSON body the way HubSpot does: JSON only, strict.
func (h *HubSpot) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if !isJSON(r) {
		h.fail(w, http.StatusUnsupportedMediaType, "VALIDATION_ERROR", "Unsupported Media Type: expected application/json")
		return false
	}
	if err := decodeStrict(r.Body, v); err != nil {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: "+err.Error())
		return false
	}
	return true
}

// view renders a record with the requested properties, unset ones as null.
func view(o *hsObject, typ string, props []string) map[string]any {
	if len(props) == 0 {
		props = hsDefaultProps[typ]
	}
	p := map[string]any{
		"hs_object_id":     o.id,
		"createdate":       o.created.Format("2006-01-02T15:04:05.000Z"),
		"lastmodifieddate": o.updated.Format("2006-01-02T15:04:05.000Z"),
	}
	for _, name := range props {
		if v, ok := o.props[name]; ok {
			p[name] = v
		} else if _, set := p[name]; !set {
			p[name] = nil
		}
	}
	return map[string]any{
		"id": o.id, "properties": p, "archived": false,
		"createdAt": o.created.Format("2006-01-02T15:04:05.000Z"),
		"updatedAt": o.updated.Format("2006-01-02T15:04:05.000Z"),
	}
}

func splitProps(q []string) []string {
	var out []string
	for _, v := range q {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (h *HubSpot) list(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	limit := 10
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	results := []map[string]any{}
	for _, id := range h.idsByType[typ] {
		if len(results) == limit {
			break
		}
		results = append(results, view(h.objects[typ][id], typ, splitProps(r.URL.Query()["properties"])))
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

func (h *HubSpot) get(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.objects[typ][r.PathValue("id")]
	if !ok {
		h.fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
		return
	}
	writeJSON(w, http.StatusOK, view(o, typ, splitProps(r.URL.Query()["properties"])))
}

// hsAssociationInput is an association in a create request.
type hsAssociationInput struct {
	To struct {
		ID string `json:"id"`
	} `json:"to"`
	Types []struct {
		AssociationCategory string `json:"associationCategory"`
		AssociationTypeID   int    `json:"associationTypeId"`
	} `json:"types"`
}

func (h *HubSpot) create(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	var in struct {
		Properties   map[string]string    `json:"properties"`
		Associations []hsAssociationInput `json:"associations"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.validProperties(w, typ, in.Properties, "") {
		return
	}
	if typ == "notes" {
		if in.Properties["hs_timestamp"] == "" {
			h.invalidProperty(w, "hs_timestamp", "REQUIRED_PROPERTY", "hs_timestamp is required")
			return
		}
	}
	// Resolve associations before writing anything: a bad one fails the
	// whole create, as in HubSpot.
	type link struct {
		toType, toID string
		from, to     []int
	}
	var links []link
	for _, a := range in.Associations {
		if len(a.Types) == 0 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "association types are required")
			return
		}
		for _, t := range a.Types {
			toType, inverse, ok := hsAssociationType(typ, t.AssociationTypeID)
			if !ok || t.AssociationCategory != "HUBSPOT_DEFINED" {
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR",
					fmt.Sprintf("%s is not a valid association type id between %s and the target object", strconv.Itoa(t.AssociationTypeID), typ))
				return
			}
			if _, exists := h.objects[toType][a.To.ID]; !exists {
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR",
					fmt.Sprintf("One or more associations are invalid: no %s with id %q", toType, a.To.ID))
				return
			}
			links = append(links, link{toType: toType, toID: a.To.ID, from: []int{t.AssociationTypeID}, to: []int{inverse}})
		}
	}
	o := h.insert(typ, in.Properties)
	for _, l := range links {
		h.associate(typ, o.id, l.from, l.toType, l.toID, l.to)
	}
	writeJSON(w, http.StatusCreated, view(o, typ, keys(in.Properties)))
}

// hsAssociationType resolves an association type id used from fromType.
func hsAssociationType(fromType string, id int) (toType string, inverse int, ok bool) {
	switch {
	case fromType == "notes" && id == hsNoteToContact:
		return "contacts", hsContactToNote, true
	case fromType == "notes" && id == hsNoteToCompany:
		return "companies", hsCompanyToNote, true
	case fromType == "contacts" && id == hsContactToCompany:
		return "companies", hsCompanyToContact, true
	case fromType == "contacts" && id == hsContactToCompanyPrimary:
		return "companies", hsCompanyToContactPrimary, true
	}
	return "", 0, false
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (h *HubSpot) update(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	var in struct {
		Properties map[string]string `json:"properties"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.objects[typ][r.PathValue("id")]
	if !ok {
		h.fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
		return
	}
	if !h.validProperties(w, typ, in.Properties, o.id) {
		return
	}
	for k, v := range in.Properties {
		if k == "email" {
			v = strings.ToLower(v)
		}
		o.props[k] = v
	}
	h.clock = h.clock.Add(time.Second)
	o.updated = h.clock
	o.indexed = !h.lag
	writeJSON(w, http.StatusOK, view(o, typ, keys(in.Properties)))
}

// validProperties checks properties to write on a record of typ; self is
// the record being updated ("" on create). It writes the error and returns
// false when one is refused. Callers hold h.mu.
func (h *HubSpot) validProperties(w http.ResponseWriter, typ string, props map[string]string, self string) bool {
	for _, name := range keys(props) {
		v := props[name]
		switch {
		case slices.Contains(hsReadOnly, name):
			h.invalidProperty(w, name, "READ_ONLY_VALUE", fmt.Sprintf("%q is a read only property; its value cannot be set.", name))
			return false
		case !slices.Contains(hsProperties[typ], name):
			h.invalidProperty(w, name, "PROPERTY_DOESNT_EXIST", fmt.Sprintf("Property %q does not exist", name))
			return false
		case name == "email" && v != "":
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				h.invalidProperty(w, name, "INVALID_EMAIL", fmt.Sprintf("Email address %s is invalid", v))
				return false
			}
			for _, o := range h.objects["contacts"] {
				if o.id != self && strings.EqualFold(o.props["email"], v) {
					// The create-or-update conflict HubSpot reports.
					h.fail(w, http.StatusConflict, "CONFLICT", "Contact already exists. Existing ID: "+o.id)
					return false
				}
			}
		case name == "lifecyclestage" && v != "" && !slices.Contains(hsLifecycleStages, v):
			h.invalidProperty(w, name, "INVALID_OPTION", fmt.Sprintf("%s was not one of the allowed options: %v", v, hsLifecycleStages))
			return false
		case name == "hs_timestamp" && v != "":
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					h.invalidProperty(w, name, "INVALID_DATE", fmt.Sprintf("%s is not a valid timestamp", v))
					return false
				}
			}
		}
	}
	return true
}

// hsSearchRequest is the body of POST /crm/v3/objects/{type}/search.
type hsSearchRequest struct {
	FilterGroups []struct {
		Filters []struct {
			PropertyName string   `json:"propertyName"`
			Operator     string   `json:"operator"`
			Value        string   `json:"value"`
			Values       []string `json:"values"`
		} `json:"filters"`
	} `json:"filterGroups"`
	Properties []string          `json:"properties"`
	Sorts      []json.RawMessage `json:"sorts"`
	Query      string            `json:"query"`
	Limit      int               `json:"limit"`
	After      json.Number       `json:"after"`
}

func (h *HubSpot) search(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	var in hsSearchRequest
	if !h.decode(w, r, &in) {
		return
	}
	if in.Limit == 0 {
		in.Limit = 10
	}
	if in.Limit < 1 || in.Limit > 200 {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "limit must be between 1 and 200")
		return
	}
	if len(in.FilterGroups) > 5 {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "at most 5 filterGroups are allowed")
		return
	}
	known := append(append([]string{}, hsProperties[typ]...), hsReadOnly...)
	for _, g := range in.FilterGroups {
		if len(g.Filters) == 0 || len(g.Filters) > 6 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "each filterGroup needs 1 to 6 filters")
			return
		}
		for _, f := range g.Filters {
			if !slices.Contains(known, f.PropertyName) {
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("There was a problem with the request: property %q does not exist", f.PropertyName))
				return
			}
			switch f.Operator {
			case "EQ", "NEQ", "CONTAINS_TOKEN", "HAS_PROPERTY", "NOT_HAS_PROPERTY":
			default:
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("Unsupported operator %q", f.Operator))
				return
			}
		}
	}
	offset := 0
	if in.After != "" {
		n, err := strconv.Atoi(string(in.After))
		if err != nil || n < 0 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "after must be a paging cursor")
			return
		}
		offset = n
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	var matches []*hsObject
	for _, id := range h.idsByType[typ] {
		o := h.objects[typ][id]
		if !o.indexed {
			continue
		}
		hit := len(in.FilterGroups) == 0
		for _, g := range in.FilterGroups { // groups are ORed, filters ANDed
			all := true
			for _, f := range g.Filters {
				all = all && hsFilterMatch(o.props[f.PropertyName], f.Operator, f.Value)
			}
			hit = hit || all
		}
		if hit {
			matches = append(matches, o)
		}
	}
	res := map[string]any{"total": len(matches)}
	results := []map[string]any{}
	for i := offset; i < len(matches) && len(results) < in.Limit; i++ {
		results = append(results, view(matches[i], typ, in.Properties))
	}
	res["results"] = results
	if next := offset + len(results); next < len(matches) {
		res["paging"] = map[string]any{"next": map[string]string{"after": strconv.Itoa(next)}}
	}
	writeJSON(w, http.StatusOK, res)
}

// hsFilterMatch applies one search filter; HubSpot compares strings
// without regard to case.
func hsFilterMatch(v, op, want string) bool {
	switch op {
	case "EQ":
		return strings.EqualFold(v, want)
	case "NEQ":
		return !strings.EqualFold(v, want)
	case "CONTAINS_TOKEN":
		return want != "" && strings.Contains(strings.ToLower(v), strings.ToLower(strings.Trim(want, "*")))
	case "HAS_PROPERTY":
		return v != ""
	case "NOT_HAS_PROPERTY":
		return v == ""
	}
	return false
}

func (h *HubSpot) batchRead(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	var in struct {
		Properties []string `json:"properties"`
		Inputs     []struct {
			ID string `json:"id"`
		} `json:"inputs"`
		IDProperty            string   `json:"idProperty"`
		PropertiesWithHistory []string `json:"propertiesWithHistory"`
	}
	if !h.decode(w, r, &in) {
		return
	}
	if len(in.Inputs) > 100 {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Batch input must contain at most 100 inputs")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now().UTC().Format(time.RFC3339)
	results := []map[string]any{}
	var missing []string
	for _, input := range in.Inputs {
		if o, ok := h.objects[typ][input.ID]; ok {
			results = append(results, view(o, typ, in.Properties))
		} else {
			missing = append(missing, input.ID)
		}
	}
	res := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	if len(missing) > 0 {
		res["numErrors"] = 1
		res["errors"] = []map[string]any{{
			"status": "error", "category": "OBJECT_NOT_FOUND",
			"message": fmt.Sprintf("Could not get some %s objects, they may be deleted or not exist. Check that ids are valid.", typ),
			"context": map[string][]string{"ids": missing},
		}}
		writeJSON(w, http.StatusMultiStatus, res)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *HubSpot) associations(w http.ResponseWriter, r *http.Request) {
	typ, ok := h.objectType(w, r, "type")
	if !ok {
		return
	}
	toType, ok := h.objectType(w, r, "toType")
	if !ok {
		return
	}
	limit, offset := 500, 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "limit must be between 1 and 500")
			return
		}
		limit = n
	}
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "after must be a paging cursor")
			return
		}
		offset = n
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	id := r.PathValue("id")
	if _, exists := h.objects[typ][id]; !exists {
		h.fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
		return
	}
	var all []hsAssoc
	for _, a := range h.assocs {
		if a.fromType == typ && a.fromID == id && a.toType == toType {
			all = append(all, a)
		}
	}
	results := []map[string]any{}
	for i := offset; i < len(all) && len(results) < limit; i++ {
		toID, _ := strconv.ParseInt(all[i].toID, 10, 64)
		var types []map[string]any
		for _, t := range all[i].types {
			var label any
			if t == hsContactToCompanyPrimary || t == hsCompanyToContactPrimary {
				label = "Primary"
			}
			types = append(types, map[string]any{"category": "HUBSPOT_DEFINED", "typeId": t, "label": label})
		}
		results = append(results, map[string]any{"toObjectId": toID, "associationTypes": types})
	}
	res := map[string]any{"results": results}
	if next := offset + len(results); next < len(all) {
		res["paging"] = map[string]any{"next": map[string]string{
			"after": strconv.Itoa(next),
			"link":  fmt.Sprintf("%s%s?after=%d", h.srv.URL, r.URL.Path, next),
		}}
	}
	writeJSON(w, http.StatusOK, res)
}
