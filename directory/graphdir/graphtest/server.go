package graphtest

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudhub/consent/directorytest"
)

// Options configures a [Server]. A nil *Options and zero fields mean the
// defaults.
type Options struct {
	// Fake is the directory behind the server. Default: directorytest.New(nil).
	Fake *directorytest.Fake
	// PageSize is the number of items per page of a collection, before
	// $top. Default 100; a small size exercises @odata.nextLink paging.
	PageSize int
	// Latency delays every HTTP request by this much (not the requests
	// inside a $batch), to simulate the distance to the service.
	Latency time.Duration
	// NextLinkBase is the service root the server writes into
	// @odata.nextLink, for example "https://graph.microsoft.com/v1.0" to
	// answer the way Graph does behind a proxy; a client must then follow
	// the links at its own base URL. Default: [Server.URL].
	NextLinkBase string
	// OpaqueTokens makes [Server.UserToken] and [Server.AppToken] issue
	// opaque strings instead of JWTs: Microsoft tells clients not to rely
	// on the format of tokens meant for Microsoft Graph, so a client must
	// work without reading claims.
	OpaqueTokens bool
	// ThrottledBatchStatus is the status of a $batch in which an item was
	// throttled ([Server.ThrottleBatchItems]). Default 200; Microsoft's
	// throttling guidance says such a batch may be answered 424, still
	// listing every item's answer.
	ThrottledBatchStatus int
	// LicenseRequiredStatus is the status of the AadPremiumLicenseRequired
	// answer to a PIM read in a tenant without Microsoft Entra ID P2.
	// Default 400, as observed; Microsoft does not document it.
	LicenseRequiredStatus int
	// PolicyTargetsOnlyExpanded leaves includeTargets out of the Temporary
	// Access Pass policy unless the request asks for
	// $expand=includeTargets, the other reading of Microsoft's
	// documentation (a relationship); by default it is in every answer,
	// as in Microsoft's example.
	PolicyTargetsOnlyExpanded bool
	// AccessPassConflicts answers the create of a Temporary Access Pass for
	// a user who has one 409 Conflict instead of replacing it, the other
	// reading of Microsoft's documentation (whose create page says the
	// current pass is replaced).
	AccessPassConflicts bool
}

// Endpoint names one of the operations the server implements.
type Endpoint string

// Endpoints.
const (
	GetUser                   Endpoint = "GET /users/{id}"
	CreateUser                Endpoint = "POST /users"
	DeleteUser                Endpoint = "DELETE /users/{id}"
	ListAuthenticationMethods Endpoint = "GET /users/{id}/authentication/methods"
	ListRoleAssignments       Endpoint = "GET /roleManagement/directory/roleAssignments"
	CreateRoleAssignment      Endpoint = "POST /roleManagement/directory/roleAssignments"
	DeleteRoleAssignment      Endpoint = "DELETE /roleManagement/directory/roleAssignments/{id}"
	ListDomains               Endpoint = "GET /domains"
	Batch                     Endpoint = "POST /$batch"
)

// Request is a request the server received.
type Request struct {
	Method string
	// Path is the path relative to the service root, as sent
	// (percent-encoded), for example "/users/o%27brien%40contoso.com".
	Path string
	// RawQuery is the query as sent, without the "?".
	RawQuery string
	Header   http.Header
	Body     []byte
	// Endpoint is the operation the request was routed to, or "" for an
	// unknown one.
	Endpoint Endpoint
	// ID and DependsOn are those of a request inside a $batch.
	ID        string
	DependsOn []string
	// Batch lists the requests inside a $batch, in the order sent.
	Batch []Request
}

// Query returns the parsed query (nil if it does not parse).
func (r Request) Query() url.Values {
	q, _ := url.ParseQuery(r.RawQuery)
	return q
}

// Server is a Graph-compatible test server. Create it with [NewServer].
type Server struct {
	// URL is the service root to give graphdir.Options.BaseURL, for
	// example "http://127.0.0.1:41234/v1.0".
	URL string

	srv                   *httptest.Server
	fake                  *directorytest.Fake
	pageSize              int
	nextLinkBase          string
	throttledBatchStatus  int
	licenseRequiredStatus int
	policyTargetsExpand   bool
	passConflicts         bool

	mu       sync.Mutex
	latency  time.Duration
	requests []Request
	seq      int
	faults   faults
	fired    map[string]int
	// tokens are the tokens issued (UserToken, AppToken) and who each
	// signs in as.
	tokens       map[string]identity
	opaqueTokens bool
}

