package conformance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// testConsent runs the subtests of the consent capability
// ([directory.ConsentReader], [directory.ConsentGranter]) when the backend
// implements both.
func (s suite) testConsent(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, consentEnv)
	}{
		{"MicrosoftGraphServicePrincipal", testGraphServicePrincipal},
		{"ServicePrincipalLifecycle", testServicePrincipalLifecycle},
		{"GrantLifecycle", testGrantLifecycle},
		{"GrantUnknownPrincipal", testGrantUnknownPrincipal},
		{"SnapshotConsent", testSnapshotConsent},
		{"SnapshotConsentUnknownApplication", testSnapshotConsentUnknownApp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := s.env(t)
			r, rok := e.dir.(directory.ConsentReader)
			g, gok := e.dir.(directory.ConsentGranter)
			if !rok || !gok {
				t.Skipf("%T does not implement directory.ConsentReader and directory.ConsentGranter", e.dir)
			}
			tc.fn(t, consentEnv{env: e, r: r, g: g})
		})
	}
}

type consentEnv struct {
	env
	r directory.ConsentReader
	g directory.ConsentGranter
}

// appID returns an application ID no other subtest uses.
func appID() string { return fmt.Sprintf("a0000000-0000-4000-8000-%012d", suiteSeq.Add(1)) }

func (e consentEnv) servicePrincipal(t *testing.T) directory.ServicePrincipal {
	t.Helper()
	app := appID()
	sp, err := e.g.CreateServicePrincipal(context.Background(), app)
	if err != nil {
		t.Fatalf("CreateServicePrincipal(%q): %v", app, err)
	}
	return sp
}

func (e consentEnv) graph(t *testing.T) directory.ServicePrincipal {
	t.Helper()
	sp, err := e.r.ServicePrincipal(context.Background(), directory.MicrosoftGraphAppID)
	if err != nil {
		t.Fatalf("ServicePrincipal(Microsoft Graph): %v", err)
	}
	return sp
}

func (e consentEnv) grant(t *testing.T, g directory.PermissionGrant) directory.PermissionGrant {
	t.Helper()
	got, err := e.g.CreatePermissionGrant(context.Background(), g)
	if err != nil {
		t.Fatalf("CreatePermissionGrant(%+v): %v", g, err)
	}
	t.Cleanup(func() { _ = e.g.DeletePermissionGrant(context.Background(), got.ID) })
	return got
}

func sortGrants(gs []directory.PermissionGrant) []directory.PermissionGrant {
	gs = slices.Clone(gs)
	slices.SortFunc(gs, func(a, b directory.PermissionGrant) int { return strings.Compare(a.ID, b.ID) })
	return gs
}

func testGraphServicePrincipal(t *testing.T, e consentEnv) {
	sp := e.graph(t)
	if sp.ID == "" || !strings.EqualFold(sp.AppID, directory.MicrosoftGraphAppID) || !sp.AccountEnabled {
		t.Errorf("ServicePrincipal(Microsoft Graph) = %+v: want an ID, its appId, enabled", sp)
	}
}

func testServicePrincipalLifecycle(t *testing.T, e consentEnv) {
	ctx := context.Background()
	app := appID()
	_, err := e.r.ServicePrincipal(ctx, app)
	wantErr(t, "ServicePrincipal(unknown app)", err, directory.ErrNotFound, app)
	_, err = e.r.PermissionGrants(ctx, app)
	wantErr(t, "PermissionGrants(unknown app)", err, directory.ErrNotFound, app)
	_, err = e.r.ServicePrincipal(ctx, "")
	wantErr(t, "ServicePrincipal(\"\")", err, directory.ErrInvalid)

	created, err := e.g.CreateServicePrincipal(ctx, app)
	if err != nil {
		t.Fatalf("CreateServicePrincipal(%q): %v", app, err)
	}
	if created.ID == "" || !strings.EqualFold(created.AppID, app) || !created.AccountEnabled {
		t.Errorf("CreateServicePrincipal(%q) = %+v: want an ID, the appId, enabled", app, created)
	}
	got, err := e.r.ServicePrincipal(ctx, app)
	if err != nil {
		t.Fatalf("ServicePrincipal(%q): %v", app, err)
	}
	if diff := cmp.Diff(created, got); diff != "" {
		t.Errorf("ServicePrincipal(%q) mismatch (-created +read):\n%s", app, diff)
	}
	_, err = e.g.CreateServicePrincipal(ctx, app)
	wantErr(t, "CreateServicePrincipal again", err, directory.ErrExists, app)
	gs, err := e.r.PermissionGrants(ctx, app)
	if err != nil || len(gs) != 0 {
		t.Errorf("PermissionGrants(new app) = %v, %v: want none", gs, err)
	}
}

