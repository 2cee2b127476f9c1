package verify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// Verify an account the customer has not created yet. The tenant is the
// in-memory directory on a fixed clock, so the output is stable.
func ExampleNew() {
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	tenant := directorytest.New(&directorytest.Options{Now: now})
	v := verify.New(tenant, &verify.Options{Now: now})

	rep, err := v.Verify(context.Background(), serviceaccount.Account{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	})
	if err != nil {
		log.Fatal(err) // nothing could be checked
	}
	fmt.Println("passed:", rep.Passed())
	c, _ := rep.Check(verify.CheckExists)
	fmt.Println(c.Status, c.Evidence)
	// Output:
	// passed: false
	// fail no user "svc-cloudhub@contoso.onmicrosoft.com" in the tenant
}

// Provision a Teams service account, act out its owner's first sign-in and
// MFA registration, and verify it.
func ExampleVerifier_Verify() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tenant := directorytest.New(&directorytest.Options{Now: clock})

	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	})
	if err != nil {
		log.Fatal(err)
	}

	// An hour later the owner signs in, replaces the temporary password
	// and registers Microsoft Authenticator.
	now = now.Add(time.Hour)
	if err := tenant.SignIn(ctx, res.Account.ID, "Owner-Chosen-Passphrase-2026!"); err != nil {
		log.Fatal(err)
	}
	if _, err := tenant.RegisterMethod(ctx, res.Account.ID, directory.MethodMicrosoftAuthenticator, "Owner's phone"); err != nil {
		log.Fatal(err)
	}

	rep, err := verify.New(tenant, &verify.Options{Now: clock}).Verify(ctx, res.Account)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(rep)
	// Output:
	// Verification of svc-cloudhub@contoso.onmicrosoft.com (11111111-0000-4000-8000-000000000001): PASSED
	// STATUS  CHECK                           EVIDENCE
	// PASS    account.exists                  user svc-cloudhub@contoso.onmicrosoft.com (11111111-0000-4000-8000-000000000001), created 2026-03-02T09:00:00Z
	// PASS    account.enabled                 accountEnabled is true
	// PASS    account.member                  userType is Member
	// PASS    account.cloud-only              onPremisesSyncEnabled is not set
	// PASS    account.usage-location          usageLocation is "AU"
	// PASS    password.changed                password last changed 2026-03-02T10:00:00Z, created 2026-03-02T09:00:00Z: changed after creation — by a sign-in or an administrator's reset; last successful sign-in 2026-03-02T10:00:00Z
	// PASS    mfa.registered                  registered: password, microsoftAuthenticator
	// PASS    mfa.enforced                    security defaults are enabled: every user must register for MFA, administrator roles are asked for it at every sign-in and other users when Microsoft Entra ID deems it necessary
	// PASS    mfa.phishing-resistant          not applicable: holds none of the 8 highly privileged roles (CISA SCuBA MS.AAD.3.6v1)
	// PASS    roles.assigned                  assigned at /: Teams Administrator
	// PASS    roles.least-privilege           1 role assignment(s), all expected
	// PASS    roles.no-unexpected-privileged  no privileged role beyond the expected ones
}

// An account created by hand, as in the manual procedure: it does not pass
// until its owner has signed in and registered an MFA method.
func ExampleReport_Passed() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tenant := directorytest.New(&directorytest.Options{Now: clock})

	// The customer creates the user and assigns Teams Administrator.
	u, err := tenant.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "cloudhub-svc@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub", MailNickname: "cloudhub-svc", UsageLocation: "AU",
		AccountEnabled: true, Password: directory.NewPassword("Temporary-Passw0rd-123"), ForceChangePasswordNextSignIn: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	teamsAdmin, _ := roles.Lookup("Teams Administrator")
	if _, err := tenant.CreateRoleAssignment(ctx, directory.RoleAssignment{
		PrincipalID: u.ID, RoleDefinitionID: teamsAdmin.ID, DirectoryScopeID: directory.TenantScope,
	}); err != nil {
		log.Fatal(err)
	}

	v := verify.New(tenant, &verify.Options{Now: clock})
	acct := serviceaccount.Account{UserPrincipalName: u.UserPrincipalName, Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin}
	rep, err := v.Verify(ctx, acct)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("before the owner's sign-in, passed:", rep.Passed())

	now = now.Add(time.Hour)
	if err := tenant.SignIn(ctx, u.ID, "Owner-Chosen-Passphrase-2026!"); err != nil {
		log.Fatal(err)
	}
	if _, err := tenant.RegisterMethod(ctx, u.ID, directory.MethodFido2, "Security key"); err != nil {
		log.Fatal(err)
	}
	if rep, err = v.Verify(ctx, acct); err != nil {
		log.Fatal(err)
	}
	fmt.Println("after, passed:", rep.Passed())
	// Output:
	// before the owner's sign-in, passed: false
	// after, passed: true
}

