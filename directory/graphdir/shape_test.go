package graphdir_test

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

const teamsAdministrator = "69091246-20e8-4a56-aa4d-066075b2a7a8"

func newUser(upn string) directory.NewUser {
	local, _, _ := strings.Cut(upn, "@")
	return directory.NewUser{
		UserPrincipalName:             upn,
		DisplayName:                   "Service " + local,
		MailNickname:                  "svc",
		UsageLocation:                 "AU",
		EmployeeType:                  "cloudhub-consent",
		AccountEnabled:                true,
		Password:                      directory.NewPassword("xWwvJ]6NMw+bWH-d"),
		ForceChangePasswordNextSignIn: true,
	}
}

// seed creates a user in the fake behind the server, without a round trip.
func seed(t *testing.T, e env, upn string) directory.User {
	t.Helper()
	u, err := e.srv.Directory().CreateUser(context.Background(), newUser(upn))
	if err != nil {
		t.Fatalf("seed %q: %v", upn, err)
	}
	return u
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return m
}

// requestsTo returns the requests (outside and inside $batch) to endpoint.
func requestsTo(e env, endpoint graphtest.Endpoint) []graphtest.Request {
	var out []graphtest.Request
	for _, r := range e.srv.Requests() {
		if r.Endpoint == endpoint {
			out = append(out, r)
		}
		for _, b := range r.Batch {
			if b.Endpoint == endpoint {
				out = append(out, b)
			}
		}
	}
	return out
}

// The body of POST /users is Microsoft's documented example ("Create
// user", example 1) field for field, plus usageLocation and employeeType.
func TestCreateUserRequestBody(t *testing.T) {
	e := newEnv(t, nil, nil)
	nu := newUser("AdeleV@contoso.onmicrosoft.com")
	nu.DisplayName, nu.MailNickname = "Adele Vance", "AdeleV"
	if _, err := e.dir.CreateUser(context.Background(), nu); err != nil {
		t.Fatal(err)
	}
	reqs := requestsTo(e, graphtest.CreateUser)
	if len(reqs) != 1 {
		t.Fatalf("%d POST /users, want 1", len(reqs))
	}
	want := map[string]any{
		"accountEnabled":    true,
		"displayName":       "Adele Vance",
		"mailNickname":      "AdeleV",
		"userPrincipalName": "AdeleV@contoso.onmicrosoft.com",
		"passwordProfile": map[string]any{
			"forceChangePasswordNextSignIn": true,
			"password":                      "xWwvJ]6NMw+bWH-d",
		},
		"usageLocation": "AU",
		"employeeType":  "cloudhub-consent",
	}
	if diff := cmp.Diff(want, decodeJSON(t, reqs[0].Body)); diff != "" {
		t.Errorf("POST /users body mismatch (-want +got):\n%s", diff)
	}
	if ct := reqs[0].Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if ce := reqs[0].Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("Content-Encoding = %q: the body should be sent as is", ce)
	}
}

func TestCreateUserRequestBodyWithoutOptionalProperties(t *testing.T) {
	e := newEnv(t, nil, nil)
	nu := newUser("svc@contoso.onmicrosoft.com")
	nu.UsageLocation, nu.EmployeeType, nu.AccountEnabled, nu.ForceChangePasswordNextSignIn = "", "", false, false
	if _, err := e.dir.CreateUser(context.Background(), nu); err != nil {
		t.Fatal(err)
	}
	got := decodeJSON(t, requestsTo(e, graphtest.CreateUser)[0].Body)
	want := map[string]any{
		"accountEnabled":    false,
		"displayName":       nu.DisplayName,
		"mailNickname":      nu.MailNickname,
		"userPrincipalName": nu.UserPrincipalName,
		"passwordProfile":   map[string]any{"forceChangePasswordNextSignIn": false, "password": nu.Password.Reveal()},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST /users body mismatch (-want +got):\n%s", diff)
	}
}

