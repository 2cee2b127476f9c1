package graphdir_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/roles"
	"github.com/google/go-cmp/cmp"
)

var fullSnapshot = directory.SnapshotRequest{RoleAssignments: true, AuthenticationMethods: true, Domains: true}

func snapshotOf(user string) directory.SnapshotRequest {
	r := fullSnapshot
	r.User = user
	return r
}

// checkSnapshot compares a snapshot with what the primitives read.
func checkSnapshot(t *testing.T, e env, got directory.Snapshot, u directory.User) {
	t.Helper()
	ctx := context.Background()
	as, _ := e.srv.Directory().RoleAssignments(ctx, u.ID)
	ms, _ := e.srv.Directory().AuthenticationMethods(ctx, u.ID)
	ds, _ := e.srv.Directory().Domains(ctx)
	want := directory.Snapshot{User: u, RoleAssignments: as, AuthenticationMethods: ms, Domains: ds}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snapshot mismatch (-want +got):\n%s", diff)
	}
}

func TestSnapshotRoundTrips(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	upn := "svc@contoso.onmicrosoft.com"
	u, err := e.dir.CreateUser(ctx, newUser(upn))
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{teamsAdministrator, "29232cdf-9323-42fd-ade2-1d097af3e4de"} {
		if _, err := e.dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: role, DirectoryScopeID: "/"}); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, e env)
		key   string
		trips int
	}{
		{"by object ID", nil, u.ID, 1},
		{"by UPN seen at creation", nil, upn, 1},
		{"by UPN in another case", nil, "SVC@Contoso.onmicrosoft.com", 1},
		{"by UPN never seen", func(t *testing.T, e env) {
			seed(t, e, "other@contoso.onmicrosoft.com")
		}, "other@contoso.onmicrosoft.com", 2},
		{"by UPN seen in the previous snapshot", nil, "other@contoso.onmicrosoft.com", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t, e)
			}
			e.srv.Reset()
			got, err := e.dir.Snapshot(ctx, snapshotOf(tc.key))
			if err != nil {
				t.Fatal(err)
			}
			if n := e.roundTrips(); n != tc.trips {
				t.Errorf("Snapshot(%q) took %d round trips, want %d", tc.key, n, tc.trips)
			}
			want, _ := e.srv.Directory().User(ctx, tc.key)
			checkSnapshot(t, e, got, want)
		})
	}
}

// A UPN remembered for an object since deleted and re-created under the
// same UPN: the batch reads the new user, notices the ID changed, and reads
// its parts again.
func TestSnapshotStaleUPN(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	upn := "svc@contoso.onmicrosoft.com"
	old, err := e.dir.CreateUser(ctx, newUser(upn))
	if err != nil {
		t.Fatal(err)
	}
	fake := e.srv.Directory()
	if err := fake.DeleteUser(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	u := seed(t, e, upn)
	if _, err := fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Reset()
	got, err := e.dir.Snapshot(ctx, snapshotOf(upn))
	if err != nil {
		t.Fatal(err)
	}
	if n := e.roundTrips(); n != 2 {
		t.Errorf("Snapshot with a stale UPN took %d round trips, want 2", n)
	}
	checkSnapshot(t, e, got, u)
	// Now remembered right.
	e.srv.Reset()
	if _, err := e.dir.Snapshot(ctx, snapshotOf(upn)); err != nil {
		t.Fatal(err)
	}
	if n := e.roundTrips(); n != 1 {
		t.Errorf("next Snapshot took %d round trips, want 1", n)
	}
}

// A UPN remembered for a user since deleted: not found, in one trip.
func TestSnapshotDeletedUser(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	upn := "svc@contoso.onmicrosoft.com"
	u, err := e.dir.CreateUser(ctx, newUser(upn))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Directory().DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	e.srv.Reset()
	got, err := e.dir.Snapshot(ctx, snapshotOf(upn))
	if err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{"user": got.UserErr, "roles": got.RoleAssignmentsErr, "methods": got.AuthenticationMethodsErr} {
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("%s error = %v, want ErrNotFound", what, err)
		}
	}
	if got.DomainsErr != nil || len(got.Domains) == 0 {
		t.Errorf("domains = %v, %v", got.Domains, got.DomainsErr)
	}
	if n := e.roundTrips(); n != 1 {
		t.Errorf("took %d round trips, want 1", n)
	}
}