// List what did not pass: here the owner has not signed in or registered
// MFA, and someone gave the account Global Administrator by hand.
func ExampleReport_Failed() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	tenant := directorytest.New(&directorytest.Options{Now: now})
	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	})
	if err != nil {
		log.Fatal(err)
	}
	globalAdmin, _ := roles.Lookup("Global Administrator")
	if _, err := tenant.CreateRoleAssignment(ctx, directory.RoleAssignment{
		PrincipalID: res.Account.ID, RoleDefinitionID: globalAdmin.ID, DirectoryScopeID: directory.TenantScope,
	}); err != nil {
		log.Fatal(err)
	}

	rep, err := verify.New(tenant, &verify.Options{Now: now}).Verify(ctx, res.Account)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range rep.Failed() {
		fmt.Println(c.ID, c.Status, c.Severity)
	}
	// Output:
	// password.changed fail high
	// mfa.registered fail high
	// mfa.phishing-resistant fail high
	// roles.least-privilege fail high
	// roles.no-unexpected-privileged fail critical
}

// Read one check and print it as JSON. With a credential that may not read
// authentication methods, mfa.registered would be "unknown" instead (see
// the next example).
func ExampleReport_Check() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	tenant := directorytest.New(&directorytest.Options{Now: now})
	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	})
	if err != nil {
		log.Fatal(err)
	}
	rep, err := verify.New(tenant, &verify.Options{Now: now}).Verify(ctx, res.Account)
	if err != nil {
		log.Fatal(err)
	}

	c, _ := rep.Check(verify.CheckMFARegistered)
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b))
	// Output:
	// {
	//   "id": "mfa.registered",
	//   "title": "MFA method registered",
	//   "status": "fail",
	//   "severity": "high",
	//   "evidence": "registered: password (none is a second factor)",
	//   "remediation": "Sign in as the service account and register Microsoft Authenticator, a FIDO2 security key or another MFA method (https://aka.ms/mysecurityinfo)."
	// }
}

// A credential that may not read authentication methods leaves
// mfa.registered unknown; the remediation says what the read needed, as
// the directory's error says it.
func ExampleReport_Check_permissionDenied() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	tenant := directorytest.New(&directorytest.Options{Now: now})
	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	})
	if err != nil {
		log.Fatal(err)
	}
	tenant.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpAuthenticationMethods {
			return directorytest.PermissionDenied(op, object)
		}
		return nil
	})
	rep, err := verify.New(tenant, &verify.Options{Now: now}).Verify(ctx, res.Account)
	if err != nil {
		log.Fatal(err)
	}
	c, _ := rep.Check(verify.CheckMFARegistered)
	fmt.Println(c.Status)
	fmt.Println(c.Remediation)
	// Output:
	// unknown
	// The credential lacks permission to read this. Grant UserAuthenticationMethod.Read.All (or UserAuthenticationMethod.ReadWrite.All); a signed-in (delegated) caller also needs one of these roles: Authentication Administrator, Privileged Authentication Administrator. Then verify again.
}