// The body of POST /roleManagement/directory/roleAssignments is Microsoft's
// documented example ("Create unifiedRoleAssignment", example 1), alone and
// inside a $batch.
func TestCreateRoleAssignmentRequestBody(t *testing.T) {
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	a := directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}
	if _, err := e.dir.CreateRoleAssignment(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	a.RoleDefinitionID = "29232cdf-9323-42fd-ade2-1d097af3e4de" // Exchange Administrator
	if res := e.dir.CreateRoleAssignments(context.Background(), []directory.RoleAssignment{a}); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	reqs := requestsTo(e, graphtest.CreateRoleAssignment)
	if len(reqs) != 2 {
		t.Fatalf("%d role assignment creations, want 2", len(reqs))
	}
	for i, role := range []string{teamsAdministrator, a.RoleDefinitionID} {
		want := map[string]any{
			"@odata.type":      "#microsoft.graph.unifiedRoleAssignment",
			"roleDefinitionId": role,
			"principalId":      u.ID,
			"directoryScopeId": "/",
		}
		if diff := cmp.Diff(want, decodeJSON(t, reqs[i].Body)); diff != "" {
			t.Errorf("request %d: body mismatch (-want +got):\n%s", i, diff)
		}
		if ct := reqs[i].Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("request %d: Content-Type %q, want application/json", i, ct)
		}
	}
}

// Every user read selects every property directory.User carries.
func TestUserSelect(t *testing.T) {
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	ctx := context.Background()
	if _, err := e.dir.User(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dir.User(ctx, "$nobody@contoso.onmicrosoft.com"); err == nil {
		t.Fatal("User($nobody) succeeded")
	}
	if _, err := e.dir.Snapshot(ctx, directory.SnapshotRequest{User: u.ID}); err != nil {
		t.Fatal(err)
	}
	// The JSON names of directory.User's fields are Graph's property names.
	var want []string
	ut := reflect.TypeFor[directory.User]()
	for i := range ut.NumField() {
		name, _, _ := strings.Cut(ut.Field(i).Tag.Get("json"), ",")
		want = append(want, name)
	}
	if len(want) < 11 {
		t.Fatalf("directory.User has %d fields: %v", len(want), want)
	}
	reqs := requestsTo(e, graphtest.GetUser)
	if len(reqs) != 3 {
		t.Fatalf("%d user reads, want 3", len(reqs))
	}
	for _, r := range reqs {
		if diff := cmp.Diff(want, strings.Split(r.Query().Get("$select"), ",")); diff != "" {
			t.Errorf("%s?%s: $select mismatch (-want +got):\n%s", r.Path, r.RawQuery, diff)
		}
	}
}

// UPNs with characters that mean something in a URL reach the server
// intact, alone and inside a $batch, encoded the same way.
func TestUserPathEscaping(t *testing.T) {
	for _, tc := range []struct {
		upn, path string
	}{
		{"o'brien@contoso.onmicrosoft.com", "/users/o%27brien%40contoso.onmicrosoft.com"},
		{"100%pure@contoso.onmicrosoft.com", "/users/100%25pure%40contoso.onmicrosoft.com"},
		{"a#b@contoso.onmicrosoft.com", "/users/a%23b%40contoso.onmicrosoft.com"},
		{"tom&jerry@contoso.onmicrosoft.com", "/users/tom%26jerry%40contoso.onmicrosoft.com"},
		{"jane doe@contoso.onmicrosoft.com", "/users/jane%20doe%40contoso.onmicrosoft.com"},
		{"jörg@contoso.onmicrosoft.com", "/users/j%C3%B6rg%40contoso.onmicrosoft.com"},
		{"a/b?c@contoso.onmicrosoft.com", "/users/a%2Fb%3Fc%40contoso.onmicrosoft.com"},
		{"adele_adatum.com#EXT#@contoso.onmicrosoft.com", "/users/adele_adatum.com%23EXT%23%40contoso.onmicrosoft.com"},
		// Microsoft's "Get user": a UPN starting with $ is a key literal.
		{"$adele@contoso.onmicrosoft.com", "/users('$adele@contoso.onmicrosoft.com')"},
		{"$o'brien@contoso.onmicrosoft.com", "/users('$o''brien@contoso.onmicrosoft.com')"},
		{"$a b%@contoso.onmicrosoft.com", "/users('$a%20b%25@contoso.onmicrosoft.com')"},
	} {
		t.Run(tc.upn, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			want := seed(t, e, tc.upn)
			ctx := context.Background()
			got, err := e.dir.User(ctx, tc.upn)
			if err != nil {
				t.Fatalf("User(%q): %v", tc.upn, err)
			}
			if got.ID != want.ID {
				t.Errorf("User(%q).ID = %q, want %q", tc.upn, got.ID, want.ID)
			}
			ms, err := e.dir.AuthenticationMethods(ctx, tc.upn)
			if err != nil || len(ms) != 1 {
				t.Errorf("AuthenticationMethods(%q) = %v, %v", tc.upn, ms, err)
			}
			e.srv.Reset()
			snap, err := e.dir.Snapshot(ctx, directory.SnapshotRequest{User: tc.upn, AuthenticationMethods: true})
			if err != nil || snap.UserErr != nil || snap.User.ID != want.ID || snap.AuthenticationMethodsErr != nil {
				t.Errorf("Snapshot(%q) = %+v, %v", tc.upn, snap, err)
			}
			var paths []string
			for _, r := range requestsTo(e, graphtest.GetUser) {
				paths = append(paths, r.Path)
			}
			if diff := cmp.Diff([]string{tc.path}, paths); diff != "" {
				t.Errorf("Snapshot path mismatch (-want +got):\n%s", diff)
			}
			if got := requestsTo(e, graphtest.ListAuthenticationMethods); len(got) != 1 || got[0].Path != tc.path+"/authentication/methods" && got[0].Path != "/users/"+want.ID+"/authentication/methods" {
				t.Errorf("methods requests = %+v", got)
			}
			e.srv.Reset()
			if _, err := e.dir.User(ctx, tc.upn); err != nil {
				t.Fatal(err)
			}
			if r := e.srv.Requests(); len(r) != 1 || r[0].Path != tc.path {
				t.Errorf("User(%q) path = %v, want %q", tc.upn, r, tc.path)
			}
		})
	}
}