// NewServer starts a server. Close it when done.
func NewServer(opts *Options) *Server {
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{
		fake:                  opts.Fake,
		pageSize:              opts.PageSize,
		latency:               opts.Latency,
		throttledBatchStatus:  opts.ThrottledBatchStatus,
		opaqueTokens:          opts.OpaqueTokens,
		licenseRequiredStatus: opts.LicenseRequiredStatus,
		policyTargetsExpand:   opts.PolicyTargetsOnlyExpanded,
		passConflicts:         opts.AccessPassConflicts,
	}
	if s.fake == nil {
		s.fake = directorytest.New(nil)
	}
	if s.pageSize <= 0 {
		s.pageSize = 100
	}
	if s.licenseRequiredStatus == 0 {
		s.licenseRequiredStatus = http.StatusBadRequest
	}
	if s.throttledBatchStatus == 0 {
		s.throttledBatchStatus = http.StatusOK
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL + apiVersion
	s.nextLinkBase = strings.TrimSuffix(opts.NextLinkBase, "/")
	if s.nextLinkBase == "" {
		s.nextLinkBase = s.URL
	}
	return s
}

const apiVersion = "/v1.0"

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Directory returns the fake behind the server, to act out what people do
// (sign-in, MFA registration) or to inspect the state directly.
func (s *Server) Directory() *directorytest.Fake { return s.fake }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Requests returns the HTTP requests received so far, in order of arrival:
// one per round trip.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Reset forgets the recorded requests (not the faults).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// SetReplicationLag makes users created from now on unknown to role
// assignment (404) for d, as Entra ID's replication does.
func (s *Server) SetReplicationLag(d time.Duration) { s.fake.SetReplicationLag(d) }

// SetReadLag makes users created from now on invisible to reads (404
// Request_ResourceNotFound on GET /users/{id|upn} and its authentication
// methods) for d after their creation, the way a read served by a replica
// that has not caught up does; see [directorytest.Options.ReadLag].
func (s *Server) SetReadLag(d time.Duration) { s.fake.SetReadLag(d) }

// SetLatency changes [Options.Latency]: every HTTP request received from
// now on is delayed by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

func (s *Server) currentLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

func (s *Server) nextRequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("7e57a11d-0000-4000-a000-%012d", s.seq)
}

