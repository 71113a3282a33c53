package crmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Salesforce is a fake of a Salesforce org's REST API: the OAuth 2.0
// client-credentials token endpoint, SOQL queries, and Lead create and
// update, with Account, Contact and Lead records.
type Salesforce struct {
	recorder
	srv *httptest.Server

	// ClientID and ClientSecret are the connected app's credentials.
	ClientID     string
	ClientSecret string
	// APIVersion is the one version the fake serves, e.g. "v60.0".
	APIVersion string

	mu            sync.Mutex
	tokens        map[string]bool // issued and still valid
	tokenRequests int
	nextID        int
	clock         time.Time
	records       map[string]map[string]*sfRecord // by object, then id
	order         map[string][]string             // creation order per object
	queries       []string
}

type sfRecord struct {
	object string
	id     string
	fields map[string]any // string, bool or nil
}

// sfField describes a field of the fake's schema.
type sfField struct {
	kind       string // "id", "string", "email", "phone", "url", "textarea", "picklist", "bool", "datetime", "reference"
	label      string
	length     int
	required   bool // on create, and cannot be cleared
	writable   bool
	filterable bool
}

// sfSchema is the part of the standard objects the fake serves.
var sfSchema = map[string]map[string]sfField{
	"Lead": {
		"Id":               {kind: "id", label: "Lead ID", filterable: true},
		"FirstName":        {kind: "string", label: "First Name", length: 40, writable: true, filterable: true},
		"LastName":         {kind: "string", label: "Last Name", length: 80, required: true, writable: true, filterable: true},
		"Name":             {kind: "string", label: "Full Name", length: 121, filterable: true},
		"Company":          {kind: "string", label: "Company", length: 255, required: true, writable: true, filterable: true},
		"Email":            {kind: "email", label: "Email", length: 80, writable: true, filterable: true},
		"Phone":            {kind: "phone", label: "Phone", length: 40, writable: true, filterable: true},
		"Website":          {kind: "url", label: "Website", length: 255, writable: true, filterable: true},
		"LeadSource":       {kind: "picklist", label: "Lead Source", length: 255, writable: true, filterable: true},
		"Status":           {kind: "picklist", label: "Status", length: 255, writable: true, filterable: true},
		"Description":      {kind: "textarea", label: "Description", length: 32000, writable: true},
		"IsConverted":      {kind: "bool", label: "Converted", filterable: true},
		"CreatedDate":      {kind: "datetime", label: "Created Date", filterable: true},
		"LastModifiedDate": {kind: "datetime", label: "Last Modified Date", filterable: true},
	},
	"Contact": {
		"Id":               {kind: "id", label: "Contact ID", filterable: true},
		"FirstName":        {kind: "string", label: "First Name", length: 40, writable: true, filterable: true},
		"LastName":         {kind: "string", label: "Last Name", length: 80, required: true, writable: true, filterable: true},
		"Name":             {kind: "string", label: "Full Name", length: 121, filterable: true},
		"Email":            {kind: "email", label: "Email", length: 80, writable: true, filterable: true},
		"Phone":            {kind: "phone", label: "Business Phone", length: 40, writable: true, filterable: true},
		"AccountId":        {kind: "reference", label: "Account ID", writable: true, filterable: true},
		"Description":      {kind: "textarea", label: "Contact Description", length: 32000, writable: true},
		"CreatedDate":      {kind: "datetime", label: "Created Date", filterable: true},
		"LastModifiedDate": {kind: "datetime", label: "Last Modified Date", filterable: true},
	},
	"Account": {
		"Id":               {kind: "id", label: "Account ID", filterable: true},
		"Name":             {kind: "string", label: "Account Name", length: 255, required: true, writable: true, filterable: true},
		"Website":          {kind: "url", label: "Website", length: 255, writable: true, filterable: true},
		"Description":      {kind: "textarea", label: "Account Description", length: 32000, writable: true},
		"CreatedDate":      {kind: "datetime", label: "Created Date", filterable: true},
		"LastModifiedDate": {kind: "datetime", label: "Last Modified Date", filterable: true},
	},
}

// sfRelationships maps a relationship name to its lookup field and target.
var sfRelationships = map[string]map[string]struct{ field, object string }{
	"Contact": {"Account": {"AccountId", "Account"}},
}

var sfPrefixes = map[string]string{"Account": "001", "Contact": "003", "Lead": "00Q"}