// VerifyFleet checks many tenants at once and streams results as they
// finish.
func ExampleVerifyFleet() {
	ctx := context.Background()
	var targets []verify.Target
	for i, name := range []string{"contoso", "fabrikam", "tailspin"} {
		dir := directorytest.New(nil)
		res, err := serviceaccount.New(dir, nil).Provision(ctx, serviceaccount.Spec{
			UserPrincipalName: "svc@" + directorytest.DefaultDomain, DisplayName: "svc", UsageLocation: "AU",
			Workloads: []roles.Workload{roles.Teams},
			Access:    roles.Admin,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		targets = append(targets, verify.Target{Name: name, Directory: dir, Account: res.Account, Timeout: time.Duration(i+1) * time.Minute})
	}
	done := map[string]bool{}
	for r := range verify.VerifyFleet(ctx, targets, &verify.FleetOptions{Concurrency: 2}) {
		done[r.Name] = r.Err == nil && !r.Report.Passed() // not signed in yet
	}
	fmt.Println(done)
	// Output:
	// map[contoso:true fabrikam:true tailspin:true]
}

// A program reads the verdict and the counts from the report's JSON.
func ExampleReport_Summary() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tenant := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }})
	u, err := tenant.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "cloudhub-svc@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub", MailNickname: "cloudhub-svc", UsageLocation: "AU",
		AccountEnabled: true, Password: directory.NewPassword("Temporary-Passw0rd-123"),
	})
	if err != nil {
		log.Fatal(err)
	}
	teamsAdmin, _ := roles.Lookup("Teams Administrator")
	if _, err := tenant.CreateRoleAssignment(ctx, directory.RoleAssignment{
		PrincipalID: u.ID, RoleDefinitionID: teamsAdmin.ID, DirectoryScopeID: directory.TenantScope,
	}); err != nil {
		log.Fatal(err)
	}
	rep, err := verify.New(tenant, nil).Verify(ctx, serviceaccount.Account{
		ID: u.ID, Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin,
	})
	if err != nil {
		log.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		log.Fatal(err)
	}
	var doc struct {
		Passed  bool           `json:"passed"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		log.Fatal(err)
	}
	fmt.Println("passed:", doc.Passed)
	fmt.Println("pass", doc.Summary["pass"], "fail", doc.Summary["fail"], "unknown", doc.Summary["unknown"])
	fmt.Printf("%+v\n", rep.Summary())
	// Output:
	// passed: false
	// pass 10 fail 2 unknown 0
	// {Pass:10 Warn:0 Fail:2 Unknown:0}
}

// The partner signs in as the service account (here: a view of the
// in-memory tenant signed in as it; on a real tenant, graphdir.New with a
// device-code or browser credential) and checks it is ready, without any
// credential of the customer's.
func ExampleVerifier_VerifySelf() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tenant := directorytest.New(&directorytest.Options{Now: clock})
	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	})
	if err != nil {
		log.Fatal(err)
	}
	// The owner's first sign-in replaces the temporary password and
	// registers Microsoft Authenticator.
	now = now.Add(time.Hour)
	_ = tenant.SignIn(ctx, res.Account.ID, "Owner-Chosen-Passphrase-2026!")
	_, _ = tenant.RegisterMethod(ctx, res.Account.ID, directory.MethodMicrosoftAuthenticator, "Owner's phone")

	signedIn, err := tenant.SignedInAs("svc-cloudhub@contoso.onmicrosoft.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := verify.New(signedIn, &verify.Options{Now: clock}).VerifySelf(ctx, res.Account)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("mode:", rep.Mode, "ready for the partner:", rep.Passed())
	for _, c := range rep.Failed() {
		fmt.Println(c.ID, c.Status)
	}
	c, _ := rep.Check(verify.CheckRolesAssigned)
	fmt.Println(c.Evidence)
	// The account may not read the tenant's sign-in policies: mfa.enforced
	// is not checked (the customer's admin-side Verify settles it) and
	// does not count against the verdict.
	_, ran := rep.Check(verify.CheckMFAEnforced)
	fmt.Println("mfa.enforced checked:", ran)
	for _, n := range rep.NotVisible {
		fmt.Println("not visible:", n.What)
	}
	// Output:
	// mode: self ready for the partner: true
	// memberships (the role-assignment list was denied; built-in roles only): assigned at /: Teams Administrator
	// mfa.enforced checked: false
	// not visible: custom role assignments
	// not visible: administrative-unit-scoped role assignments
	// not visible: the tenant's sign-in policies (security defaults, Conditional Access, authentication strengths): mfa.enforced not checked, and only the method half of mfa.phishing-resistant
	// not visible: eligible (PIM) role assignments
}

// A passwordless account (provisioned with a Temporary Access Pass): no
// password.changed, and credential.registered warns while the pass is
// still usable after the owner registered a passkey.
func ExampleVerifier_Verify_passwordless() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tenant := directorytest.New(&directorytest.Options{Now: clock})
	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName:   "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:         "CloudHub service account",
		UsageLocation:       "AU",
		Workloads:           []roles.Workload{roles.Teams},
		Access:              roles.Admin,
		TemporaryAccessPass: &serviceaccount.TemporaryAccessPass{Lifetime: time.Hour},
	})
	if err != nil {
		log.Fatal(err)
	}
	v := verify.New(tenant, &verify.Options{Now: clock})
	show := func() {
		rep, err := v.Verify(ctx, res.Account)
		if err != nil {
			log.Fatal(err)
		}
		c, _ := rep.Check(verify.CheckCredentialRegistered)
		fmt.Println(rep.Passed(), c.Status, c.Evidence)
	}
	show()
	// The owner signs in with the pass and registers a passkey.
	now = now.Add(10 * time.Minute)
	if err := tenant.SignInWithAccessPass(ctx, res.Account.ID, res.TemporaryAccessPass.Reveal()); err != nil {
		log.Fatal(err)
	}
	if _, err := tenant.RegisterMethod(ctx, res.Account.ID, directory.MethodFido2, "Passkey"); err != nil {
		log.Fatal(err)
	}
	show()
	now = now.Add(time.Hour) // the pass expires
	show()
	// Output:
	// false fail no strong method registered yet; Temporary Access Pass 33333333-0000-4000-8000-000000000002 usable until 2026-03-02T10:00:00Z
	// true warn strong method(s) registered: fido2; Temporary Access Pass 33333333-0000-4000-8000-000000000002 usable until 2026-03-02T10:00:00Z
	// true pass strong method(s) registered: fido2; Temporary Access Pass 33333333-0000-4000-8000-000000000002 not usable (Expired, valid 2026-03-02T09:00:00Z to 2026-03-02T10:00:00Z)
}