// response is an answer before it is written, to the client or into a
// $batch.
type response struct {
	status int
	header http.Header
	body   any // marshalled as JSON; nil for none
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	crid := r.Header.Get("client-request-id")
	escaped := r.URL.EscapedPath()
	rel, versioned := strings.CutPrefix(escaped, apiVersion)
	rt := parseRoute(r.Method, rel)
	rec := Request{
		Method:   r.Method,
		Path:     rel,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
		Endpoint: rt.endpoint,
	}
	var batch *batchRequest
	if rt.endpoint == Batch && err == nil {
		batch, _ = parseBatch(body)
		if batch != nil {
			for _, it := range batch.Requests {
				path, query, _ := strings.Cut(it.URL, "?")
				if !strings.HasPrefix(path, "/") {
					path = "/" + path
				}
				h := http.Header{}
				for k, v := range it.Headers {
					h.Set(k, v)
				}
				rec.Batch = append(rec.Batch, Request{
					Method: it.Method, Path: path, RawQuery: query, Header: h, Body: it.Body,
					Endpoint: parseRoute(it.Method, path).endpoint, ID: it.ID, DependsOn: it.DependsOn,
				})
			}
		}
	}
	s.record(rec)

	if latency := s.currentLatency(); latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if s.dropBefore(rt.endpoint) {
		hangUp(w)
		return
	}
	var resp response
	switch {
	case err != nil:
		resp = s.errorResponse(http.StatusBadRequest, "BadRequest", "Unreadable request body: "+err.Error(), nil, crid)
	case !versioned:
		resp = s.errorResponse(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid version: %s", strings.TrimPrefix(escaped, "/")), nil, crid)
	default:
		if f, ok := s.takeOuterFault(rt.endpoint); ok {
			resp = s.faultResponse(f, crid)
			break
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || len(r.Header.Get("Authorization")) <= len("Bearer ") {
			resp = s.errorResponse(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.", nil, crid)
			break
		}
		who := s.identify(r.Header.Get("Authorization"))
		if rt.endpoint == Batch {
			resp = s.serveBatch(r.Context(), who, batch, body, crid)
			break
		}
		resp = s.dispatch(r.Context(), who, r.Method, rel, r.URL.RawQuery, body, crid)
	}
	if s.dropAfter(rt.endpoint) {
		hangUp(w)
		return
	}
	s.write(w, resp, crid)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	var rd io.Reader = io.LimitReader(r.Body, 4<<20)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, err
		}
		rd = zr
	}
	b, err := io.ReadAll(rd)
	if len(b) == 0 {
		b = nil
	}
	return b, err
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

const jsonContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

func (s *Server) write(w http.ResponseWriter, resp response, crid string) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if h.Get("request-id") == "" {
		h.Set("request-id", s.nextRequestID())
	}
	if crid == "" {
		crid = h.Get("request-id")
	}
	h.Set("client-request-id", crid)
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	b, err := appendJSON(nil, resp.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", jsonContentType)
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(b)
}

// errorResponse builds Graph's error envelope.
func (s *Server) errorResponse(status int, code, message string, details []errorDetail, crid string) response {
	rid := s.nextRequestID()
	if crid == "" {
		crid = rid
	}
	inner := object{
		{"date", time.Now().UTC().Format("2006-01-02T15:04:05")},
		{"request-id", rid},
		{"client-request-id", crid},
	}
	e := object{{"code", code}, {"message", message}, {"innerError", inner}}
	if len(details) > 0 {
		e = append(e, field{"details", details})
	}
	h := http.Header{}
	h.Set("request-id", rid)
	h.Set("Content-Type", "application/json")
	return response{status: status, header: h, body: object{{"error", e}}}
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
	Target  string `json:"target"`
}

// object is a JSON object that keeps its fields in order.
type object []field

type field struct {
	k string
	v any
}

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) { return appendJSON(nil, o) }

// appendJSON appends v as JSON. It writes objects, slices and scalars
// itself (encoding/json would re-validate the output of every nested
// MarshalJSON), the rest through encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case object:
		b = append(b, '{')
		for i, f := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f.k)
			b = append(b, ':')
			if b, err = appendJSON(b, f.v); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	default:
		j, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append(b, j...), nil
	}
}

func appendString(b []byte, s string) []byte {
	j, _ := json.Marshal(s)
	return append(b, j...)
}

