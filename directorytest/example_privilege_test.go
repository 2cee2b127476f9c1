package directorytest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

const globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"

func exampleUser(f *directorytest.Fake) directory.User {
	u, _ := f.CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	return u
}

// A PIM admin makes the account eligible for Global Administrator; the
// eligibility is one of the account's paths to a role.
func ExampleFake_CreateEligibility() {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }})
	u := exampleUser(f)
	_, err := f.CreateEligibility(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: directory.TenantScope,
		EndDateTime: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
	})
	fmt.Println(err)
	es, _ := f.Eligibilities(ctx, u.ID)
	for _, e := range es {
		fmt.Println(e.RoleDefinitionID, e.StartDateTime.Format(time.DateOnly), e.EndDateTime.Format(time.DateOnly))
	}
	// Output:
	// <nil>
	// 62e90394-69f5-4237-9190-012177145e10 2026-11-26 2027-01-31
}

// Without Microsoft Entra ID P2 the tenant has no PIM: its reads fail with
// directory.ErrNotLicensed.
func ExampleFake_SetPremiumP2() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u := exampleUser(f)
	f.SetPremiumP2(false)
	_, err := f.Eligibilities(ctx, u.ID)
	fmt.Println(err)
	// Output:
	// directorytest: list the eligibilities of "11111111-0000-4000-8000-000000000001": Privileged Identity Management needs Microsoft Entra ID P2: directory: the tenant lacks the licence this needs
}

// A role-assignable group holds a role for its members; MemberOf lists the
// account's groups, transitively.
func ExampleFake_CreateGroup() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u := exampleUser(f)
	tier0, _ := f.CreateGroup(ctx, "Tier0 admins", true)
	staff, _ := f.CreateGroup(ctx, "All staff", false)
	everyone, _ := f.CreateGroup(ctx, "Everyone", false)
	fmt.Println(f.AddGroupMember(ctx, tier0.ID, u.ID), f.AddGroupMember(ctx, staff.ID, u.ID), f.AddGroupMember(ctx, everyone.ID, staff.ID))
	fmt.Println(f.AddGroupMember(ctx, tier0.ID, staff.ID))
	_, err := f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: tier0.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: "/"})
	fmt.Println(err)
	gs, _ := f.MemberOf(ctx, u.ID)
	for _, g := range gs {
		fmt.Println(g.DisplayName, g.IsAssignableToRole)
	}
	p, _ := directory.ReadRolePaths(ctx, f, u.ID)
	fmt.Println(p.Groups[0].Group.DisplayName, p.Groups[0].RoleAssignments[0].RoleDefinitionID)
	// Output:
	// <nil> <nil> <nil>
	// directorytest: add group "44444444-0000-4000-8000-000000000003" to group "44444444-0000-4000-8000-000000000002": a role-assignable group cannot have groups as members: directory: invalid request
	// <nil>
	// Tier0 admins true
	// All staff false
	// Everyone false
	// Tier0 admins 62e90394-69f5-4237-9190-012177145e10
}

// Custom roles and administrative units are named in the account's role
// paths.
func ExampleFake_CreateRoleDefinition() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u := exampleUser(f)
	helpdesk, _ := f.CreateRoleDefinition(ctx, "Helpdesk Tier 2")
	sydney, _ := f.CreateAdministrativeUnit(ctx, "Sydney")
	_, _ = f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: helpdesk.ID, DirectoryScopeID: sydney.ID})
	p, _ := f.RolePaths(ctx, u.ID)
	fmt.Println(p.RoleDefinitions[0].DisplayName, p.RoleDefinitions[0].IsBuiltIn)
	fmt.Println(p.Scopes[0].ID, p.Scopes[0].Type, p.Scopes[0].DisplayName)
	d, _ := f.RoleDefinition(ctx, globalAdministrator)
	s, _ := f.Scope(ctx, sydney.ID)
	fmt.Println(d.DisplayName, d.IsBuiltIn, s.DisplayName)
	ds, _ := f.CustomRoleDefinitions(ctx)
	us, _ := f.AdministrativeUnits(ctx)
	fmt.Println(len(ds), ds[0].DisplayName, len(us), us[0].DisplayName)
	// Output:
	// Helpdesk Tier 2 false
	// /administrativeUnits/55555555-0000-4000-8000-000000000003 administrativeUnit Sydney
	// Global Administrator true Sydney
	// 1 Helpdesk Tier 2 1 Sydney
}

// A time-bound active assignment shows in the active schedules with its
// end; SetTimeBoundAssignmentsListed(false) acts out a role assignments
// list that leaves it out.
func ExampleFake_CreateActiveSchedule() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u := exampleUser(f)
	f.SetTimeBoundAssignmentsListed(false)
	_, err := f.CreateActiveSchedule(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: "/",
		EndDateTime: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
	})
	fmt.Println(err)
	as, _ := f.RoleAssignments(ctx, u.ID)
	ss, _ := f.ActiveSchedules(ctx, u.ID)
	fmt.Println(len(as), len(ss), ss[0].EndDateTime.Format(time.DateOnly))
	// Output:
	// <nil>
	// 0 1 2027-01-31
}

// The fake records the last successful sign-in.
func ExampleFake_SignInActivity() {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }})
	u := exampleUser(f)
	a, _ := f.SignInActivity(ctx, u.ID)
	fmt.Println(a.LastSuccessfulSignInDateTime.IsZero())
	now = now.Add(time.Hour)
	_ = f.SignIn(ctx, u.ID, "Owner-Chosen-Passphrase-2026!")
	a, _ = f.SignInActivity(ctx, u.ID)
	fmt.Println(a.LastSuccessfulSignInDateTime.Format(time.RFC3339))
	// Output:
	// true
	// 2026-11-26T10:00:00Z
}
