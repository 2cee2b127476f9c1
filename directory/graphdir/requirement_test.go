package graphdir_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/google/go-cmp/cmp"
)

// A request answered 403 says what it needed, alone and as a $batch item,
// through directory.RequirementOf: the least-privileged permission of its
// endpoint first and, for delegated callers, the roles.
func TestDeniedRequestCarriesRequirement(t *testing.T) {
	ctx := context.Background()
	assign := func(id string) directory.RoleAssignment {
		return directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: "729827e3-9c14-49f7-bb1b-9608f156bbb8", DirectoryScopeID: "/"}
	}
	for _, tc := range []struct {
		endpoint   graphtest.Endpoint
		permission string // the least privileged
		role       string // the least privileged, or ""
		call       func(e env, u directory.User) error
	}{
		{graphtest.GetUser, "User.Read.All", "", func(e env, u directory.User) error {
			_, err := e.dir.User(ctx, u.ID)
			return err
		}},
		{graphtest.GetUser, "User.Read.All", "", func(e env, u directory.User) error {
			s, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
			return errors.Join(err, s.UserErr)
		}},
		{graphtest.CreateUser, "User.ReadWrite.All", "User Administrator", func(e env, u directory.User) error {
			_, err := e.dir.CreateUser(ctx, directory.NewUser{UserPrincipalName: "new@contoso.onmicrosoft.com", DisplayName: "new", MailNickname: "new", Password: directory.NewPassword("Temp-Passw0rd-123!")})
			return err
		}},
		{graphtest.DeleteUser, "User.ReadWrite.All", "User Administrator", func(e env, u directory.User) error {
			return e.dir.DeleteUser(ctx, u.ID)
		}},
		{graphtest.DeleteUser, "User.ReadWrite.All", "User Administrator", func(e env, u directory.User) error {
			return e.dir.DeleteUserAndRoleAssignments(ctx, u.ID, nil)
		}},
		{graphtest.ListRoleAssignments, "RoleManagement.Read.Directory", "Directory Readers", func(e env, u directory.User) error {
			_, err := e.dir.RoleAssignments(ctx, u.ID)
			return err
		}},
		{graphtest.ListRoleAssignments, "RoleManagement.Read.Directory", "Directory Readers", func(e env, u directory.User) error {
			s, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
			return errors.Join(err, s.RoleAssignmentsErr)
		}},
		{graphtest.CreateRoleAssignment, "RoleManagement.ReadWrite.Directory", "Privileged Role Administrator", func(e env, u directory.User) error {
			_, err := e.dir.CreateRoleAssignment(ctx, assign(u.ID))
			return err
		}},
		{graphtest.CreateRoleAssignment, "RoleManagement.ReadWrite.Directory", "Privileged Role Administrator", func(e env, u directory.User) error {
			return e.dir.CreateRoleAssignments(ctx, []directory.RoleAssignment{assign(u.ID)})[0].Err
		}},
		{graphtest.DeleteRoleAssignment, "RoleManagement.ReadWrite.Directory", "Privileged Role Administrator", func(e env, u directory.User) error {
			return e.dir.DeleteRoleAssignment(ctx, "00000000-0000-4000-8000-0000000000aa")
		}},
		{graphtest.DeleteRoleAssignment, "RoleManagement.ReadWrite.Directory", "Privileged Role Administrator", func(e env, u directory.User) error {
			return e.dir.DeleteUserAndRoleAssignments(ctx, u.ID, []string{"00000000-0000-4000-8000-0000000000aa"})
		}},
		{graphtest.ListAuthenticationMethods, "UserAuthenticationMethod.Read.All", "Global Reader", func(e env, u directory.User) error {
			_, err := e.dir.AuthenticationMethods(ctx, u.ID)
			return err
		}},
		{graphtest.ListAuthenticationMethods, "UserAuthenticationMethod.Read.All", "Global Reader", func(e env, u directory.User) error {
			s, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
			return errors.Join(err, s.AuthenticationMethodsErr)
		}},
		{graphtest.ListDomains, "Domain.Read.All", "", func(e env, u directory.User) error {
			_, err := e.dir.Domains(ctx)
			return err
		}},
		{graphtest.ListDomains, "Domain.Read.All", "", func(e env, u directory.User) error {
			s, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
			return errors.Join(err, s.DomainsErr)
		}},
	} {
		e := newEnv(t, nil, nil)
		u := seed(t, e, "svc@contoso.onmicrosoft.com")
		e.srv.DenyPermission(tc.endpoint)
		err := tc.call(e, u)
		if !errors.Is(err, directory.ErrPermission) {
			t.Errorf("%s: err = %v, want ErrPermission", tc.endpoint, err)
			continue
		}
		req, ok := directory.RequirementOf(err)
		if !ok || len(req.Permissions) == 0 {
			t.Errorf("%s: %v carries no requirement", tc.endpoint, err)
			continue
		}
		got := []string{req.Permissions[0], ""}
		if len(req.Roles) > 0 {
			got[1] = req.Roles[0]
		}
		if diff := cmp.Diff([]string{tc.permission, tc.role}, got); diff != "" {
			t.Errorf("%s: least privileged permission and role (-want +got):\n%s", tc.endpoint, diff)
		}
	}
}

// Only a 403 carries a requirement: a 404 does not name a permission.
func TestRequirementOnlyForForbidden(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	_, err := e.dir.User(ctx, "nobody@contoso.onmicrosoft.com")
	if !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if req, ok := directory.RequirementOf(err); ok {
		t.Errorf("404 carries requirement %+v", req)
	}
}
