package graphdir_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

// Every path to a role, read in the Snapshot's $batch: a PIM eligibility,
// and a role-assignable group's role (whose roles cost a second round
// trip). In a tenant without Microsoft Entra ID P2 the PIM reads fail with
// directory.ErrNotLicensed.
func ExampleDirectory_RolePaths() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	tenant := srv.Directory() // the Fake behind the server: acts out the admins
	u, _ := tenant.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp0rary-Passw0rd!"),
	})
	_, _ = tenant.CreateEligibility(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: "62e90394-69f5-4237-9190-012177145e10", DirectoryScopeID: "/",
		EndDateTime: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
	})
	g, _ := tenant.CreateGroup(ctx, "Tier0 admins", true)
	_ = tenant.AddGroupMember(ctx, g.ID, u.ID)
	_, _ = tenant.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: g.ID, RoleDefinitionID: "e8611ab8-c189-46e8-94e1-60213ab1f814", DirectoryScopeID: "/"})

	srv.Reset()
	p, err := dir.RolePaths(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(srv.Requests()), "round trips")
	for _, e := range p.Eligibilities {
		fmt.Println("eligible for", e.RoleDefinitionID, "until", e.EndDateTime.Format(time.DateOnly))
	}
	for _, gr := range p.Groups {
		fmt.Println("through", gr.Group.DisplayName, gr.RoleAssignments[0].RoleDefinitionID)
	}

	tenant.SetPremiumP2(false)
	p, _ = dir.RolePaths(ctx, u.ID)
	req, _ := directory.RequirementOf(p.EligibilitiesErr)
	fmt.Println(errors.Is(p.EligibilitiesErr, directory.ErrNotLicensed), req.Licenses)
	// Output:
	// 2 round trips
	// eligible for 62e90394-69f5-4237-9190-012177145e10 until 2027-01-31
	// through Tier0 admins e8611ab8-c189-46e8-94e1-60213ab1f814
	// true [Microsoft Entra ID P2 Microsoft Entra ID Governance]
}

// The last successful sign-in, which needs AuditLog.Read.All and a tenant
// with Microsoft Entra ID P1.
func ExampleDirectory_SignInActivity() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	tenant := srv.Directory()
	u, _ := tenant.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp0rary-Passw0rd!"),
	})
	a, err := dir.SignInActivity(ctx, u.ID)
	fmt.Println(a.LastSuccessfulSignInDateTime.IsZero(), err)
	_ = tenant.SignIn(ctx, u.ID, "Owner-Chosen-Passphrase-2026!")
	a, _ = dir.SignInActivity(ctx, u.ID)
	fmt.Println(a.LastSuccessfulSignInDateTime.IsZero())

	srv.DenyPermission(graphtest.GetSignInActivity)
	_, err = dir.SignInActivity(ctx, u.ID)
	req, _ := directory.RequirementOf(err)
	fmt.Println(errors.Is(err, directory.ErrPermission), req.Permissions)
	// Output:
	// true <nil>
	// false
	// true [AuditLog.Read.All]
}
