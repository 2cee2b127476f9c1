package graphtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/google/go-cmp/cmp"
)

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func do(t *testing.T, s *graphtest.Server, method, path string, body any) result {
	t.Helper()
	return doAs(t, s, "t", method, path, body)
}

// doAs sends a request with the given bearer token.
func doAs(t *testing.T, s *graphtest.Server, token, method, path string, body any) result {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, raw, err)
		}
	}
	return r
}

func newServer(t *testing.T, opts *graphtest.Options) (*graphtest.Server, directory.User) {
	t.Helper()
	s := graphtest.NewServer(opts)
	t.Cleanup(s.Close)
	u, err := s.Directory().CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: "o'brien@contoso.onmicrosoft.com", DisplayName: "Svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Passw0rd-Strong!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, u
}

func errorCode(r result) string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestRequiresBearerToken(t *testing.T) {
	s, _ := newServer(t, nil)
	resp, err := http.Get(s.URL + "/domains")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
}

// Without $select a user has only the default properties: no
// accountEnabled.
func TestUserSelect(t *testing.T) {
	s, u := newServer(t, nil)
	r := do(t, s, "GET", "/users/"+u.ID, nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if _, ok := r.body["accountEnabled"]; ok {
		t.Errorf("accountEnabled returned without $select: %s", r.raw)
	}
	if r.body["displayName"] != "Svc" || r.body["id"] != u.ID || r.body["@odata.context"] != s.URL+"/$metadata#users/$entity" {
		t.Errorf("default properties: %s", r.raw)
	}
	r = do(t, s, "GET", "/users/"+url.PathEscape(u.UserPrincipalName)+"?$select=accountEnabled,ID,createdDateTime,onPremisesSyncEnabled,jobTitle", nil)
	want := map[string]any{
		"@odata.context":        s.URL + "/$metadata#users(accountEnabled,id,createdDateTime,onPremisesSyncEnabled,jobTitle)/$entity",
		"accountEnabled":        true,
		"id":                    u.ID,
		"createdDateTime":       u.CreatedDateTime.UTC().Format(time.RFC3339),
		"onPremisesSyncEnabled": nil,
		"jobTitle":              nil,
	}
	if diff := cmp.Diff(want, r.body); diff != "" {
		t.Errorf("$select mismatch (-want +got):\n%s", diff)
	}
	r = do(t, s, "GET", "/users/"+u.ID+"?$select=nonsense", nil)
	if r.status != 400 {
		t.Errorf("unknown property: status %d, want 400", r.status)
	}
}

// TestSelectUnknownProperty checks that every resource answers a $select
// naming a property its type does not have with Graph's 400, naming the
// property and the type.
func TestSelectUnknownProperty(t *testing.T) {
	s, u := newServer(t, nil)
	for _, tc := range []struct{ path, typ string }{
		{"/users/" + u.ID + "?$select=id,nonsense", "user"},
		{"/users/" + u.ID + "/transitiveMemberOf?$select=id,nonsense", "group"},
		{"/users/" + u.ID + "/transitiveMemberOf/microsoft.graph.group?$select=id,nonsense", "group"},
		{"/servicePrincipals(appId='" + directory.MicrosoftGraphAppID + "')?$select=id,nonsense", "servicePrincipal"},
	} {
		r := do(t, s, "GET", tc.path, nil)
		e, _ := r.body["error"].(map[string]any)
		got := fmt.Sprint(r.status, " ", errorCode(r), " ", e["message"])
		want := "400 Request_BadRequest Could not find a property named 'nonsense' on type 'microsoft.graph." + tc.typ + "'."
		if got != want {
			t.Errorf("GET %s: got %q, want %q", tc.path, got, want)
		}
	}
}

func TestUserKeyForms(t *testing.T) {
	s, u := newServer(t, nil)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/users/o%27brien%40contoso.onmicrosoft.com", 200},
		{"/users/O%27BRIEN@contoso.onmicrosoft.com", 200},
		{"/users('o''brien@contoso.onmicrosoft.com')", 200},
		{"/users('o%27%27brien%40contoso.onmicrosoft.com')", 200},
		{"/users('o'brien@contoso.onmicrosoft.com')", 400},
		{"/users(o''brien@contoso.onmicrosoft.com)", 400},
		{"/users/%24x@contoso.onmicrosoft.com", 400},
		{"/users/nobody@contoso.onmicrosoft.com", 404},
		{"/users('$nobody@contoso.onmicrosoft.com')", 404},
	} {
		r := do(t, s, "GET", tc.path, nil)
		if r.status != tc.status {
			t.Errorf("GET %s: status %d, want %d (%s)", tc.path, r.status, tc.status, r.raw)
		}
		if r.status == 200 && r.body["id"] != u.ID {
			t.Errorf("GET %s: %s", tc.path, r.raw)
		}
	}
}

