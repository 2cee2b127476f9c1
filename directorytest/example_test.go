package directorytest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

func ExampleNew() {
	ctx := context.Background()
	f := directorytest.New(&directorytest.Options{
		Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) },
	})
	u, err := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "Service account", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"), ForceChangePasswordNextSignIn: true,
	})
	fmt.Println(u.ID, u.UserPrincipalName, u.CreatedDateTime.Format(time.RFC3339), err)

	_, err = f.CreateUser(ctx, directory.NewUser{UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "again", MailNickname: "svc",
		Password: directory.NewPassword("Temp-Passw0rd-123!")})
	fmt.Println(err)
	// Output:
	// 11111111-0000-4000-8000-000000000001 svc@contoso.onmicrosoft.com 2026-11-26T09:00:00Z <nil>
	// directorytest: create user "svc@contoso.onmicrosoft.com": another object with the same userPrincipalName exists: directory: already exists
}

// The fake acts out the service account's owner: first sign-in, then MFA
// registration.
func ExampleFake_SignIn() {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }})
	u, _ := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	now = now.Add(2 * time.Hour)
	if err := f.SignIn(ctx, u.ID, "Owner-Chosen-Passw0rd!"); err != nil {
		fmt.Println(err)
	}
	if _, err := f.RegisterMethod(ctx, u.ID, directory.MethodMicrosoftAuthenticator, "Phone"); err != nil {
		fmt.Println(err)
	}
	u, _ = f.User(ctx, u.ID)
	ms, _ := f.AuthenticationMethods(ctx, u.ID)
	fmt.Println("password changed:", u.LastPasswordChangeDateTime.Format(time.Kitchen))
	for _, m := range ms {
		fmt.Println("method:", m.Type)
	}
	// Output:
	// password changed: 11:00AM
	// method: password
	// method: microsoftAuthenticator
}

// Faults make a call fail before it has any effect.
func ExampleFake_SetFault() {
	f := directorytest.New(nil)
	f.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpDomains {
			return fmt.Errorf("directorytest: list domains: %w", directory.ErrPermission)
		}
		return nil
	})
	_, err := f.Domains(context.Background())
	fmt.Println(err)
	fmt.Println(f.Calls())
	// Output:
	// directorytest: list domains: directory: permission denied
	// [{Domains }]
}

// A denial made with PermissionDenied says what the operation needed, the
// way the Microsoft Graph backend's do.
func ExamplePermissionDenied() {
	f := directorytest.New(nil)
	f.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpAuthenticationMethods {
			return directorytest.PermissionDenied(op, object)
		}
		return nil
	})
	_, err := f.AuthenticationMethods(context.Background(), "svc@contoso.onmicrosoft.com")
	fmt.Println(err)
	req, _ := directory.RequirementOf(err)
	fmt.Println(req.Permissions)
	fmt.Println(req.Roles)
	// Output:
	// directorytest: AuthenticationMethods "svc@contoso.onmicrosoft.com": directory: permission denied
	// [UserAuthenticationMethod.Read.All UserAuthenticationMethod.ReadWrite.All]
	// [Authentication Administrator Privileged Authentication Administrator]
}

// Each operation's requirement comes from its Microsoft Learn page.
func ExampleOp_Requirement() {
	r := directorytest.OpCreateRoleAssignment.Requirement()
	fmt.Println(r.Permissions, r.Roles)
	fmt.Println(directorytest.OpSnapshot.Requirement().IsZero())
	// Output:
	// [RoleManagement.ReadWrite.Directory] [Privileged Role Administrator]
	// true
}

// A directory whose reads lag behind its writes: the new user is taken
// (a second create conflicts) but not yet visible.
func ExampleFake_SetReadLag() {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }})
	f.SetReadLag(10 * time.Second)
	nu := directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	}
	if _, err := f.CreateUser(ctx, nu); err != nil {
		fmt.Println(err)
	}
	_, err := f.User(ctx, nu.UserPrincipalName)
	fmt.Println("read at once:", errors.Is(err, directory.ErrNotFound))
	_, err = f.CreateUser(ctx, nu)
	fmt.Println("create again:", errors.Is(err, directory.ErrExists))
	now = now.Add(10 * time.Second)
	u, err := f.User(ctx, nu.UserPrincipalName)
	fmt.Println("read 10 s later:", u.ID, err)
	// Output:
	// read at once: true
	// create again: true
	// read 10 s later: 11111111-0000-4000-8000-000000000001 <nil>
}

