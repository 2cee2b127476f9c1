package graphdir_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/google/go-cmp/cmp"
)

const globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"

// endpoints lists the endpoints of the requests the server received,
// those inside a $batch included, per round trip.
func endpoints(e env) [][]graphtest.Endpoint {
	var out [][]graphtest.Endpoint
	for _, r := range e.srv.Requests() {
		var trip []graphtest.Endpoint
		for _, it := range append([]graphtest.Request{r}, r.Batch...) {
			if it.Endpoint != graphtest.Batch {
				trip = append(trip, it.Endpoint)
			}
		}
		slices.Sort(trip)
		out = append(out, trip)
	}
	return out
}

func rolePathsRequest(key string) directory.SnapshotRequest {
	return directory.SnapshotRequest{User: key, RoleAssignments: true, AuthenticationMethods: true, RolePaths: true, SignInActivity: true}
}

// TestRolePathsRoundTrips: the role paths join the Snapshot's $batch: one
// round trip by object ID when the user is in no role-assignable group,
// two when it is (the groups' roles), two by a UPN never seen (the PIM
// reads need the object ID) with or without groups.
func TestRolePathsRoundTrips(t *testing.T) {
	ctx := context.Background()
	first := []graphtest.Endpoint{
		graphtest.GetUser, graphtest.GetUser, graphtest.ListAuthenticationMethods, // the second GetUser: signInActivity
		graphtest.ListRoleAssignments, graphtest.ListRoleEligibilitySchedules, graphtest.ListRoleAssignmentScheduleInstances,
		graphtest.ListTransitiveMemberOfGroups, graphtest.ListRoleDefinitions, graphtest.ListAdministrativeUnits,
	}
	slices.Sort(first)
	groupRoles := []graphtest.Endpoint{graphtest.ListRoleAssignments, graphtest.ListRoleEligibilitySchedules}
	for _, tc := range []struct {
		name   string
		groups func(t *testing.T, e env, userID string)
		byUPN  bool
		trips  int
	}{
		{"by object ID, no group", nil, false, 1},
		{"by object ID, a group that is not role-assignable", func(t *testing.T, e env, id string) { member(t, e, "All staff", false, id) }, false, 1},
		{"by object ID, a role-assignable group", func(t *testing.T, e env, id string) { member(t, e, "Tier0 admins", true, id) }, false, 2},
		{"by UPN never seen, no group", nil, true, 2},
		{"by UPN never seen, a role-assignable group", func(t *testing.T, e env, id string) { member(t, e, "Tier0 admins", true, id) }, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			if tc.groups != nil {
				tc.groups(t, e, u.ID)
			}
			key := u.ID
			if tc.byUPN {
				key = u.UserPrincipalName
			}
			e.srv.Reset()
			snap, err := e.dir.Snapshot(ctx, rolePathsRequest(key))
			if err != nil {
				t.Fatal(err)
			}
			if snap.RolePaths.EligibilitiesErr != nil || snap.RolePaths.GroupsErr != nil || snap.RolePaths.ActiveSchedulesErr != nil || snap.SignInActivityErr != nil {
				t.Fatalf("parts failed: %+v, sign-in %v", snap.RolePaths, snap.SignInActivityErr)
			}
			trips := endpoints(e)
			if len(trips) != tc.trips {
				t.Fatalf("%d round trips, want %d: %v", len(trips), tc.trips, trips)
			}
			if !tc.byUPN {
				if diff := cmp.Diff(first, trips[0]); diff != "" {
					t.Errorf("first $batch (-want +got):\n%s", diff)
				}
				if tc.trips == 2 {
					if diff := cmp.Diff(groupRoles, trips[1]); diff != "" {
						t.Errorf("second $batch (-want +got):\n%s", diff)
					}
				}
			}
		})
	}
}