// dispatch serves one request (outside or inside a $batch) after the
// transport-level faults.
func (s *Server) dispatch(ctx context.Context, who identity, method, rel, rawQuery string, body []byte, crid string) response {
	rt := parseRoute(method, rel)
	if rt.err != "" {
		return s.errorResponse(http.StatusBadRequest, "BadRequest", rt.err, nil, crid)
	}
	if rt.endpoint == "" {
		return s.errorResponse(http.StatusBadRequest, "BadRequest", fmt.Sprintf("graphtest: %s %s is not implemented", method, rel), nil, crid)
	}
	if s.denied(rt.endpoint) {
		return s.errorResponse(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", nil, crid)
	}
	if f, ok := s.takeEndpointFail(rt.endpoint); ok {
		return s.faultResponse(f, crid)
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return s.errorResponse(http.StatusBadRequest, "BadRequest", "Invalid query: "+err.Error(), nil, crid)
	}
	c := call{s: s, ctx: ctx, rel: rel, query: query, rawQuery: rawQuery, body: body, crid: crid, who: who, dir: who.directory(s)}
	if resp, ok := c.serveSelf(rt.endpoint); ok {
		return resp
	}
	if resp, ok := c.serveRolePaths(rt); ok { // rolepaths.go
		return resp
	}
	if resp, ok := c.consent(rt); ok {
		return resp
	}
	switch rt.endpoint {
	case GetUser:
		return c.getUser(rt.key)
	case CreateUser:
		return c.createUser()
	case DeleteUser:
		return c.deleteUser(rt.key)
	case ListAuthenticationMethods:
		return c.listMethods(rt.key)
	case ListRoleAssignments:
		return c.listRoleAssignments()
	case CreateRoleAssignment:
		return c.createRoleAssignment()
	case DeleteRoleAssignment:
		return c.deleteRoleAssignment(rt.key)
	case ListDomains:
		return c.listDomains()
	case GetAccessPassPolicy, ListAccessPasses, CreateAccessPass, DeleteAccessPass:
		return c.accessPass(rt)
	case GetSecurityDefaults:
		return c.getSecurityDefaults()
	case ListConditionalAccess:
		return c.listConditionalAccess()
	case ListAuthenticationStrength:
		return c.listAuthenticationStrengths()
	case ListTransitiveMemberOf:
		return c.listUserTransitiveMemberOf(rt.key)
	default: // Batch inside a batch
		return s.errorResponse(http.StatusBadRequest, "BadRequest", "A $batch cannot contain a $batch.", nil, crid)
	}
}

// route is a parsed request path.
type route struct {
	endpoint Endpoint
	key      string // the user key or role assignment ID, unescaped
	sub      string // the ID of a user's Temporary Access Pass, unescaped
	err      string // why the path is malformed
}

// segments are the segments of a request path.
type segments []string

// is reports whether segment i is name; segment names are
// case-insensitive, as in Graph.
func (s segments) is(i int, name string) bool { return i < len(s) && strings.EqualFold(s[i], name) }

// parseRoute routes a path relative to the service root.
func parseRoute(method, rel string) route {
	segs := segments(strings.Split(strings.Trim(rel, "/"), "/"))
	if rt, ok := parseSelfRoute(method, segs); ok {
		return rt
	}
	if rt, ok := policyRoute(method, segs); ok {
		return rt
	}
	if rt, ok := parseConsentRoute(method, segs); ok {
		return rt
	}
	switch {
	case len(segs) == 1 && segs.is(0, "users") && method == http.MethodPost:
		return route{endpoint: CreateUser}
	case len(segs) == 1 && segs.is(0, "domains") && method == http.MethodGet:
		return route{endpoint: ListDomains}
	case len(segs) == 1 && segs.is(0, "$batch") && method == http.MethodPost:
		return route{endpoint: Batch}
	case len(segs) >= 2 && (segs.is(0, "roleManagement") || segs.is(0, "directory")) && !segs.is(2, "roleAssignments"):
		r, _ := routeRolePaths(method, segs) // rolepaths.go
		return r
	case segs.is(0, "policies"):
		return accessPassPolicyRoute(method, segs)
	case len(segs) >= 3 && segs.is(0, "roleManagement") && segs.is(1, "directory") && segs.is(2, "roleAssignments"):
		switch {
		case len(segs) == 3 && method == http.MethodGet:
			return route{endpoint: ListRoleAssignments}
		case len(segs) == 3 && method == http.MethodPost:
			return route{endpoint: CreateRoleAssignment}
		case len(segs) == 4 && method == http.MethodDelete:
			id, err := url.PathUnescape(segs[3])
			if err != nil {
				return route{err: "Invalid role assignment ID: " + err.Error()}
			}
			return route{endpoint: DeleteRoleAssignment, key: id}
		}
		return route{}
	}
	// /users/{key}... or /users('{key}')...
	var key string
	var rest segments
	first := segs[0]
	switch {
	case len(first) > len("users(") && strings.EqualFold(first[:len("users(")], "users(") && strings.HasSuffix(first, ")"):
		lit, err := url.PathUnescape(first[len("users(") : len(first)-1])
		if err != nil {
			return route{err: "Invalid key: " + err.Error()}
		}
		k, ok := parseStringLiteral(lit)
		if !ok {
			return route{err: fmt.Sprintf("Invalid key literal %s: want a single-quoted OData string with quotes doubled", lit)}
		}
		key, rest = k, segs[1:]
	case segs.is(0, "users") && len(segs) >= 2:
		k, err := url.PathUnescape(segs[1])
		if err != nil {
			return route{err: "Invalid key: " + err.Error()}
		}
		if strings.HasPrefix(k, "$") {
			// OData reserves $-segments; Graph answers this 400.
			return route{err: fmt.Sprintf("Resource not found for the segment '%s'.", k)}
		}
		key, rest = k, segs[2:]
	default:
		return route{}
	}
	switch {
	case len(rest) == 0 && method == http.MethodGet:
		return route{endpoint: GetUser, key: key}
	case len(rest) == 0 && method == http.MethodDelete:
		return route{endpoint: DeleteUser, key: key}
	case len(rest) == 2 && rest.is(0, "authentication") && rest.is(1, "methods") && method == http.MethodGet:
		return route{endpoint: ListAuthenticationMethods, key: key}
	case len(rest) == 1 && rest.is(0, "transitiveMemberOf") && method == http.MethodGet:
		return route{endpoint: ListTransitiveMemberOf, key: key}
	}
	if r, ok := routeUserRolePaths(method, key, rest); ok { // rolepaths.go
		return r
	}
	return accessPassRoute(method, key, rest)
}