func testGrantLifecycle(t *testing.T, e consentEnv) {
	ctx := context.Background()
	u := e.create(t, e.upn("svc-grant"))
	client := e.servicePrincipal(t)
	graph := e.graph(t)

	mine := e.grant(t, directory.PermissionGrant{
		ClientID: client.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: u.ID,
		ResourceID: graph.ID, Scope: "User.Read.All Group.Read.All",
	})
	want := directory.PermissionGrant{
		ID: mine.ID, ClientID: client.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: u.ID,
		ResourceID: graph.ID, Scope: "User.Read.All Group.Read.All",
	}
	if mine.ID == "" {
		t.Fatalf("CreatePermissionGrant returned %+v: want an ID", mine)
	}
	if diff := cmp.Diff(want, mine); diff != "" {
		t.Errorf("CreatePermissionGrant mismatch (-want +got):\n%s", diff)
	}
	_, err := e.g.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: client.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: u.ID, ResourceID: graph.ID, Scope: "User.Read",
	})
	wantErr(t, "CreatePermissionGrant twice", err, directory.ErrExists)

	all := e.grant(t, directory.PermissionGrant{
		ClientID: client.ID, ConsentType: directory.ConsentAllPrincipals, ResourceID: graph.ID, Scope: "User.Read",
	})
	if err := e.g.UpdatePermissionGrantScope(ctx, mine.ID, "User.Read.All Group.Read.All Team.ReadBasic.All"); err != nil {
		t.Fatalf("UpdatePermissionGrantScope(%s): %v", mine.ID, err)
	}
	want.Scope = "User.Read.All Group.Read.All Team.ReadBasic.All"
	got, err := e.r.PermissionGrants(ctx, client.AppID)
	if err != nil {
		t.Fatalf("PermissionGrants(%s): %v", client.AppID, err)
	}
	if diff := cmp.Diff(sortGrants([]directory.PermissionGrant{want, all}), sortGrants(got)); diff != "" {
		t.Errorf("PermissionGrants mismatch (-want +got):\n%s", diff)
	}

	if err := e.g.DeletePermissionGrant(ctx, mine.ID); err != nil {
		t.Fatalf("DeletePermissionGrant(%s): %v", mine.ID, err)
	}
	got, err = e.r.PermissionGrants(ctx, client.AppID)
	if err != nil {
		t.Fatalf("PermissionGrants(%s): %v", client.AppID, err)
	}
	if diff := cmp.Diff([]directory.PermissionGrant{all}, got); diff != "" {
		t.Errorf("PermissionGrants after delete mismatch (-want +got):\n%s", diff)
	}
	err = e.g.DeletePermissionGrant(ctx, mine.ID)
	wantErr(t, "DeletePermissionGrant again", err, directory.ErrNotFound, mine.ID)
	err = e.g.UpdatePermissionGrantScope(ctx, mine.ID, "User.Read")
	wantErr(t, "UpdatePermissionGrantScope of a deleted grant", err, directory.ErrNotFound, mine.ID)
}

func testGrantUnknownPrincipal(t *testing.T, e consentEnv) {
	client := e.servicePrincipal(t)
	_, err := e.g.CreatePermissionGrant(context.Background(), directory.PermissionGrant{
		ClientID: client.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: unknownObjectID,
		ResourceID: e.graph(t).ID, Scope: "User.Read",
	})
	wantErr(t, "CreatePermissionGrant(unknown principal)", err, directory.ErrNotFound)
}

func testSnapshotConsent(t *testing.T, e consentEnv) {
	ctx := context.Background()
	u := e.create(t, e.upn("svc-snapconsent"))
	client := e.servicePrincipal(t)
	graph := e.graph(t)
	g := e.grant(t, directory.PermissionGrant{
		ClientID: client.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: u.ID, ResourceID: graph.ID, Scope: "User.Read.All",
	})
	snap, err := directory.ReadSnapshot(ctx, e.dir, directory.SnapshotRequest{
		User: u.ID, RoleAssignments: true, Consent: &directory.ConsentRequest{ClientAppID: client.AppID},
	})
	if err != nil {
		t.Fatalf("ReadSnapshot: %v", err)
	}
	c := snap.Consent
	if c.ClientErr != nil || c.ResourceErr != nil || c.GrantsErr != nil || snap.UserErr != nil {
		t.Fatalf("ReadSnapshot errors: user %v, client %v, resource %v, grants %v", snap.UserErr, c.ClientErr, c.ResourceErr, c.GrantsErr)
	}
	if diff := cmp.Diff(directory.Consent{Client: client, Resource: graph, Grants: []directory.PermissionGrant{g}}, c); diff != "" {
		t.Errorf("snapshot consent mismatch (-primitives +snapshot):\n%s", diff)
	}
}

func testSnapshotConsentUnknownApp(t *testing.T, e consentEnv) {
	u := e.create(t, e.upn("svc-snapnoapp"))
	app := appID()
	snap, err := directory.ReadSnapshot(context.Background(), e.dir, directory.SnapshotRequest{
		User: u.ID, Consent: &directory.ConsentRequest{ClientAppID: app},
	})
	if err != nil {
		t.Fatalf("ReadSnapshot: %v", err)
	}
	wantErr(t, "snapshot ClientErr", snap.Consent.ClientErr, directory.ErrNotFound, app)
	wantErr(t, "snapshot GrantsErr", snap.Consent.GrantsErr, directory.ErrNotFound, app)
	if snap.Consent.ResourceErr != nil || snap.Consent.Resource.ID == "" {
		t.Errorf("snapshot resource = %+v, %v: want Microsoft Graph's service principal", snap.Consent.Resource, snap.Consent.ResourceErr)
	}
}