func TestErrorEnvelope(t *testing.T) {
	s, _ := newServer(t, nil)
	req, _ := http.NewRequest("GET", s.URL+"/users/nobody@contoso.onmicrosoft.com", nil)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("client-request-id", "my-id")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				Date            string `json:"date"`
				RequestID       string `json:"request-id"`
				ClientRequestID string `json:"client-request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	e := env.Error
	if resp.StatusCode != 404 || e.Code != "Request_ResourceNotFound" ||
		e.Message != "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present." ||
		e.InnerError.RequestID == "" || e.InnerError.ClientRequestID != "my-id" || resp.Header.Get("request-id") != e.InnerError.RequestID {
		t.Errorf("404: %d %+v, request-id header %q", resp.StatusCode, e, resp.Header.Get("request-id"))
	}
	if _, err := time.Parse("2006-01-02T15:04:05", e.InnerError.Date); err != nil {
		t.Errorf("innerError.date %q: %v", e.InnerError.Date, err)
	}
}

func TestCreateUserAnswers(t *testing.T) {
	s, _ := newServer(t, nil)
	body := map[string]any{
		"accountEnabled": true, "displayName": "Adele Vance", "mailNickname": "AdeleV",
		"userPrincipalName": "AdeleV@contoso.onmicrosoft.com",
		"passwordProfile":   map[string]any{"forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"},
	}
	r := do(t, s, "POST", "/users", body)
	if r.status != 201 || r.body["id"] == nil || r.body["userPrincipalName"] != "AdeleV@contoso.onmicrosoft.com" || r.header.Get("Date") == "" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if _, ok := r.body["accountEnabled"]; ok {
		t.Errorf("the 201 carries more than the default properties: %s", r.raw)
	}
	r = do(t, s, "POST", "/users", body)
	want := map[string]any{"code": "ObjectConflict", "target": "userPrincipalName"}
	e := r.body["error"].(map[string]any)
	details, _ := e["details"].([]any)
	if r.status != 400 || e["code"] != "Request_BadRequest" || len(details) != 1 || !cmp.Equal(want, details[0]) {
		t.Errorf("duplicate: %d %s", r.status, r.raw)
	}
	body["userPrincipalName"] = "x@unverified.example"
	if r := do(t, s, "POST", "/users", body); r.status != 400 || !strings.Contains(string(r.raw), "verified domain") {
		t.Errorf("unverified domain: %d %s", r.status, r.raw)
	}
	body["userPrincipalName"] = "y@contoso.onmicrosoft.com"
	body["passwordProfile"] = map[string]any{"password": "password"}
	if r := do(t, s, "POST", "/users", body); r.status != 400 || !strings.Contains(string(r.raw), "password complexity") {
		t.Errorf("weak password: %d %s", r.status, r.raw)
	}
	delete(body, "displayName")
	if r := do(t, s, "POST", "/users", body); r.status != 400 {
		t.Errorf("missing displayName: %d %s", r.status, r.raw)
	}
}

func TestRoleAssignments(t *testing.T) {
	s, u := newServer(t, &graphtest.Options{PageSize: 1})
	body := map[string]any{
		"@odata.type":      "#microsoft.graph.unifiedRoleAssignment",
		"roleDefinitionId": "69091246-20e8-4a56-aa4d-066075b2a7a8",
		"principalId":      u.ID,
		"directoryScopeId": "/",
	}
	r := do(t, s, "POST", "/roleManagement/directory/roleAssignments", body)
	if r.status != 201 || r.body["id"] == nil {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	r = do(t, s, "POST", "/roleManagement/directory/roleAssignments", body)
	e := r.body["error"].(map[string]any)
	if r.status != 400 || e["code"] != "Request_BadRequest" || e["details"] != nil ||
		e["message"] != "A conflicting object with one or more of the specified property values is present in the directory." {
		t.Errorf("duplicate: %d %s", r.status, r.raw)
	}
	body["roleDefinitionId"] = "29232cdf-9323-42fd-ade2-1d097af3e4de"
	if r := do(t, s, "POST", "/roleManagement/directory/roleAssignments", body); r.status != 201 {
		t.Fatalf("second: %d %s", r.status, r.raw)
	}
	// Two assignments in pages of one.
	filter := url.QueryEscape("principalId eq '" + u.ID + "'")
	r = do(t, s, "GET", "/roleManagement/directory/roleAssignments?$filter="+filter, nil)
	next, _ := r.body["@odata.nextLink"].(string)
	if r.status != 200 || len(r.body["value"].([]any)) != 1 || !strings.HasPrefix(next, s.URL+"/roleManagement/directory/roleAssignments?") {
		t.Fatalf("page 1: %d %s", r.status, r.raw)
	}
	r = do(t, s, "GET", strings.TrimPrefix(next, s.URL), nil)
	if r.status != 200 || len(r.body["value"].([]any)) != 1 || r.body["@odata.nextLink"] != nil {
		t.Errorf("page 2: %d %s", r.status, r.raw)
	}
	for _, tc := range []struct {
		filter string
		status int
		n      int
	}{
		{"principalId eq '" + u.ID + "'", 200, 1},
		{"  principalId   eq   '" + u.ID + "'  ", 200, 1},
		{"PrincipalID EQ '" + u.ID + "'", 200, 1},
		{"principalId eq 'o''brien'", 200, 0},
		{"principalId eq 'x' or principalId ne 'y'", 400, 0},
		{"principalId eq 'x'' or principalId ne ''y'", 200, 0},
		{"principalId eq x", 400, 0},
		{"principalId ne 'x'", 400, 0},
		{"roleDefinitionId eq 'x'", 400, 0},
		{"principalId eq 'x", 400, 0},
		{"", 400, 0},
	} {
		r := do(t, s, "GET", "/roleManagement/directory/roleAssignments?$filter="+url.QueryEscape(tc.filter), nil)
		if r.status != tc.status {
			t.Errorf("$filter=%s: status %d, want %d", tc.filter, r.status, tc.status)
		}
		if vs, _ := r.body["value"].([]any); r.status == 200 && len(vs) != tc.n {
			t.Errorf("$filter=%s: %d values, want %d", tc.filter, len(vs), tc.n)
		}
	}
}

// Options.NextLinkBase is the service root written into @odata.nextLink,
// as Graph writes its own behind a proxy; the rest of the link is the
// server's.
func TestNextLinkBase(t *testing.T) {
	const root = "https://graph.microsoft.com/v1.0"
	s, u := newServer(t, &graphtest.Options{PageSize: 1, NextLinkBase: root + "/"})
	ctx := context.Background()
	for _, m := range []directory.MethodType{directory.MethodPhone, directory.MethodFido2} {
		if _, err := s.Directory().RegisterMethod(ctx, u.ID, m, "x"); err != nil {
			t.Fatal(err)
		}
	}
	path := "/users/" + u.ID + "/authentication/methods"
	var ids []string
	for page := 1; path != ""; page++ {
		r := do(t, s, "GET", path, nil)
		vs, _ := r.body["value"].([]any)
		if r.status != 200 || len(vs) != 1 || page > 3 {
			t.Fatalf("page %d: %d %s", page, r.status, r.raw)
		}
		ids = append(ids, vs[0].(map[string]any)["id"].(string))
		next, _ := r.body["@odata.nextLink"].(string)
		rest, ok := strings.CutPrefix(next, root+"/users/"+u.ID+"/authentication/methods?")
		if next != "" && (!ok || !strings.Contains(rest, "$skiptoken=")) {
			t.Fatalf("page %d: @odata.nextLink %q, want one at %s", page, next, root)
		}
		path = strings.TrimPrefix(next, root)
	}
	if len(ids) != 3 {
		t.Errorf("%d methods over the pages, want 3", len(ids))
	}
}

func TestAuthenticationMethods(t *testing.T) {
	s, u := newServer(t, nil)
	ctx := context.Background()
	if _, err := s.Directory().RegisterMethod(ctx, u.ID, directory.MethodPhone, "+1 2065550100"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Directory().RegisterMethod(ctx, u.ID, directory.MethodFido2, "Red key"); err != nil {
		t.Fatal(err)
	}
	r := do(t, s, "GET", "/users/"+u.ID+"/authentication/methods", nil)
	vs, _ := r.body["value"].([]any)
	if r.status != 200 || len(vs) != 3 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	var types []string
	for _, v := range vs {
		types = append(types, v.(map[string]any)["@odata.type"].(string))
	}
	want := []string{"#microsoft.graph.passwordAuthenticationMethod", "#microsoft.graph.phoneAuthenticationMethod", "#microsoft.graph.fido2AuthenticationMethod"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("@odata.type mismatch (-want +got):\n%s", diff)
	}
	if vs[1].(map[string]any)["phoneNumber"] != "+1 2065550100" || vs[2].(map[string]any)["displayName"] != "Red key" {
		t.Errorf("labels: %s", r.raw)
	}
}

func TestBatch(t *testing.T) {
	s, u := newServer(t, nil)
	batch := map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "GET", "url": "/users/" + u.ID + "?$select=id"},
		{"id": "2", "method": "DELETE", "url": "/roleManagement/directory/roleAssignments/nope"},
		{"id": "3", "method": "DELETE", "url": "users/" + u.ID, "dependsOn": []string{"2"}},
		{"id": "4", "method": "GET", "url": "/domains", "dependsOn": []string{"1"}},
	}}
	r := do(t, s, "POST", "/$batch", batch)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	var got []string
	for _, it := range r.body["responses"].([]any) {
		m := it.(map[string]any)
		got = append(got, m["id"].(string)+":"+json.Number(jsonNum(m["status"])).String())
	}
	// Reverse order; 3 failed with its dependency.
	if diff := cmp.Diff([]string{"4:200", "3:424", "2:404", "1:200"}, got); diff != "" {
		t.Errorf("answers mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Directory().User(context.Background(), u.ID); err != nil {
		t.Errorf("the user was deleted despite the failed dependency: %v", err)
	}
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if last.Endpoint != graphtest.Batch || len(last.Batch) != 4 || last.Batch[2].Endpoint != graphtest.DeleteUser ||
		last.Batch[2].Path != "/users/"+u.ID || !cmp.Equal(last.Batch[2].DependsOn, []string{"2"}) {
		t.Errorf("recorded batch: %+v", last)
	}

	for name, bad := range map[string]any{
		"too many": map[string]any{"requests": func() []map[string]any {
			var rs []map[string]any
			for i := range 21 {
				rs = append(rs, map[string]any{"id": strconv.Itoa(i), "method": "GET", "url": "/domains"})
			}
			return rs
		}()},
		"duplicate ids":        map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/domains"}, {"id": "1", "method": "GET", "url": "/domains"}}},
		"body without type":    map[string]any{"requests": []map[string]any{{"id": "1", "method": "POST", "url": "/users", "body": map[string]any{}}}},
		"absolute url":         map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": s.URL + "/domains"}}},
		"unknown dependency":   map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/domains", "dependsOn": []string{"9"}}}},
		"cycle":                map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/domains", "dependsOn": []string{"2"}}, {"id": "2", "method": "GET", "url": "/domains", "dependsOn": []string{"1"}}}},
		"no requests":          map[string]any{"requests": []map[string]any{}},
		"not a batch document": []int{1},
	} {
		if r := do(t, s, "POST", "/$batch", bad); r.status != 400 {
			t.Errorf("%s: status %d, want 400 (%s)", name, r.status, r.raw)
		}
	}
}

// JSON batching: a POST or PATCH must specify headers and a body (an
// empty object at least); Graph refuses a batch holding one without, in its
// error envelope, and runs none of its requests.
func TestBatchWriteWithoutBody(t *testing.T) {
	ct := map[string]string{"Content-Type": "application/json"}
	assignment := map[string]any{"roleDefinitionId": "69091246-20e8-4a56-aa4d-066075b2a7a8", "directoryScopeId": "/"}
	for _, tc := range []struct {
		name string
		item map[string]any
	}{
		{"POST without a body", map[string]any{"method": "POST", "url": "/roleManagement/directory/roleAssignments"}},
		{"POST with headers but no body", map[string]any{"method": "POST", "url": "/roleManagement/directory/roleAssignments", "headers": ct}},
		{"POST with a null body", map[string]any{"method": "POST", "url": "/roleManagement/directory/roleAssignments", "headers": ct, "body": nil}},
		{"lower-case post", map[string]any{"method": "post", "url": "/users", "headers": ct}},
		{"PATCH without a body", map[string]any{"method": "PATCH", "url": "/users/x", "headers": ct}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, u := newServer(t, nil)
			assignment["principalId"] = u.ID
			item := map[string]any{"id": "2"}
			for k, v := range tc.item {
				item[k] = v
			}
			r := do(t, s, "POST", "/$batch", map[string]any{"requests": []map[string]any{
				{"id": "1", "method": "POST", "url": "/roleManagement/directory/roleAssignments", "headers": ct, "body": assignment},
				item,
			}})
			e, _ := r.body["error"].(map[string]any)
			inner, _ := e["innerError"].(map[string]any)
			if r.status != 400 || errorCode(r) != "BadRequest" || r.body["responses"] != nil ||
				!strings.Contains(fmt.Sprint(e["message"]), "does not contain Content-Type header or body") ||
				inner["request-id"] == nil || inner["date"] == nil {
				t.Errorf("status %d %s, want 400 BadRequest in the error envelope", r.status, r.raw)
			}
			if as, _ := s.Directory().RoleAssignments(context.Background(), u.ID); len(as) != 0 {
				t.Errorf("a request of the refused batch ran: %v", as)
			}
		})
	}
	// An empty object is a body: the POST runs.
	s, u := newServer(t, nil)
	assignment["principalId"] = u.ID
	r := do(t, s, "POST", "/$batch", map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "POST", "url": "/roleManagement/directory/roleAssignments", "headers": ct, "body": assignment},
		{"id": "2", "method": "POST", "url": "/users", "headers": ct, "body": map[string]any{}},
		{"id": "3", "method": "DELETE", "url": "/roleManagement/directory/roleAssignments/nope"},
	}})
	var got []string
	for _, it := range r.body["responses"].([]any) {
		m := it.(map[string]any)
		got = append(got, m["id"].(string)+":"+jsonNum(m["status"]))
	}
	if diff := cmp.Diff([]string{"3:404", "2:400", "1:201"}, got); r.status != 200 || diff != "" {
		t.Errorf("status %d, answers mismatch (-want +got):\n%s", r.status, diff)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestFaults(t *testing.T) {
	s, u := newServer(t, nil)
	s.ThrottleNext(1, "2.128")
	r := do(t, s, "GET", "/domains", nil)
	if r.status != 429 || r.header.Get("Retry-After") != "2.128" || errorCode(r) != "TooManyRequests" {
		t.Errorf("throttled: %d %v %s", r.status, r.header, r.raw)
	}
	s.FailNext(1, 504)
	if r := do(t, s, "GET", "/domains", nil); r.status != 504 {
		t.Errorf("FailNext: %d", r.status)
	}
	if r := do(t, s, "GET", "/domains", nil); r.status != 200 {
		t.Errorf("after the faults: %d", r.status)
	}
	s.DenyPermission(graphtest.ListAuthenticationMethods)
	if r := do(t, s, "GET", "/users/"+u.ID+"/authentication/methods", nil); r.status != 403 || errorCode(r) != "Authorization_RequestDenied" {
		t.Errorf("denied: %d %s", r.status, r.raw)
	}
	s.ThrottleBatchItems(1, "1.5")
	r = do(t, s, "POST", "/$batch", map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "GET", "url": "/domains"},
		{"id": "2", "method": "GET", "url": "/users/" + u.ID + "/authentication/methods"},
	}})
	items := r.body["responses"].([]any)
	one := items[1].(map[string]any) // reverse order
	two := items[0].(map[string]any)
	if r.status != 200 || jsonNum(one["status"]) != "429" || one["headers"].(map[string]any)["Retry-After"] != "1.5" || jsonNum(two["status"]) != "403" {
		t.Errorf("batch faults: %d %s", r.status, r.raw)
	}
	s.ClearFaults()
	s.FailBatch(1, 424)
	if r := do(t, s, "POST", "/$batch", map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/domains"}}}); r.status != 424 || r.body["responses"] != nil {
		t.Errorf("FailBatch: %d %s", r.status, r.raw)
	}
	s.DropConnection(graphtest.After, graphtest.DeleteUser)
	req, _ := http.NewRequest("DELETE", s.URL+"/users/"+u.ID, nil)
	req.Header.Set("Authorization", "Bearer t")
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("DropConnection: got an answer %d", resp.StatusCode)
	}
	if _, err := s.Directory().User(context.Background(), u.ID); err == nil {
		t.Error("DropConnection(After): the deletion was not applied")
	}
	s.Reset()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("after Reset: %d requests", n)
	}
}

func TestLatency(t *testing.T) {
	s, _ := newServer(t, &graphtest.Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	do(t, s, "GET", "/domains", nil)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered in %v, want at least the latency", d)
	}
	s.SetLatency(80 * time.Millisecond)
	start = time.Now()
	do(t, s, "GET", "/domains", nil)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("answered in %v, want at least the new latency", d)
	}
}

func TestReplicationLag(t *testing.T) {
	s, _ := newServer(t, nil)
	s.SetReplicationLag(time.Hour)
	u, err := s.Directory().CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: "new@contoso.onmicrosoft.com", DisplayName: "New", MailNickname: "new",
		Password: directory.NewPassword("Passw0rd-Strong!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, s, "POST", "/roleManagement/directory/roleAssignments", map[string]any{
		"roleDefinitionId": "69091246-20e8-4a56-aa4d-066075b2a7a8", "principalId": u.ID, "directoryScopeId": "/",
	})
	if r.status != 404 || errorCode(r) != "Request_ResourceNotFound" {
		t.Errorf("%d %s", r.status, r.raw)
	}
}

func TestFiredCountsFaultsThatTookEffect(t *testing.T) {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	srv.ThrottleNext(1, "2.128")
	srv.FailNext(1, http.StatusGatewayTimeout)
	srv.DropConnection(graphtest.After, graphtest.CreateUser) // never met
	get := func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/domains", nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get()
	get()
	get()
	want := map[string]int{"429 Retry-After fractional": 1, "504": 1}
	if diff := cmp.Diff(want, srv.Fired()); diff != "" {
		t.Errorf("Fired() mismatch (-want +got):\n%s", diff)
	}
}
