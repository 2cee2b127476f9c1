package directorytest_test

import (
	"errors"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

// The membership reads graphtest serves /me/transitiveMemberOf and
// /me/scopedRoleMemberOf with follow their own rules, whatever the rule of
// the role-assignment list.
func TestSignedInMemberships(t *testing.T) {
	ctx := t.Context()
	f := directorytest.New(nil)
	nu := newUser("member@" + directorytest.DefaultDomain)
	nu.ForceChangePasswordNextSignIn = false
	u, err := f.CreateUser(ctx, nu)
	if err != nil {
		t.Fatal(err)
	}
	const au = "/administrativeUnits/0a0a0a0a-0000-4000-8000-000000000002"
	for _, scope := range []string{directory.TenantScope, au} {
		if _, err := f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdmin, DirectoryScopeID: scope}); err != nil {
			t.Fatal(err)
		}
	}
	view, err := f.SignedInAs(u.UserPrincipalName, nil)
	if err != nil {
		t.Fatal(err)
	}
	if view.UserID() != u.ID || view.UserPrincipalName() != u.UserPrincipalName || f.TenantID() != directorytest.DefaultTenantID {
		t.Errorf("view of %s (%s) in %s", view.UserPrincipalName(), view.UserID(), f.TenantID())
	}
	ms, err := view.RoleMemberships(ctx)
	want := []directory.RoleMembership{{RoleTemplateID: teamsAdmin, RoleID: directorytest.RoleObjectID(teamsAdmin), DisplayName: "Teams Administrator", DirectoryScopeID: "/"}}
	if err != nil || !cmp.Equal(want, ms) {
		t.Errorf("RoleMemberships = %+v, %v; want %+v", ms, err, want)
	}
	if _, err := view.ScopedRoleMemberships(ctx); !errors.Is(err, directory.ErrPermission) {
		t.Errorf("ScopedRoleMemberships without Directory.Read.All = %v: want ErrPermission", err)
	}
	wide, _ := f.SignedInAs(u.UserPrincipalName, &directorytest.SignInOptions{Scopes: []string{directorytest.ScopeUserRead, directorytest.ScopeDirectoryReadAll}})
	ms, err = wide.ScopedRoleMemberships(ctx)
	want = []directory.RoleMembership{{RoleID: directorytest.RoleObjectID(teamsAdmin), DirectoryScopeID: au}}
	if err != nil || !cmp.Equal(want, ms) {
		t.Errorf("ScopedRoleMemberships = %+v, %v; want %+v", ms, err, want)
	}
	none, _ := f.SignedInAs(u.UserPrincipalName, &directorytest.SignInOptions{Scopes: []string{}})
	if _, err := none.RoleMemberships(ctx); !errors.Is(err, directory.ErrPermission) {
		t.Errorf("RoleMemberships without User.Read = %v: want ErrPermission", err)
	}
}
