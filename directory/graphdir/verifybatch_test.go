package graphdir_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

// maxBatchItems is Graph's limit on the requests of one JSON $batch
// (https://learn.microsoft.com/graph/json-batching, "Batch size
// limitations").
const maxBatchItems = 20

// verifyRequest asks for everything verify.Verifier.Verify asks for.
func verifyRequest(key, clientAppID string) directory.SnapshotRequest {
	return directory.SnapshotRequest{
		User: key, RoleAssignments: true, AuthenticationMethods: true, RolePaths: true, SignInActivity: true,
		MemberOf: true, SignInPolicies: true,
		Consent: &directory.ConsentRequest{ClientAppID: clientAppID, ResourceAppID: directory.MicrosoftGraphAppID},
	}
}

// TestVerifySnapshotFitsOneBatch: a Snapshot asking for everything Verify
// asks for, by object ID, is one $batch of at most 20 items, which reads
// the user's transitive memberships once (GET
// /users/{id}/transitiveMemberOf, https://learn.microsoft.com/graph/api/user-list-transitivememberof)
// for both the role paths and MemberOf. A role-assignable group's roles
// take the second round trip, as they do without MemberOf.
func TestVerifySnapshotFitsOneBatch(t *testing.T) {
	const app = "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"
	first := []graphtest.Endpoint{
		graphtest.GetUser, graphtest.GetUser, // the second: signInActivity
		graphtest.ListRoleAssignments, graphtest.ListAuthenticationMethods,
		graphtest.ListTransitiveMemberOf, // role paths' groups and MemberOf
		graphtest.ListRoleEligibilitySchedules, graphtest.ListRoleAssignmentScheduleInstances,
		graphtest.ListRoleDefinitions, graphtest.ListAdministrativeUnits,
		graphtest.GetSecurityDefaults, graphtest.ListConditionalAccess, graphtest.ListAuthenticationStrength,
		graphtest.GetServicePrincipal, graphtest.GetServicePrincipal, graphtest.ListPermissionGrants,
	}
	slices.Sort(first)
	for _, tc := range []struct {
		name       string
		assignable bool
		trips      int
	}{
		{"a group that is not role-assignable", false, 1},
		{"a role-assignable group", true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, nil, nil)
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			if _, err := e.dir.CreateServicePrincipal(ctx, app); err != nil {
				t.Fatal(err)
			}
			g := member(t, e, "Tier0 admins", tc.assignable, u.ID)
			e.srv.Reset()
			snap, err := e.dir.Snapshot(ctx, verifyRequest(u.ID, app))
			if err != nil {
				t.Fatal(err)
			}
			reqs := e.srv.Requests()
			if len(reqs) != tc.trips || reqs[0].Endpoint != graphtest.Batch {
				t.Fatalf("%d round trips, want %d starting with a $batch: %v", len(reqs), tc.trips, endpoints(e))
			}
			n := len(reqs[0].Batch)
			t.Logf("first $batch: %d items", n)
			if n > maxBatchItems {
				t.Errorf("first $batch has %d items, Graph takes at most %d", n, maxBatchItems)
			}
			if diff := cmp.Diff(first, endpoints(e)[0]); diff != "" {
				t.Errorf("first $batch (-want +got):\n%s", diff)
			}
			for _, r := range reqs[0].Batch {
				if r.Endpoint == graphtest.ListTransitiveMemberOf {
					if sel := r.Query().Get("$select"); sel != "id,displayName,isAssignableToRole" {
						t.Errorf("transitiveMemberOf $select = %q", sel)
					}
				}
			}

			// Each consumer sees what its own read gave it.
			if snap.MemberOfErr != nil || snap.RolePaths.GroupsErr != nil {
				t.Fatalf("MemberOfErr %v, GroupsErr %v", snap.MemberOfErr, snap.RolePaths.GroupsErr)
			}
			if diff := cmp.Diff([]directory.Group{{ID: g.ID, DisplayName: g.DisplayName}}, snap.MemberOf); diff != "" {
				t.Errorf("MemberOf (-want +got):\n%s", diff)
			}
			wantGroups := []directory.GroupRoles{}
			if tc.assignable {
				wantGroups = append(wantGroups, directory.GroupRoles{Group: directory.Group{ID: g.ID, DisplayName: g.DisplayName, IsAssignableToRole: true},
					RoleAssignments: []directory.RoleAssignment{}, Eligibilities: []directory.RoleSchedule{}})
				if diff := cmp.Diff([]graphtest.Endpoint{graphtest.ListRoleAssignments, graphtest.ListRoleEligibilitySchedules}, endpoints(e)[1]); diff != "" {
					t.Errorf("second $batch (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(wantGroups, snap.RolePaths.Groups); diff != "" {
				t.Errorf("RolePaths.Groups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSharedMembershipsFault: the memberships Verify's Snapshot reads once
// for MemberOf and the role paths fail both parts together, on the Fake (a
// fault on either of its reads) and over Graph (the one request failing).
func TestSharedMembershipsFault(t *testing.T) {
	for _, op := range []directorytest.Op{directorytest.OpGroupMemberships, directorytest.OpTransitiveMemberOf} {
		for _, backend := range []string{"fake", "graph"} {
			t.Run(string(op)+"/"+backend, func(t *testing.T) {
				ctx := context.Background()
				e := newEnv(t, nil, nil)
				u := seed(t, e, "svc@contoso.onmicrosoft.com")
				member(t, e, "Tier0 admins", true, u.ID)
				fake := e.srv.Directory()
				fake.SetFault(func(o directorytest.Op, object string) error {
					if o == op {
						return directorytest.PermissionDenied(o, object)
					}
					return nil
				})
				var dir directory.Snapshotter = e.dir
				if backend == "fake" {
					dir = fake
				}
				snap, err := dir.Snapshot(ctx, verifyRequest(u.ID, "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"))
				if err != nil {
					t.Fatal(err)
				}
				for name, err := range map[string]error{"MemberOfErr": snap.MemberOfErr, "RolePaths.GroupsErr": snap.RolePaths.GroupsErr} {
					if !errors.Is(err, directory.ErrPermission) {
						t.Errorf("%s = %v, want ErrPermission", name, err)
					}
				}
				if snap.MemberOf != nil || snap.RolePaths.Groups != nil {
					t.Errorf("groups read despite the fault: MemberOf %v, RolePaths.Groups %v", snap.MemberOf, snap.RolePaths.Groups)
				}
				if snap.UserErr != nil || snap.RoleAssignmentsErr != nil || snap.RolePaths.EligibilitiesErr != nil {
					t.Errorf("other parts failed: user %v, roles %v, eligibilities %v", snap.UserErr, snap.RoleAssignmentsErr, snap.RolePaths.EligibilitiesErr)
				}
			})
		}
	}
}
