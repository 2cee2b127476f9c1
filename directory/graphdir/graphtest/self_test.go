package graphtest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

const teamsAdmin = "69091246-20e8-4a56-aa4d-066075b2a7a8"

// userWithRole is newServer's user holding Teams Administrator, and a
// token signed in as it.
func userWithRole(t *testing.T, opts *graphtest.Options, signIn *directorytest.SignInOptions) (*graphtest.Server, directory.User, string) {
	t.Helper()
	s, u := newServer(t, opts)
	if _, err := s.Directory().CreateRoleAssignment(context.Background(), directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdmin, DirectoryScopeID: directory.TenantScope}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.UserToken(u.UserPrincipalName, signIn)
	if err != nil {
		t.Fatal(err)
	}
	return s, u, tok
}

func TestUserTokenClaims(t *testing.T) {
	s, u, tok := userWithRole(t, nil, nil)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"oid": u.ID, "tid": directorytest.DefaultTenantID, "idtyp": "user", "upn": u.UserPrincipalName,
		"scp": "User.Read UserAuthenticationMethod.Read RoleManagement.Read.Directory"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %s = %v, want %v", k, c[k], v)
		}
	}
	opaque, _, _ := userWithRole(t, &graphtest.Options{OpaqueTokens: true}, nil)
	if tok, _ := opaque.UserToken(u.UserPrincipalName, nil); strings.Count(tok, ".") == 2 {
		t.Errorf("OpaqueTokens: %q looks like a JWT", tok)
	}
	if _, err := s.UserToken("nobody@contoso.onmicrosoft.com", nil); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("UserToken(unknown) = %v: want ErrNotFound", err)
	}
}

// The user's token is served under the member user's rules, alone and
// inside a $batch; the application's gets no /me.
func TestUserTokenRules(t *testing.T) {
	s, u, tok := userWithRole(t, nil, nil)
	other, err := s.Directory().CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: "other@contoso.onmicrosoft.com", DisplayName: "Other", MailNickname: "other",
		AccountEnabled: true, Password: directory.NewPassword("Passw0rd-Strong!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		token, path string
		status      int
		code        string
	}{
		{tok, "/me?$select=id,userPrincipalName", 200, ""},
		{tok, "/users/" + u.ID, 200, ""},
		{tok, "/users/" + other.ID, 403, "Authorization_RequestDenied"},
		{tok, "/me/authentication/methods", 200, ""},
		{tok, "/users/" + other.ID + "/authentication/methods", 403, "Authorization_RequestDenied"},
		{tok, "/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20%27" + u.ID + "%27", 403, "Authorization_RequestDenied"},
		{tok, "/me/transitiveMemberOf", 200, ""},
		{tok, "/me/transitiveMemberOf/microsoft.graph.directoryRole", 400, "BadRequest"},
		{tok, "/me/scopedRoleMemberOf", 403, "Authorization_RequestDenied"},
		{tok, "/organization?$select=id", 200, ""},
		{tok, "/domains", 403, "Authorization_RequestDenied"},
		{"t", "/me", 400, "BadRequest"},
		{s.AppToken(), "/me/transitiveMemberOf", 400, "BadRequest"},
		{s.AppToken(), "/users/" + other.ID, 200, ""},
	} {
		r := doAs(t, s, tc.token, "GET", tc.path, nil)
		if r.status != tc.status || errorCode(r) != tc.code {
			t.Errorf("GET %s: %d %s, want %d %s: %s", tc.path, r.status, errorCode(r), tc.status, tc.code, r.raw)
		}
	}
	r := doAs(t, s, tok, "POST", "/users", map[string]any{"accountEnabled": true, "displayName": "x", "mailNickname": "x",
		"userPrincipalName": "x@contoso.onmicrosoft.com", "passwordProfile": map[string]any{"password": "Passw0rd-Strong!"}})
	if r.status != 403 {
		t.Errorf("POST /users with a member user's token: %d: %s", r.status, r.raw)
	}
	// Inside a $batch, each item is served as the batch's token.
	r = doAs(t, s, tok, "POST", "/$batch", map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "GET", "url": "/me/authentication/methods"},
		{"id": "2", "method": "GET", "url": "/users/" + other.ID},
	}})
	got := map[string]float64{}
	for _, it := range r.body["responses"].([]any) {
		m := it.(map[string]any)
		got[m["id"].(string)] = m["status"].(float64)
	}
	if diff := cmp.Diff(map[string]float64{"1": 200, "2": 403}, got); diff != "" {
		t.Errorf("$batch statuses (-want +got):\n%s", diff)
	}
}

