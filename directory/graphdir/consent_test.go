package graphdir_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/google/go-cmp/cmp"
)

// TestConsentRequestShapes checks the consent requests against the bodies
// of Microsoft's documented examples:
// https://learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals
// ({"appId": ...}),
// https://learn.microsoft.com/graph/api/oauth2permissiongrant-post
// (clientId, consentType, principalId, resourceId, scope) and
// https://learn.microsoft.com/graph/api/oauth2permissiongrant-update
// ({"scope": ...}), and the appId-keyed paths of
// https://learn.microsoft.com/graph/api/serviceprincipal-get.
func TestConsentRequestShapes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	const app = "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"
	u, err := e.dir.CreateUser(ctx, directory.NewUser{UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!")})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Reset()
	sp, err := e.dir.CreateServicePrincipal(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	graph, err := e.dir.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.dir.CreatePermissionGrant(ctx, directory.PermissionGrant{ClientID: sp.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: u.ID, ResourceID: graph.ID, Scope: "User.Read.All"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.dir.UpdatePermissionGrantScope(ctx, g.ID, "User.Read.All Group.Read.All"); err != nil {
		t.Fatal(err)
	}
	if err := e.dir.DeletePermissionGrant(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	type sent struct {
		Method, Path, Query string
		Body                map[string]any
	}
	var got []sent
	for _, r := range e.srv.Requests() {
		s := sent{Method: r.Method, Path: r.Path, Query: r.RawQuery}
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &s.Body); err != nil {
				t.Fatalf("%s %s: body %s: %v", r.Method, r.Path, r.Body, err)
			}
		}
		got = append(got, s)
	}
	want := []sent{
		{Method: "POST", Path: "/servicePrincipals", Body: map[string]any{"appId": app}},
		{Method: "GET", Path: "/servicePrincipals(appId='" + directory.MicrosoftGraphAppID + "')", Query: "$select=id,appId,displayName,accountEnabled"},
		{Method: "POST", Path: "/oauth2PermissionGrants", Body: map[string]any{"clientId": sp.ID, "consentType": "Principal", "principalId": u.ID, "resourceId": graph.ID, "scope": "User.Read.All"}},
		{Method: "PATCH", Path: "/oauth2PermissionGrants/" + g.ID, Body: map[string]any{"scope": "User.Read.All Group.Read.All"}},
		{Method: "DELETE", Path: "/oauth2PermissionGrants/" + g.ID},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}

// TestConsentDenied: a 403 on a consent endpoint says what it needed.
func TestConsentDenied(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		deny graphtest.Endpoint
		call func(e env) error
		want string
	}{
		{graphtest.ListPermissionGrants, func(e env) error {
			_, err := e.dir.PermissionGrants(ctx, directory.MicrosoftGraphAppID)
			return err
		}, "Directory.Read.All"},
		{graphtest.GetServicePrincipal, func(e env) error {
			_, err := e.dir.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
			return err
		}, "Application.Read.All"},
		{graphtest.CreatePermissionGrant, func(e env) error {
			_, err := e.dir.CreatePermissionGrant(ctx, directory.PermissionGrant{ClientID: "x", ConsentType: directory.ConsentAllPrincipals, ResourceID: "y"})
			return err
		}, "DelegatedPermissionGrant.ReadWrite.All"},
		{graphtest.CreateServicePrincipal, func(e env) error {
			_, err := e.dir.CreateServicePrincipal(ctx, "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f")
			return err
		}, "Application.ReadWrite.All"},
	} {
		t.Run(string(tc.deny), func(t *testing.T) {
			e := newEnv(t, nil, nil)
			e.srv.DenyPermission(tc.deny)
			err := tc.call(e)
			req, ok := directory.RequirementOf(err)
			if !errors.Is(err, directory.ErrPermission) || !ok || req.Permissions[0] != tc.want {
				t.Errorf("err = %v, requirement %+v: want ErrPermission needing %s first", err, req, tc.want)
			}
		})
	}
}