// A view of the tenant signed in as one of its users reads what that user
// may read about itself, with Graph's rules for a member user's delegated
// token.
func ExampleFake_SignedInAs() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u, _ := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"), ForceChangePasswordNextSignIn: true,
	})
	_, _ = f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: directory.TenantScope})

	_, err := f.SignedInAs("svc@contoso.onmicrosoft.com", nil)
	fmt.Println(err)
	_ = f.SignIn(ctx, u.ID, "Owner-Chosen-Passphrase-2026!")
	view, _ := f.SignedInAs("svc@contoso.onmicrosoft.com", nil)

	self, _ := view.ReadSelf(ctx)
	fmt.Println(self.User.UserPrincipalName, self.TenantID)
	fmt.Println(self.RoleAssignmentsErr)
	fmt.Println(self.RoleMemberships[0].DisplayName, self.RoleMemberships[0].DirectoryScopeID)
	// Output:
	// directorytest: sign in as "svc@contoso.onmicrosoft.com": the temporary password must be changed first (Fake.SignIn): directory: permission denied
	// svc@contoso.onmicrosoft.com 0a7e57ed-0000-4000-8000-00000000c0de
	// directorytest: signed in as svc@contoso.onmicrosoft.com: list role assignments of "11111111-0000-4000-8000-000000000001": the signed-in user holds none of Directory Readers, Global Reader, Privileged Role Administrator: directory: permission denied
	// Teams Administrator /
}

// The owner's first sign-in with a one-time Temporary Access Pass uses it
// up; the fake's clock expires a reusable one.
func ExampleFake_SignInWithAccessPass() {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }})
	u, _ := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "Service account", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Rand0m-Unused-Passw0rd!"),
	})
	pass, _ := f.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{UsableOnce: true})
	fmt.Println(f.SignInWithAccessPass(ctx, u.ID, pass.Pass.Reveal()))
	ps, _ := f.AccessPasses(ctx, u.ID)
	fmt.Println(ps[0].Usable, ps[0].Reason)
	fmt.Println(f.SignInWithAccessPass(ctx, u.ID, pass.Pass.Reveal()))

	pass, _ = f.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	now = now.Add(2 * time.Hour) // past the policy's default lifetime of 1 hour
	ps, _ = f.AccessPasses(ctx, u.ID)
	fmt.Println(ps[0].ID == pass.ID, ps[0].Usable, ps[0].Reason)
	// Output:
	// <nil>
	// false OneTimeUsed
	// directorytest: sign in "11111111-0000-4000-8000-000000000001" with a Temporary Access Pass: the pass is not usable (OneTimeUsed): directory: permission denied
	// true false Expired
}

// An admin restricts the Temporary Access Pass policy; the fake enforces it.
func ExampleFake_SetAccessPassPolicy() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u, _ := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "Service account", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Rand0m-Unused-Passw0rd!"),
	})
	policy := directorytest.DefaultAccessPassPolicy()
	policy.UsableOnce = true
	fmt.Println(f.SetAccessPassPolicy(policy))
	_, err := f.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	fmt.Println(err)
	policy.MaximumLifetime = 31 * 24 * time.Hour
	fmt.Println(f.SetAccessPassPolicy(policy))
	// Output:
	// <nil>
	// directorytest: create Temporary Access Pass for user "11111111-0000-4000-8000-000000000001": the policy allows one-time passes only: directory: invalid request
	// directorytest: set Temporary Access Pass policy: maximumLifetime 744h0m0s is not a whole number of minutes between 10 and 43200: directory: invalid request
}