func roleIDs(n int) []string {
	var ids []string
	for _, r := range roles.All() {
		if len(ids) == n {
			break
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func TestCreateRoleAssignmentsRoundTrips(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 19, 20, 21, 25, 45} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := newEnv(t, nil, nil)
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			ids := roleIDs(n)
			if len(ids) != n {
				t.Fatalf("only %d roles", len(ids))
			}
			var req []directory.RoleAssignment
			for _, id := range ids {
				req = append(req, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: id, DirectoryScopeID: "/"})
			}
			res := e.dir.CreateRoleAssignments(ctx, req)
			if want := (n + 19) / 20; e.roundTrips() != want {
				t.Errorf("%d assignments took %d round trips, want %d", n, e.roundTrips(), want)
			}
			for _, r := range e.srv.Requests() {
				if len(r.Batch) > 20 {
					t.Errorf("a $batch of %d requests", len(r.Batch))
				}
			}
			got, _ := e.srv.Directory().RoleAssignments(ctx, u.ID)
			if len(res) != n || len(got) != n {
				t.Fatalf("%d results, %d assignments, want %d", len(res), len(got), n)
			}
			for i, r := range res {
				if r.Err != nil || r.Assignment.ID == "" || r.Assignment.RoleDefinitionID != ids[i] {
					t.Errorf("result %d = %+v: want role %s created", i, r, ids[i])
				}
			}
		})
	}
}

func TestDeleteUserAndRoleAssignmentsRoundTrips(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		roles int
		gone  int // assignments deleted behind the Directory's back
		trips int
	}{
		{"no assignments", 0, 0, 1},
		{"three", 3, 0, 1},
		{"nineteen", 19, 0, 1},
		{"twenty", 20, 0, 2},
		{"one already gone", 3, 1, 2},
		// Each assignment already gone fails the rest of the chain (424)
		// and costs a round trip; more of them than MaxRetries still end.
		{"ten already gone", 10, 10, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			fake := e.srv.Directory()
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			var ids []string
			for _, role := range roleIDs(tc.roles) {
				a, err := fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: role, DirectoryScopeID: "/"})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, a.ID)
			}
			for _, id := range ids[:tc.gone] {
				if err := fake.DeleteRoleAssignment(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.dir.DeleteUserAndRoleAssignments(ctx, u.ID, ids); err != nil {
				t.Fatalf("DeleteUserAndRoleAssignments: %v", err)
			}
			if n := e.roundTrips(); n != tc.trips {
				t.Errorf("took %d round trips, want %d", n, tc.trips)
			}
			if _, err := fake.User(ctx, u.ID); !errors.Is(err, directory.ErrNotFound) {
				t.Errorf("user still there: %v", err)
			}
			// The user is deleted last, after every assignment.
			var order []graphtest.Endpoint
			for _, r := range e.srv.Requests() {
				for _, b := range r.Batch {
					if b.Endpoint == graphtest.DeleteUser && len(r.Batch) > 1 && len(b.DependsOn) != 1 {
						t.Errorf("user deletion depends on %v, want the last assignment of its batch", b.DependsOn)
					}
					order = append(order, b.Endpoint)
				}
			}
			if len(order) == 0 || order[len(order)-1] != graphtest.DeleteUser {
				t.Errorf("requests %v: want the user deleted last", order)
			}
		})
	}
}

// An assignment that cannot be deleted keeps the user.
func TestDeleteUserAndRoleAssignmentsKeepsUserOnFailure(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	fake := e.srv.Directory()
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	a, err := fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.DenyPermission(graphtest.DeleteRoleAssignment)
	err = e.dir.DeleteUserAndRoleAssignments(ctx, u.ID, []string{a.ID})
	if !errors.Is(err, directory.ErrPermission) {
		t.Errorf("err = %v, want ErrPermission", err)
	}
	if _, err := fake.User(ctx, u.ID); err != nil {
		t.Errorf("the user was deleted although its assignment was not: %v", err)
	}
	if e.roundTrips() != 1 {
		t.Errorf("%d round trips, want 1", e.roundTrips())
	}
}

func TestPrimitivesRoundTrips(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	step := func(name string, fn func() error) {
		t.Helper()
		e.srv.Reset()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := e.roundTrips(); n != 1 {
			t.Errorf("%s took %d round trips, want 1", name, n)
		}
	}
	var u directory.User
	var a directory.RoleAssignment
	step("CreateUser", func() (err error) { u, err = e.dir.CreateUser(ctx, newUser("svc@contoso.onmicrosoft.com")); return })
	step("User", func() error { _, err := e.dir.User(ctx, u.UserPrincipalName); return err })
	step("CreateRoleAssignment", func() (err error) {
		a, err = e.dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"})
		return
	})
	step("RoleAssignments", func() error { _, err := e.dir.RoleAssignments(ctx, u.ID); return err })
	step("AuthenticationMethods", func() error { _, err := e.dir.AuthenticationMethods(ctx, u.ID); return err })
	step("Domains", func() error { _, err := e.dir.Domains(ctx); return err })
	step("DeleteRoleAssignment", func() error { return e.dir.DeleteRoleAssignment(ctx, a.ID) })
	step("DeleteUser", func() error { return e.dir.DeleteUser(ctx, u.ID) })
}
