package directorytest_test

import (
	"context"
	"fmt"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

// signedInMember creates a member user who can sign in, and returns it
// with the view signed in as it.
func signedInMember(f *directorytest.Fake, opts *directorytest.SignInOptions) (directory.User, *directorytest.SignedIn) {
	u, _ := f.CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	view, _ := f.SignedInAs(u.UserPrincipalName, opts)
	return u, view
}

// The signed-in user's memberships list its groups and the directory
// roles it holds, directly or through a role-assignable group, without
// saying through which; custom roles are not among them.
func ExampleSignedIn_TransitiveMemberOf() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u, view := signedInMember(f, nil)
	g, _ := f.CreateGroup(ctx, "Tier0 admins", true)
	_ = f.AddGroupMember(ctx, g.ID, u.ID)
	_, _ = f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: g.ID, RoleDefinitionID: "e8611ab8-c189-46e8-94e1-60213ab1f814", DirectoryScopeID: directory.TenantScope})
	custom, _ := f.CreateRoleDefinition(ctx, "Helpdesk Plus")
	_, _ = f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: custom.ID, DirectoryScopeID: directory.TenantScope})

	groups, roles, err := view.TransitiveMemberOf(ctx)
	if err != nil {
		fmt.Println(err)
	}
	for _, g := range groups {
		fmt.Println("group:", g.DisplayName, g.IsAssignableToRole)
	}
	for _, r := range roles {
		fmt.Println("role:", r.DisplayName, r.DirectoryScopeID)
	}
	// Output:
	// group: Tier0 admins true
	// role: Privileged Role Administrator /
}

// PIM schedules need a PIM reader role, even for one's own eligibilities;
// the reading under which members list their own role assignments does not
// extend to them.
func ExampleSignedIn_Eligibilities() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u, view := signedInMember(f, &directorytest.SignInOptions{MembersListOwnRoleAssignments: true})
	_, _ = f.CreateEligibility(ctx, directory.RoleSchedule{PrincipalID: u.ID, RoleDefinitionID: "62e90394-69f5-4237-9190-012177145e10", DirectoryScopeID: directory.TenantScope})

	_, err := view.Eligibilities(ctx, u.ID)
	fmt.Println(err)
	// Global Reader is a PIM reader role.
	_, _ = f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: "f2ef992c-3afb-46b9-b7cf-a126ee74c451", DirectoryScopeID: directory.TenantScope})
	es, err := view.Eligibilities(ctx, u.ID)
	fmt.Println(len(es), err)
	as, err := view.ActiveSchedules(ctx, u.ID)
	fmt.Println(len(as), err)
	// Output:
	// directorytest: signed in as svc@contoso.onmicrosoft.com: list role eligibility schedules of "11111111-0000-4000-8000-000000000001": the signed-in user holds none of Global Reader, Security Reader, Privileged Role Administrator: directory: permission denied
	// 1 <nil>
	// 1 <nil>
}

// The role paths of the signed-in view: the PIM parts under the PIM
// reader-role rule, the groups part denied (listing a user's groups by ID
// needs GroupMember.Read.All).
func ExampleSignedIn_RolePaths() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u, view := signedInMember(f, nil)
	p, _ := view.RolePaths(ctx, u.ID)
	fmt.Println(p.EligibilitiesErr != nil, p.ActiveSchedulesErr != nil)
	fmt.Println(p.GroupsErr)
	// Output:
	// true true
	// directorytest: signed in as svc@contoso.onmicrosoft.com: list the groups of "11111111-0000-4000-8000-000000000001": the app was not granted GroupMember.Read.All: directory: permission denied
}