// NewSalesforce starts a Salesforce fake on loopback; it stops when t ends.
func NewSalesforce(t testing.TB) *Salesforce {
	t.Helper()
	s := &Salesforce{
		ClientID:     "3MVG9" + randomHex(20),
		ClientSecret: strings.ToUpper(randomHex(32)),
		APIVersion:   "v60.0",
		tokens:       map[string]bool{},
		clock:        time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		records:      map[string]map[string]*sfRecord{"Account": {}, "Contact": {}, "Lead": {}},
		order:        map[string][]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /services/oauth2/token", s.token)
	api := http.NewServeMux()
	api.HandleFunc("GET /services/data/{version}/query", s.query)
	api.HandleFunc("POST /services/data/{version}/sobjects/{object}", s.create)
	api.HandleFunc("PATCH /services/data/{version}/sobjects/{object}/{id}", s.update)
	api.HandleFunc("GET /services/data/{version}/sobjects/{object}/{id}", s.get)
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sfFail(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist", nil)
	})
	mux.Handle("/services/data/", s.authenticate(api))
	s.srv = httptest.NewServer(s.serve(s.writeFault, mux))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the fake's instance URL, the stand-in for https://acme.my.salesforce.com.
func (s *Salesforce) URL() string { return s.srv.URL }

// ExpireSessions invalidates every access token issued so far, as when the
// org's session timeout passes; the next API call gets INVALID_SESSION_ID.
func (s *Salesforce) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]bool{}
}

// TokenRequests returns how many tokens were issued.
func (s *Salesforce) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// Queries returns every SOQL query received, decoded.
func (s *Salesforce) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.queries...)
}

// Lead is a Lead record as tests seed and inspect it.
type Lead struct {
	ID, FirstName, LastName, Company, Email, Phone, LeadSource, Status, Description string
	IsConverted                                                                     bool
}

// AddAccount seeds an Account and returns its id.
func (s *Salesforce) AddAccount(name, website string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.insert("Account", map[string]any{"Name": name, "Website": nilIfEmpty(website)}).id
}

// AddContact seeds a Contact, optionally under an Account, and returns its id.
func (s *Salesforce) AddContact(firstName, lastName, email, accountID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.insert("Contact", map[string]any{
		"FirstName": nilIfEmpty(firstName), "LastName": lastName, "Email": nilIfEmpty(email), "AccountId": nilIfEmpty(accountID),
	}).id
}

// AddLead seeds a Lead and returns its id.
func (s *Salesforce) AddLead(l Lead) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	status := l.Status
	if status == "" {
		status = "Open - Not Contacted"
	}
	return s.insert("Lead", map[string]any{
		"FirstName": nilIfEmpty(l.FirstName), "LastName": l.LastName, "Company": l.Company,
		"Email": nilIfEmpty(l.Email), "Phone": nilIfEmpty(l.Phone), "LeadSource": nilIfEmpty(l.LeadSource),
		"Status": status, "Description": nilIfEmpty(l.Description), "IsConverted": l.IsConverted,
	}).id
}