// TestRolePathsStaleUPN: a UPN remembered for an object since deleted and
// re-created under the same UPN. The role paths' group memberships, read in
// the first $batch by the remembered object ID, are read again by the
// current one (one more round trip, since the groups' roles need them), and
// a Snapshot that asks for MemberOf too still reads the memberships once
// per object ID.
func TestRolePathsStaleUPN(t *testing.T) {
	ctx := context.Background()
	for _, memberOf := range []bool{false, true} {
		e := newEnv(t, nil, nil)
		upn := "svc@contoso.onmicrosoft.com"
		old, err := e.dir.CreateUser(ctx, newUser(upn)) // remembered
		if err != nil {
			t.Fatal(err)
		}
		if err := e.srv.Directory().DeleteUser(ctx, old.ID); err != nil {
			t.Fatal(err)
		}
		u := seed(t, e, upn)
		g := member(t, e, "Tier0 admins", true, u.ID)
		a, err := e.srv.Directory().CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: g.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"})
		if err != nil {
			t.Fatal(err)
		}
		e.srv.Reset()
		req := rolePathsRequest(upn)
		req.MemberOf = memberOf
		snap, err := e.dir.Snapshot(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if snap.RolePaths.GroupsErr != nil || snap.MemberOfErr != nil {
			t.Fatalf("MemberOf %v: groups: %v, MemberOf: %v", memberOf, snap.RolePaths.GroupsErr, snap.MemberOfErr)
		}
		want := []directory.GroupRoles{{Group: g, RoleAssignments: []directory.RoleAssignment{a}, Eligibilities: []directory.RoleSchedule{}}}
		if diff := cmp.Diff(want, snap.RolePaths.Groups); diff != "" {
			t.Errorf("MemberOf %v: groups (-want +got):\n%s", memberOf, diff)
		}
		if memberOf {
			if diff := cmp.Diff([]directory.Group{{ID: g.ID, DisplayName: g.DisplayName}}, snap.MemberOf); diff != "" {
				t.Errorf("MemberOf (-want +got):\n%s", diff)
			}
		}
		trips := endpoints(e)
		if len(trips) != 3 {
			t.Errorf("MemberOf %v: %d round trips, want 3: %v", memberOf, len(trips), trips)
		}
		var reads int
		for _, trip := range trips {
			for _, ep := range trip {
				if ep == graphtest.ListTransitiveMemberOf || ep == graphtest.ListTransitiveMemberOfGroups {
					reads++
				}
			}
		}
		if reads != 2 {
			t.Errorf("MemberOf %v: %d reads of the memberships, want 2 (the remembered object ID's, the current one's): %v", memberOf, reads, trips)
		}
	}
}

func member(t *testing.T, e env, name string, assignable bool, userID string) directory.Group {
	t.Helper()
	ctx := context.Background()
	g, err := e.srv.Directory().CreateGroup(ctx, name, assignable)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Directory().AddGroupMember(ctx, g.ID, userID); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestRolePathsWithoutP2: Graph's answer to a PIM read in a tenant without
// P2 (AadPremiumLicenseRequired) is classified ErrNotLicensed, and only
// that, whichever status it comes with: Microsoft does not document the
// status; 400 is what has been observed.
func TestRolePathsWithoutP2(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e := newEnv(t, &graphtest.Options{LicenseRequiredStatus: status}, nil)
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			e.srv.Directory().SetPremiumP2(false)
			p, err := e.dir.RolePaths(context.Background(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range []error{p.EligibilitiesErr, p.ActiveSchedulesErr} {
				if !errors.Is(err, directory.ErrNotLicensed) || errors.Is(err, directory.ErrPermission) || errors.Is(err, directory.ErrInvalid) {
					t.Errorf("%v: want ErrNotLicensed only", err)
				}
				req, ok := directory.RequirementOf(err)
				if !ok || !slices.Contains(req.Licenses, "Microsoft Entra ID P2") || len(req.Permissions) != 0 {
					t.Errorf("RequirementOf(%v) = %+v, %v: want the P2 licence and no permission", err, req, ok)
				}
			}
			if p.GroupsErr != nil {
				t.Errorf("GroupsErr = %v", p.GroupsErr)
			}
		})
	}
}

// TestRolePathsDenied: a read the credential may not do fails its own part
// with ErrPermission and the permissions it needs; the other parts stand.
func TestRolePathsDenied(t *testing.T) {
	for _, tc := range []struct {
		endpoint graphtest.Endpoint
		part     func(directory.Snapshot) error
		want     string
	}{
		{graphtest.ListRoleEligibilitySchedules, func(s directory.Snapshot) error { return s.RolePaths.EligibilitiesErr }, "RoleEligibilitySchedule.Read.Directory"},
		{graphtest.ListRoleAssignmentScheduleInstances, func(s directory.Snapshot) error { return s.RolePaths.ActiveSchedulesErr }, "RoleAssignmentSchedule.Read.Directory"},
		{graphtest.ListTransitiveMemberOfGroups, func(s directory.Snapshot) error { return s.RolePaths.GroupsErr }, "GroupMember.Read.All"},
		{graphtest.GetSignInActivity, func(s directory.Snapshot) error { return s.SignInActivityErr }, "AuditLog.Read.All"},
	} {
		t.Run(string(tc.endpoint), func(t *testing.T) {
			e := newEnv(t, nil, nil)
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			e.srv.DenyPermission(tc.endpoint)
			snap, err := e.dir.Snapshot(context.Background(), rolePathsRequest(u.ID))
			if err != nil {
				t.Fatal(err)
			}
			err = tc.part(snap)
			if !errors.Is(err, directory.ErrPermission) {
				t.Fatalf("part error = %v, want ErrPermission", err)
			}
			if req, _ := directory.RequirementOf(err); !slices.Contains(req.Permissions, tc.want) {
				t.Errorf("RequirementOf(%v) = %+v, want %s", err, req, tc.want)
			}
			if snap.UserErr != nil || snap.RoleAssignmentsErr != nil {
				t.Errorf("other parts failed: user %v, roles %v", snap.UserErr, snap.RoleAssignmentsErr)
			}
		})
	}
}

// TestSignInActivity reads the last successful sign-in, alone and in a
// Snapshot.
func TestSignInActivity(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	if err := e.srv.Directory().SignIn(ctx, u.ID, "Owner-Chosen-Passphrase-2026!"); err != nil {
		t.Fatal(err)
	}
	want, _ := e.srv.Directory().SignInActivity(ctx, u.ID)
	if want.LastSuccessfulSignInDateTime.IsZero() {
		t.Fatal("the fake recorded no sign-in")
	}
	got, err := e.dir.SignInActivity(ctx, u.ID)
	if err != nil || !got.LastSuccessfulSignInDateTime.Equal(want.LastSuccessfulSignInDateTime) {
		t.Errorf("SignInActivity = %+v, %v; want %+v", got, err, want)
	}
	snap, err := e.dir.Snapshot(ctx, directory.SnapshotRequest{User: u.UserPrincipalName, SignInActivity: true})
	if err != nil || snap.SignInActivityErr != nil || !snap.SignInActivity.LastSuccessfulSignInDateTime.Equal(want.LastSuccessfulSignInDateTime) {
		t.Errorf("Snapshot.SignInActivity = %+v, %v, %v", snap.SignInActivity, snap.SignInActivityErr, err)
	}
	if _, err := e.dir.SignInActivity(ctx, "00000000-0000-4000-8000-00000000dead"); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	_ = now
}

// TestEligibilityShape: the eligibility schedule's start and end come from
// scheduleInfo, as Microsoft documents it; no expiration is a zero end.
func TestEligibilityShape(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2227, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, s := range []directory.RoleSchedule{
		{PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: "/", StartDateTime: start, EndDateTime: end},
		{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/", StartDateTime: start},
	} {
		if _, err := e.srv.Directory().CreateEligibility(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	e.srv.Reset()
	p, err := e.dir.RolePaths(ctx, u.ID)
	if err != nil || p.EligibilitiesErr != nil {
		t.Fatal(err, p.EligibilitiesErr)
	}
	var got [][2]time.Time
	for _, s := range p.Eligibilities {
		got = append(got, [2]time.Time{s.StartDateTime, s.EndDateTime})
	}
	if diff := cmp.Diff([][2]time.Time{{start, end}, {start, {}}}, got); diff != "" {
		t.Errorf("eligibility windows (-want +got):\n%s", diff)
	}
	for _, r := range e.srv.Requests()[0].Batch {
		if r.Endpoint == graphtest.ListRoleEligibilitySchedules {
			if f := r.Query().Get("$filter"); f != "principalId eq '"+u.ID+"'" {
				t.Errorf("eligibility $filter = %q", f)
			}
		}
	}
}