// The shapes of Microsoft's pages: directoryRole objects with
// roleTemplateId, or their type and ID only (limited information);
// scopedRoleMembership objects; the organization's id.
func TestSelfShapes(t *testing.T) {
	s, u, tok := userWithRole(t, nil, nil)
	r := doAs(t, s, tok, "GET", "/me/transitiveMemberOf", nil)
	role := r.body["value"].([]any)[0].(map[string]any)
	want := map[string]any{"@odata.type": "#microsoft.graph.directoryRole", "id": directorytest.RoleObjectID(teamsAdmin),
		"deletedDateTime": nil, "description": nil, "displayName": "Teams Administrator", "roleTemplateId": teamsAdmin}
	if diff := cmp.Diff(want, role); diff != "" {
		t.Errorf("directoryRole (-want +got):\n%s", diff)
	}
	limited, err := s.UserToken(u.UserPrincipalName, &directorytest.SignInOptions{LimitedRoleObjects: true})
	if err != nil {
		t.Fatal(err)
	}
	role = doAs(t, s, limited, "GET", "/me/transitiveMemberOf", nil).body["value"].([]any)[0].(map[string]any)
	if role["roleTemplateId"] != nil || role["displayName"] != nil || role["id"] == nil {
		t.Errorf("limited directoryRole = %v: want id only", role)
	}
	const au = "0a0a0a0a-0000-4000-8000-000000000003"
	if _, err := s.Directory().CreateRoleAssignment(context.Background(), directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdmin, DirectoryScopeID: "/administrativeUnits/" + au}); err != nil {
		t.Fatal(err)
	}
	wide, err := s.UserToken(u.UserPrincipalName, &directorytest.SignInOptions{Scopes: append([]string{directorytest.ScopeDirectoryReadAll}, directorytest.DefaultScopes...)})
	if err != nil {
		t.Fatal(err)
	}
	m := doAs(t, s, wide, "GET", "/me/scopedRoleMemberOf", nil).body["value"].([]any)[0].(map[string]any)
	if m["roleId"] != directorytest.RoleObjectID(teamsAdmin) || m["administrativeUnitId"] != au || m["roleMemberInfo"].(map[string]any)["id"] != u.ID {
		t.Errorf("scopedRoleMembership = %v", m)
	}
	org := doAs(t, s, tok, "GET", "/organization?$select=id", nil).body["value"].([]any)[0].(map[string]any)
	if diff := cmp.Diff(map[string]any{"id": directorytest.DefaultTenantID}, org); diff != "" {
		t.Errorf("organization (-want +got):\n%s", diff)
	}
}

// /me/transitiveMemberOf lists the user's groups as group objects, then
// the directory roles it holds directly or through a role-assignable
// group (https://learn.microsoft.com/graph/api/user-list-transitivememberof,
// https://learn.microsoft.com/graph/api/resources/group); a user's token
// reads the PIM lists only with a PIM reader role.
func TestSelfGroupsAndPIM(t *testing.T) {
	s, u, tok := userWithRole(t, nil, nil)
	ctx := context.Background()
	f := s.Directory()
	g, err := f.CreateGroup(ctx, "Tier0 admins", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AddGroupMember(ctx, g.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	const pra = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	if _, err := f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: g.ID, RoleDefinitionID: pra, DirectoryScopeID: "/"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range doAs(t, s, tok, "GET", "/me/transitiveMemberOf", nil).body["value"].([]any) {
		m := it.(map[string]any)
		got = append(got, fmt.Sprint(m["@odata.type"], " ", m["displayName"], " ", m["isAssignableToRole"]))
	}
	want := []string{"#microsoft.graph.group Tier0 admins true", "#microsoft.graph.directoryRole Teams Administrator <nil>", "#microsoft.graph.directoryRole Privileged Role Administrator <nil>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("/me/transitiveMemberOf (-want +got):\n%s", diff)
	}
	path := "/roleManagement/directory/roleEligibilitySchedules?$filter=" + url.QueryEscape("principalId eq '"+u.ID+"'")
	if r := doAs(t, s, tok, "GET", path, nil); r.status != 403 {
		t.Errorf("eligibility schedules with a member's token: %d, want 403", r.status)
	}
	const globalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	if _, err := f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: globalReader, DirectoryScopeID: "/"}); err != nil {
		t.Fatal(err)
	}
	if r := doAs(t, s, tok, "GET", path, nil); r.status != 200 {
		t.Errorf("eligibility schedules with a Global Reader's token: %d, want 200", r.status)
	}
}