// Leads returns every Lead in creation order.
func (s *Salesforce) Leads() []Lead {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Lead
	for _, id := range s.order["Lead"] {
		f := s.records["Lead"][id].fields
		str := func(k string) string { v, _ := f[k].(string); return v }
		conv, _ := f["IsConverted"].(bool)
		out = append(out, Lead{
			ID: id, FirstName: str("FirstName"), LastName: str("LastName"), Company: str("Company"),
			Email: str("Email"), Phone: str("Phone"), LeadSource: str("LeadSource"), Status: str("Status"),
			Description: str("Description"), IsConverted: conv,
		})
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insert stores a record with its system fields; callers hold s.mu.
func (s *Salesforce) insert(object string, fields map[string]any) *sfRecord {
	s.nextID++
	s.clock = s.clock.Add(time.Second)
	id := fmt.Sprintf("%s%012dAAA", sfPrefixes[object], s.nextID)
	r := &sfRecord{object: object, id: id, fields: map[string]any{}}
	for k, v := range fields {
		r.fields[k] = v
	}
	r.fields["Id"] = id
	ts := s.clock.Format("2006-01-02T15:04:05.000+0000")
	r.fields["CreatedDate"], r.fields["LastModifiedDate"] = ts, ts
	if object == "Lead" {
		if _, ok := r.fields["IsConverted"]; !ok {
			r.fields["IsConverted"] = false
		}
		if r.fields["Status"] == nil {
			r.fields["Status"] = "Open - Not Contacted"
		}
	}
	s.computeName(r)
	s.records[object][id] = r
	s.order[object] = append(s.order[object], id)
	return r
}

func (s *Salesforce) computeName(r *sfRecord) {
	if r.object == "Account" {
		return
	}
	first, _ := r.fields["FirstName"].(string)
	last, _ := r.fields["LastName"].(string)
	r.fields["Name"] = strings.TrimSpace(first + " " + last)
}

// --- HTTP ---

// sfFail writes Salesforce's REST error body: a list of errors.
func sfFail(w http.ResponseWriter, status int, code, msg string, fields []string) {
	e := map[string]any{"message": msg, "errorCode": code}
	if fields != nil {
		e["fields"] = fields
	}
	writeJSON(w, status, []map[string]any{e})
}

func oauthFail(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Salesforce) writeFault(w http.ResponseWriter, f Fault) {
	if f.Body != "" {
		writeRaw(w, f.Status, "application/json;charset=UTF-8", f.Body)
		return
	}
	switch f.Status {
	case http.StatusUnauthorized:
		sfFail(w, f.Status, "INVALID_SESSION_ID", "Session expired or invalid", nil)
	case http.StatusForbidden:
		sfFail(w, f.Status, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", nil)
	case http.StatusTooManyRequests:
		sfFail(w, f.Status, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.", nil)
	case http.StatusBadRequest:
		sfFail(w, f.Status, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone numbers must include the country code.", []string{"Phone"})
	case http.StatusServiceUnavailable:
		sfFail(w, f.Status, "SERVER_UNAVAILABLE", "Server unavailable, please try again later", nil)
	default:
		sfFail(w, f.Status, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)", nil)
	}
}

// token serves the OAuth 2.0 client credentials flow. Credentials may come
// in the form or as HTTP Basic, as Salesforce accepts both.
func (s *Salesforce) token(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthFail(w, http.StatusBadRequest, "invalid_request", "must use Content-Type application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthFail(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt == "" {
		oauthFail(w, http.StatusBadRequest, "invalid_request", "grant type is missing")
		return
	} else if gt != "client_credentials" {
		oauthFail(w, http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.ClientID {
		oauthFail(w, http.StatusBadRequest, "invalid_client_id", "client identifier invalid")
		return
	}
	if secret != s.ClientSecret {
		oauthFail(w, http.StatusBadRequest, "invalid_client", "invalid client credentials")
		return
	}
	s.tokenRequests++
	tok := "00D5e000000ABCD!AQ" + randomHex(24)
	s.tokens[tok] = true
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token": tok,
		"signature":    randomHex(16),
		"scope":        "api",
		"instance_url": s.srv.URL,
		"id":           s.srv.URL + "/id/00D5e000000ABCDEAA/0055e000001XYZWAA2",
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(time.Now().UnixMilli(), 10),
	})
}

func (s *Salesforce) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		valid := ok && s.tokens[tok]
		s.mu.Unlock()
		if !valid {
			w.Header().Set("WWW-Authenticate", `Token`)
			sfFail(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid", nil)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/services/data/"+s.APIVersion+"/") {
			sfFail(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist", nil)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// object reads {object} and answers 404 for objects the fake lacks.
func (s *Salesforce) object(w http.ResponseWriter, r *http.Request) (string, bool) {
	obj := r.PathValue("object")
	if _, ok := sfSchema[obj]; !ok {
		sfFail(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist", nil)
		return "", false
	}
	return obj, true
}

func (s *Salesforce) query(w http.ResponseWriter, r *http.Request) {
	soql := r.URL.Query().Get("q")
	if soql == "" {
		sfFail(w, http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries = append(s.queries, soql)
	q, err := parseSOQL(soql)
	if err == nil {
		err = s.check(q)
	}
	if err != nil {
		e := err.(*soqlError)
		sfFail(w, http.StatusBadRequest, e.code, e.msg, nil)
		return
	}
	var rows []*sfRecord
	for _, id := range s.order[q.object] {
		rec := s.records[q.object][id]
		if s.matches(rec, q.where) {
			rows = append(rows, rec)
		}
	}
	if q.orderBy != nil {
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := fmt.Sprint(s.value(rows[i], q.orderBy)), fmt.Sprint(s.value(rows[j], q.orderBy))
			if q.desc {
				return a > b
			}
			return a < b
		})
	}
	if q.limit > 0 && len(rows) > q.limit {
		rows = rows[:q.limit]
	}
	records := []map[string]any{}
	for _, rec := range rows {
		records = append(records, s.render(rec, q.fields))
	}
	writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(records), "done": true, "records": records})
}

// field resolves a field path on an object to its definition.
func (s *Salesforce) field(object string, path []string) (sfField, *soqlError) {
	if len(path) == 2 {
		rel, ok := sfRelationships[object][path[0]]
		if !ok {
			return sfField{}, &soqlError{"INVALID_FIELD", fmt.Sprintf("Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.", path[0])}
		}
		object, path = rel.object, path[1:]
	}
	for name, f := range sfSchema[object] {
		if strings.EqualFold(name, path[0]) {
			return f, nil
		}
	}
	return sfField{}, &soqlError{"INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.", path[0], object)}
}

// check validates a parsed query against the schema, as Salesforce does
// before running it.
func (s *Salesforce) check(q *soqlQuery) error {
	if _, ok := sfSchema[q.object]; !ok {
		return &soqlError{"INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", q.object)}
	}
	for _, f := range q.fields {
		if _, err := s.field(q.object, f); err != nil {
			return err
		}
	}
	for _, c := range q.where {
		f, err := s.field(q.object, c.field)
		if err != nil {
			return err
		}
		if !f.filterable {
			return &soqlError{"INVALID_FIELD", fmt.Sprintf("field '%s' can not be filtered in a query call", strings.Join(c.field, "."))}
		}
		switch {
		case f.kind == "bool" && c.value.kind != "bool":
			return malformed("value of filter criterion for field '%s' must be of type boolean and should not be enclosed in quotes", strings.Join(c.field, "."))
		case f.kind != "bool" && c.value.kind == "bool":
			return malformed("value of filter criterion for field '%s' must be of type %s and should be enclosed in quotes", strings.Join(c.field, "."), f.kind)
		case c.op == "LIKE" && f.kind == "bool":
			return &soqlError{"INVALID_QUERY_FILTER_OPERATOR", fmt.Sprintf("invalid operator on boolean field '%s'", strings.Join(c.field, "."))}
		}
	}
	if q.orderBy != nil {
		f, err := s.field(q.object, q.orderBy)
		if err != nil {
			return err
		}
		if !f.filterable {
			return &soqlError{"INVALID_FIELD", fmt.Sprintf("field '%s' can not be sorted in a query call", strings.Join(q.orderBy, "."))}
		}
	}
	return nil
}

// value reads a field path of a record; nil when unset or when the
// relationship is empty.
func (s *Salesforce) value(rec *sfRecord, path []string) any {
	if len(path) == 2 {
		rel := sfRelationships[rec.object][path[0]]
		id, _ := rec.fields[rel.field].(string)
		target, ok := s.records[rel.object][id]
		if !ok {
			return nil
		}
		rec, path = target, path[1:]
	}
	for k, v := range rec.fields {
		if strings.EqualFold(k, path[0]) {
			return v
		}
	}
	return nil
}

// matches applies the WHERE conditions; text compares ignore case, as in
// SOQL.
func (s *Salesforce) matches(rec *sfRecord, where []soqlCond) bool {
	for _, c := range where {
		v := s.value(rec, c.field)
		var ok bool
		switch c.value.kind {
		case "null":
			ok = v == nil || v == ""
		case "bool":
			b, _ := v.(bool)
			ok = b == c.value.boolean
		default:
			str, _ := v.(string)
			if c.op == "LIKE" {
				ok = v != nil && c.value.like.MatchString(str)
			} else {
				ok = v != nil && strings.EqualFold(str, c.value.str)
			}
		}
		if c.op == "!=" {
			ok = !ok
		}
		if !ok {
			return false
		}
	}
	return true
}

// render shapes a record as the REST API returns it.
func (s *Salesforce) render(rec *sfRecord, fields [][]string) map[string]any {
	out := map[string]any{"attributes": s.attributes(rec)}
	for _, path := range fields {
		if len(path) == 1 {
			out[canonical(rec.object, path[0])] = s.value(rec, path)
			continue
		}
		rel := sfRelationships[rec.object][path[0]]
		id, _ := rec.fields[rel.field].(string)
		target, ok := s.records[rel.object][id]
		if !ok {
			out[path[0]] = nil
			continue
		}
		sub, _ := out[path[0]].(map[string]any)
		if sub == nil {
			sub = map[string]any{"attributes": s.attributes(target)}
			out[path[0]] = sub
		}
		sub[canonical(rel.object, path[1])] = s.value(target, path[1:])
	}
	return out
}

func (s *Salesforce) attributes(rec *sfRecord) map[string]string {
	return map[string]string{"type": rec.object, "url": "/services/data/" + s.APIVersion + "/sobjects/" + rec.object + "/" + rec.id}
}

// canonical spells a field name the way the schema does; SOQL field names
// are case-insensitive but answers use the API name.
func canonical(object, name string) string {
	for k := range sfSchema[object] {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// decodeFields reads an sObject body: a flat JSON object of field values.
func (s *Salesforce) decodeFields(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if !isJSON(r) {
		sfFail(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "Content type '"+r.Header.Get("Content-Type")+"' not supported", nil)
		return nil, false
	}
	var in map[string]any
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&in); err != nil || in == nil {
		sfFail(w, http.StatusBadRequest, "JSON_PARSER_ERROR", fmt.Sprintf("Unexpected character in JSON body: %v", err), nil)
		return nil, false
	}
	return in, true
}

// validate checks field values for a create (existing == nil) or an update
// and returns the normalised values. It writes the error on failure.
func (s *Salesforce) validate(w http.ResponseWriter, object string, in map[string]any, existing *sfRecord) (map[string]any, bool) {
	schema := sfSchema[object]
	out := map[string]any{}
	names := make([]string, 0, len(in))
	for k := range in {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		f, ok := schema[name]
		if !ok {
			sfFail(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", name, object), nil)
			return nil, false
		}
		if !f.writable {
			sfFail(w, http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE",
				fmt.Sprintf("Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", name), []string{name})
			return nil, false
		}
		v := in[name]
		if v == nil {
			out[name] = nil
			continue
		}
		str, isStr := v.(string)
		if !isStr {
			sfFail(w, http.StatusBadRequest, "JSON_PARSER_ERROR", fmt.Sprintf("Cannot deserialize instance of %s from %T value for field %s", f.kind, v, name), nil)
			return nil, false
		}
		if len([]rune(str)) > f.length && f.length > 0 {
			sfFail(w, http.StatusBadRequest, "STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.label, str, f.length), []string{name})
			return nil, false
		}
		if f.kind == "email" && str != "" {
			if a, err := mail.ParseAddress(str); err != nil || a.Address != str {
				sfFail(w, http.StatusBadRequest, "INVALID_EMAIL_ADDRESS", fmt.Sprintf("%s: invalid email address: %s", f.label, str), []string{name})
				return nil, false
			}
		}
		if f.kind == "reference" && str != "" {
			if _, ok := s.records["Account"][str]; !ok {
				sfFail(w, http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", fmt.Sprintf("%s: id value of incorrect type: %s", f.label, str), []string{name})
				return nil, false
			}
		}
		if str == "" {
			out[name] = nil
		} else {
			out[name] = str
		}
	}
	var missing []string
	for _, name := range sortedKeys(schema) {
		if !schema[name].required {
			continue
		}
		v, given := out[name]
		if existing != nil && !given {
			continue
		}
		if v == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sfFail(w, http.StatusBadRequest, "REQUIRED_FIELD_MISSING", "Required fields are missing: ["+strings.Join(missing, ", ")+"]", missing)
		return nil, false
	}
	return out, true
}

func sortedKeys(m map[string]sfField) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Salesforce) create(w http.ResponseWriter, r *http.Request) {
	object, ok := s.object(w, r)
	if !ok {
		return
	}
	in, ok := s.decodeFields(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fields, ok := s.validate(w, object, in, nil)
	if !ok {
		return
	}
	rec := s.insert(object, fields)
	writeJSON(w, http.StatusCreated, map[string]any{"id": rec.id, "success": true, "errors": []any{}})
}

func (s *Salesforce) update(w http.ResponseWriter, r *http.Request) {
	object, ok := s.object(w, r)
	if !ok {
		return
	}
	in, ok := s.decodeFields(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, exists := s.records[object][r.PathValue("id")]
	if !exists {
		sfFail(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist", nil)
		return
	}
	if conv, _ := rec.fields["IsConverted"].(bool); conv {
		sfFail(w, http.StatusBadRequest, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", nil)
		return
	}
	fields, ok := s.validate(w, object, in, rec)
	if !ok {
		return
	}
	for k, v := range fields {
		rec.fields[k] = v
	}
	s.clock = s.clock.Add(time.Second)
	rec.fields["LastModifiedDate"] = s.clock.Format("2006-01-02T15:04:05.000+0000")
	s.computeName(rec)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Salesforce) get(w http.ResponseWriter, r *http.Request) {
	object, ok := s.object(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, exists := s.records[object][r.PathValue("id")]
	if !exists {
		sfFail(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist", nil)
		return
	}
	var paths [][]string
	for _, name := range sortedKeys(sfSchema[object]) {
		paths = append(paths, []string{name})
	}
	writeJSON(w, http.StatusOK, s.render(rec, paths))
}