// A tenant's sign-in policies are data: Conditional Access policies and
// custom authentication strengths are added as Graph's JSON, kept
// verbatim (graphtest serves them as they are), and read back decoded.
func ExampleFake_AddConditionalAccessPolicy() {
	ctx := context.Background()
	f := directorytest.New(nil)
	f.SetSecurityDefaults(false)
	p, err := f.AddConditionalAccessPolicy([]byte(`{"id":"0c6a3f1e-0000-4000-8000-0000000000a1","displayName":"Require MFA outside trusted locations","state":"enabledForReportingButNotEnforced",
		"conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},"clientAppTypes":["all"],
		"locations":{"includeLocations":["All"],"excludeLocations":["AllTrusted"]}},
		"grantControls":{"operator":"OR","builtInControls":["mfa"]}}`))
	fmt.Println(err, p.State, p.Conditions.Other)
	_, err = f.AddConditionalAccessPolicy([]byte(`{"displayName":"no id"}`))
	fmt.Println(errors.Is(err, directory.ErrInvalid))

	if _, err := f.AddAuthenticationStrength([]byte(`{"id":"5a1c3e2f-0000-4000-8000-00000000a5a5","displayName":"Keys only","policyType":"custom","requirementsSatisfied":"mfa","allowedCombinations":["fido2"]}`)); err != nil {
		fmt.Println(err)
	}
	got, _ := f.SignInPolicies(ctx)
	fmt.Println(got.SecurityDefaults.IsEnabled, len(got.ConditionalAccess), len(got.AuthenticationStrengths))
	// Output:
	// <nil> enabledForReportingButNotEnforced [locations: {"includeLocations":["All"],"excludeLocations":["AllTrusted"]}]
	// true
	// false 1 4
}

func ExampleFake_TransitiveMemberOf() {
	ctx := context.Background()
	f := directorytest.New(nil)
	u, _ := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	outer, _ := f.CreateGroup(ctx, "Break glass exclusions", false)
	inner, _ := f.CreateGroup(ctx, "Service accounts", false)
	fmt.Println(f.AddGroupMember(ctx, outer.ID, inner.ID), f.AddGroupMember(ctx, inner.ID, u.ID))
	gs, err := f.TransitiveMemberOf(ctx, u.ID)
	for _, g := range gs {
		fmt.Println(g.DisplayName)
	}
	fmt.Println(err)
	// Output:
	// <nil> <nil>
	// Break glass exclusions
	// Service accounts
	// <nil>
}

func ExamplePhishingResistantAdminsPolicy() {
	f := directorytest.New(nil)
	p, err := f.AddConditionalAccessPolicy(directorytest.PhishingResistantAdminsPolicy("0c6a3f1e-0000-4000-8000-00000000ca01"))
	fmt.Println(err, p.DisplayName, len(p.Conditions.Users.IncludeRoles), p.GrantControls.AuthenticationStrength.ID)
	p, _ = f.AddConditionalAccessPolicy(directorytest.RequireMFAForAllUsersPolicy("0c6a3f1e-0000-4000-8000-00000000ca02"))
	fmt.Println(p.DisplayName, p.GrantControls.BuiltInControls)
	// Output:
	// <nil> Require phishing-resistant MFA for highly privileged roles 8 00000000-0000-0000-0000-000000000004
	// Require MFA for all users [mfa]
}

func ExampleSignedIn_PolicyAccess() {
	ctx := context.Background()
	f := directorytest.New(nil)
	_, _ = f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	view, _ := f.SignedInAs("svc@contoso.onmicrosoft.com", nil)
	err := view.PolicyAccess()
	req, _ := directory.RequirementOf(err)
	fmt.Println(errors.Is(err, directory.ErrPermission), req.Permissions)
	// Output:
	// true [Policy.Read.All]
}

// The documents graphtest serves are the ones added, byte for byte.
func ExampleFake_ConditionalAccessDocuments() {
	ctx := context.Background()
	f := directorytest.New(nil)
	doc := directorytest.RequireMFAForAllUsersPolicy("0c6a3f1e-0000-4000-8000-0000000000a1")
	if _, err := f.AddConditionalAccessPolicy(doc); err != nil {
		fmt.Println(err)
	}
	docs, err := f.ConditionalAccessDocuments(ctx)
	fmt.Println(err, len(docs), string(docs[0]) == string(doc))
	sd, _ := f.SecurityDefaultsDocument(ctx)
	strengths, _ := f.AuthenticationStrengthDocuments(ctx)
	fmt.Println(len(sd) > 0, len(strengths))
	// Output:
	// <nil> 1 true
	// true 3
}