// A principal ID is an OData string literal in the filter: quotes doubled,
// so that no value can alter the filter, and percent-encoded in the URL.
func TestRoleAssignmentFilterEscaping(t *testing.T) {
	ctx := context.Background()
	for _, principal := range []string{
		"o'brien@contoso.com",
		"x' or principalId ne 'y",
		"'",
		"100% & #1 ?=;+",
		"jörg ünïcødé",
		"11111111-0000-4000-8000-000000000001",
	} {
		t.Run(principal, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			as, err := e.dir.RoleAssignments(ctx, principal)
			if err != nil || len(as) != 0 {
				t.Fatalf("RoleAssignments(%q) = %v, %v: want an empty list", principal, as, err)
			}
			if _, err := e.dir.Snapshot(ctx, directory.SnapshotRequest{User: "11111111-0000-4000-8000-000000000001", RoleAssignments: true}); err != nil {
				t.Fatal(err)
			}
			reqs := requestsTo(e, graphtest.ListRoleAssignments)
			if len(reqs) < 1 {
				t.Fatal("no role assignment listing")
			}
			r := reqs[0]
			wantFilter := "principalId eq '" + strings.ReplaceAll(principal, "'", "''") + "'"
			if got := r.Query().Get("$filter"); got != wantFilter {
				t.Errorf("$filter = %q, want %q", got, wantFilter)
			}
			if strings.ContainsAny(r.RawQuery, " '#") {
				t.Errorf("raw query %q is not percent-encoded", r.RawQuery)
			}
			// The server parsed the literal back to exactly the value.
			var listed []string
			for _, c := range e.srv.Directory().Calls() {
				if c.Op == directorytest.OpRoleAssignments {
					listed = append(listed, c.Object)
				}
			}
			if len(listed) == 0 || listed[0] != principal {
				t.Errorf("the fake was asked for %q, want %q", listed, principal)
			}
		})
	}
}

// The filter inside a $batch is encoded like the SDK encodes it alone.
func TestBatchFilterMatchesSingleRequest(t *testing.T) {
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	ctx := context.Background()
	if _, err := e.dir.RoleAssignments(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dir.Snapshot(ctx, directory.SnapshotRequest{User: u.ID, RoleAssignments: true}); err != nil {
		t.Fatal(err)
	}
	reqs := requestsTo(e, graphtest.ListRoleAssignments)
	if len(reqs) != 2 {
		t.Fatalf("%d listings, want 2", len(reqs))
	}
	single, _ := url.QueryUnescape(reqs[0].RawQuery)
	batched, _ := url.QueryUnescape(reqs[1].RawQuery)
	if single != batched {
		t.Errorf("single request filter %q, batched %q", single, batched)
	}
}
