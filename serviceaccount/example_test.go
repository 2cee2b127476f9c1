package serviceaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// demoTenant returns an in-memory tenant on a fixed clock, so that the
// examples print stable output.
func demoTenant() *directorytest.Fake {
	return directorytest.New(&directorytest.Options{
		Now: func() time.Time { return time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC) },
	})
}

func demoSpec() serviceaccount.Spec {
	return serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams, roles.Exchange},
		Access:            roles.Admin,
	}
}

func ExampleNew() {
	dir := demoTenant()
	p := serviceaccount.New(dir, &serviceaccount.Options{
		// Show progress; a real directory may wait out replication here.
		OnEvent: func(e serviceaccount.Event) { fmt.Printf("%s: %s\n", e.Kind, e.Message) },
	})
	if _, err := p.Provision(context.Background(), demoSpec()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// read: reading the account, its roles and the tenant's domains
	// create-user: creating the account
	// assign-roles: assigning 2 role(s)
	// done: 3 change(s)
}

func ExampleProvisioner_Provision() {
	p := serviceaccount.New(demoTenant(), nil)
	ctx := context.Background()

	res, err := p.Provision(ctx, demoSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res)
	// Hand res.Password.Reveal() to the account's owner over a channel fit
	// for secrets; never print it.
	fmt.Println("password characters:", len(res.Password.Reveal()))

	// A re-run converges: nothing to do, no writes, no new password.
	res, err = p.Provision(ctx, demoSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res)
	fmt.Println("new password:", !res.Password.IsZero())
	// Output:
	// Service account svc-cloudhub@contoso.onmicrosoft.com (11111111-0000-4000-8000-000000000001): created, 3 change(s).
	//   + user svc-cloudhub@contoso.onmicrosoft.com  # temporary password, must change at first sign-in
	//   + role Exchange Administrator (29232cdf-9323-42fd-ade2-1d097af3e4de) at /
	//   + role Teams Administrator (69091246-20e8-4a56-aa4d-066075b2a7a8) at /
	//   temporary password: [REDACTED] (must be changed at first sign-in)
	// password characters: 24
	// Service account svc-cloudhub@contoso.onmicrosoft.com (11111111-0000-4000-8000-000000000001): up to date, 0 change(s).
	//   ! not signed in yet: the temporary password was returned by the run that created the account, not by this one
	// new password: false
}

// An account with the same UPN that this package did not create is
// refused, unless the spec opts in to adopting it.
func ExampleProvisioner_Provision_notManaged() {
	dir := demoTenant()
	// A person's account, created by hand.
	_, _ = dir.CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com", DisplayName: "Alex Wilber", MailNickname: "alexw",
		AccountEnabled: true, Password: directory.NewPassword("Human-Chosen-Pa55word"),
	})
	p := serviceaccount.New(dir, nil)
	_, err := p.Provision(context.Background(), demoSpec())
	fmt.Println(errors.Is(err, serviceaccount.ErrNotManaged), errors.Is(err, directory.ErrExists))
	fmt.Println(err)

	spec := demoSpec()
	spec.Adopt = true
	res, err := p.Provision(context.Background(), spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res)
	// Output:
	// true true
	// serviceaccount: provision "svc-cloudhub@contoso.onmicrosoft.com": check ownership: serviceaccount: account exists and was not created by this SDK (employeeType "" has no "consent-sdk:" marker; set Spec.Adopt to converge it anyway): directory: already exists
	// Service account svc-cloudhub@contoso.onmicrosoft.com (11111111-0000-4000-8000-000000000001): updated, 2 change(s).
	//   + role Exchange Administrator (29232cdf-9323-42fd-ade2-1d097af3e4de) at /
	//   + role Teams Administrator (69091246-20e8-4a56-aa4d-066075b2a7a8) at /
	//   ! adopting an account this SDK did not create (Spec.Adopt)
	//   ! usage location is "", the spec says "AU" (not changed)
}

func ExampleProvisioner_Plan() {
	dir := demoTenant()
	p := serviceaccount.New(dir, nil)
	ctx := context.Background()

	plan, err := p.Plan(ctx, demoSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(plan)

	// Converged: the plan is empty. A role added by hand is shown, and
	// left alone.
	res, _ := p.Provision(ctx, demoSpec())
	_, _ = dir.CreateRoleAssignment(ctx, directory.RoleAssignment{
		PrincipalID: res.Account.ID, RoleDefinitionID: "f2ef992c-3afb-46b9-b7cf-a126ee74c451", DirectoryScopeID: "/",
	})
	plan, _ = p.Plan(ctx, demoSpec())
	fmt.Print(plan)
	fmt.Println("empty:", plan.Empty())
	// Output:
	// Plan for svc-cloudhub@contoso.onmicrosoft.com: 3 to add, 0 to remove.
	//   + user svc-cloudhub@contoso.onmicrosoft.com  # displayName "CloudHub service account", mailNickname "svc-cloudhub", usageLocation AU, temporary password, must change at first sign-in
	//   + role Exchange Administrator (29232cdf-9323-42fd-ade2-1d097af3e4de) at /
	//   + role Teams Administrator (69091246-20e8-4a56-aa4d-066075b2a7a8) at /
	// Plan for svc-cloudhub@contoso.onmicrosoft.com: 0 to add, 0 to remove.
	//   No changes: the account is up to date.
	//   ~ role Global Reader (f2ef992c-3afb-46b9-b7cf-a126ee74c451) is held but not in the spec (left alone)
	// empty: true
}

func ExampleProvisioner_Deprovision() {
	dir := demoTenant()
	p := serviceaccount.New(dir, nil)
	ctx := context.Background()
	res, err := p.Provision(ctx, demoSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("deprovision:", p.Deprovision(ctx, res.Account))
	_, err = dir.User(ctx, res.Account.ID)
	fmt.Println("gone:", errors.Is(err, directory.ErrNotFound))
	// Idempotent: an account that is gone is not an error.
	fmt.Println("again:", p.Deprovision(ctx, serviceaccount.Account{UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com"}))
	// Output:
	// deprovision: <nil>
	// gone: true
	// again: <nil>
}

func ExampleValidateUPN() {
	for _, upn := range []string{
		"svc-cloudhub@contoso.onmicrosoft.com",
		"o'brien@contoso.onmicrosoft.com",
		"svc cloudhub@contoso.onmicrosoft.com",
		"svc..cloudhub@contoso.onmicrosoft.com",
		"svc@contoso",
	} {
		if err := serviceaccount.ValidateUPN(upn); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("ok:", upn)
	}
	// Output:
	// ok: svc-cloudhub@contoso.onmicrosoft.com
	// ok: o'brien@contoso.onmicrosoft.com
	// serviceaccount: UserPrincipalName "svc cloudhub@contoso.onmicrosoft.com": local part may contain only A-Z a-z 0-9 and '.-_!#^~, not ' '
	// serviceaccount: UserPrincipalName "svc..cloudhub@contoso.onmicrosoft.com": local part must not start or end with a period or contain two in a row
	// serviceaccount: UserPrincipalName "svc@contoso": domain must be a domain name such as contoso.onmicrosoft.com
}

func ExampleMailNicknameFromUPN() {
	for _, upn := range []string{
		"svc-cloudhub@contoso.onmicrosoft.com",
		"o'brien@contoso.onmicrosoft.com",
		".first.last.@contoso.com",
	} {
		fmt.Printf("%s -> %s\n", upn, serviceaccount.MailNicknameFromUPN(upn))
	}
	// Output:
	// svc-cloudhub@contoso.onmicrosoft.com -> svc-cloudhub
	// o'brien@contoso.onmicrosoft.com -> o'brien
	// .first.last.@contoso.com -> first.last
}

// A spec's problems are FieldErrors that keep their class: a refused
// privileged role satisfies ErrPrivileged, an unknown workload roles'
// ErrUnknownWorkload.
func ExampleFieldError() {
	p := serviceaccount.New(demoTenant(), nil)
	spec := demoSpec()
	spec.Workloads, spec.Access = []roles.Workload{roles.Exchange}, roles.ReadOnly
	_, err := p.Plan(context.Background(), spec)
	fmt.Println(err)
	fmt.Println(errors.Is(err, serviceaccount.ErrPrivileged), errors.Is(err, directory.ErrInvalid))

	spec.Workloads = []roles.Workload{"fax"}
	_, err = p.Plan(context.Background(), spec)
	fmt.Println(errors.Is(err, roles.ErrUnknownWorkload))
	// Output:
	// serviceaccount: Workloads "exchange": read-only access to it needs Global Reader, which Microsoft marks privileged: refused unless AllowPrivileged is set
	// true true
	// true
}

// A transient fault (here the first role assignment answer is lost) is
// retried within Options.RetryTimeout: the call succeeds, and each retry is
// an EventRetry.
func ExampleProvisioner_Provision_retry() {
	dir := demoTenant()
	lost := 1
	dir.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpCreateRoleAssignments && lost > 0 {
			lost--
			return fmt.Errorf("assign roles: connection reset: %w", directory.ErrUnavailable)
		}
		return nil
	})
	p := serviceaccount.New(dir, &serviceaccount.Options{
		RetryTimeout: time.Minute,
		Sleep:        func(context.Context, time.Duration) error { return nil }, // no real waiting here
		OnEvent: func(e serviceaccount.Event) {
			if e.Kind == serviceaccount.EventRetry {
				fmt.Printf("%s (attempt %d, wait %v): %v\n", e.Message, e.Attempt, e.Wait, e.Err)
			}
		},
	})
	res, err := p.Provision(context.Background(), demoSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Changes), "changes")
	// Output:
	// assign role "Exchange Administrator" failed with a transient fault; retrying (attempt 1, wait 250ms): assign roles: connection reset: directory: service unavailable
	// 3 changes
}

// The Error's Outcome says what a failed call left in the directory, and
// directory.IsTemporary whether the fault that ended it was transient.
func ExampleError() {
	dir := demoTenant()
	dir.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpCreateRoleAssignments {
			return fmt.Errorf("assign roles: %w", directory.ErrPermission)
		}
		return nil
	})
	p := serviceaccount.New(dir, nil)
	_, err := p.Provision(context.Background(), demoSpec())
	var se *serviceaccount.Error
	if errors.As(err, &se) {
		fmt.Println(se.Step)
		fmt.Println(se.Outcome, se.Outcome.AccountLeft(), directory.IsTemporary(err), errors.Is(err, directory.ErrPermission))
	}
	fmt.Println(len(dir.Users()), "accounts")
	// Output:
	// assign role "Exchange Administrator"
	// rolled back false false true
	// 0 accounts
}

// Passwordless onboarding: the account gets a Temporary Access Pass, never
// a password anyone knows, and the pass is issued before any role.
func ExampleProvisioner_Provision_temporaryAccessPass() {
	p := serviceaccount.New(demoTenant(), nil)
	ctx := context.Background()
	spec := demoSpec()
	spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{Lifetime: 2 * time.Hour, UsableOnce: true}

	plan, err := p.Plan(ctx, spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(plan)
	res, err := p.Provision(ctx, spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res)
	// Hand res.TemporaryAccessPass.Reveal() to the account's owner over a
	// channel fit for secrets, before res.TemporaryAccessPass.EndDateTime.
	fmt.Println("passcode characters:", len(res.TemporaryAccessPass.Reveal()), "password returned:", !res.Password.IsZero())
	fmt.Println("verify as passwordless:", res.Account.Passwordless)
	// Output:
	// Plan for svc-cloudhub@contoso.onmicrosoft.com: 4 to add, 0 to remove.
	//   + user svc-cloudhub@contoso.onmicrosoft.com  # displayName "CloudHub service account", mailNickname "svc-cloudhub", usageLocation AU, random password nobody receives; the owner signs in with a Temporary Access Pass
	//   + Temporary Access Pass for svc-cloudhub@contoso.onmicrosoft.com  # lifetime 2h0m0s, one use, before any role is assigned
	//   + role Exchange Administrator (29232cdf-9323-42fd-ade2-1d097af3e4de) at /
	//   + role Teams Administrator (69091246-20e8-4a56-aa4d-066075b2a7a8) at /
	//   Temporary Access Pass policy: allowed: the method is enabled for all users, lifetime 2h0m0s within 1h0m0s to 8h0m0s
	// Service account svc-cloudhub@contoso.onmicrosoft.com (11111111-0000-4000-8000-000000000001): created, 4 change(s).
	//   + user svc-cloudhub@contoso.onmicrosoft.com  # random password nobody receives; the owner signs in with a Temporary Access Pass
	//   + Temporary Access Pass for svc-cloudhub@contoso.onmicrosoft.com  # valid 2025-06-01T09:00:00Z to 2025-06-01T11:00:00Z
	//   + role Exchange Administrator (29232cdf-9323-42fd-ade2-1d097af3e4de) at /
	//   + role Teams Administrator (69091246-20e8-4a56-aa4d-066075b2a7a8) at /
	//   Temporary Access Pass: [REDACTED] (valid 2025-06-01T09:00:00Z to 2025-06-01T11:00:00Z, one use)
	// passcode characters: 8 password returned: false
	// verify as passwordless: true
}

// A pass the tenant's policy would refuse is refused before any write, with
// the setting to change.
func ExampleErrAccessPassPolicy() {
	dir := demoTenant()
	policy := directorytest.DefaultAccessPassPolicy()
	policy.Enabled = false // as in a new tenant
	if err := dir.SetAccessPassPolicy(policy); err != nil {
		fmt.Println(err)
		return
	}
	spec := demoSpec()
	spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{}
	_, err := serviceaccount.New(dir, nil).Provision(context.Background(), spec)
	fmt.Println(errors.Is(err, serviceaccount.ErrAccessPassPolicy), errors.Is(err, directory.ErrInvalid))
	fmt.Println(err)
	fmt.Println("writes:", dir.Writes())
	// Output:
	// true true
	// serviceaccount: provision "svc-cloudhub@contoso.onmicrosoft.com": check Temporary Access Pass policy: the tenant's Temporary Access Pass policy does not allow the pass: the Temporary Access Pass method is disabled (state); enable it in the Microsoft Entra admin center, Protection > Authentication methods > Policies > Temporary Access Pass: directory: invalid request
	// writes: 0
}

// A tenant without security defaults or a Conditional Access policy would
// not ask the new account for MFA: Plan warns, and with RequireMFAEnforced
// Provision refuses before writing anything.
func ExampleSpec_requireMFAEnforced() {
	ctx := context.Background()
	dir := demoTenant()
	dir.SetSecurityDefaults(false)
	p := serviceaccount.New(dir, nil)

	plan, _ := p.Plan(ctx, demoSpec())
	for _, w := range plan.Warnings {
		if strings.HasPrefix(w, "the tenant would not require MFA") {
			fmt.Println("warning:", w[:len("the tenant would not require MFA when the account signs in")])
		}
	}

	spec := demoSpec()
	spec.RequireMFAEnforced = true
	_, err := p.Provision(ctx, spec)
	fmt.Println(errors.Is(err, serviceaccount.ErrMFANotEnforced), len(dir.Users()))

	// A policy requiring MFA for all users settles it.
	if _, err := dir.AddConditionalAccessPolicy(directorytest.RequireMFAForAllUsersPolicy("0c6a3f1e-0000-4000-8000-0000000000a1")); err != nil {
		fmt.Println(err)
	}
	res, err := p.Provision(ctx, spec)
	fmt.Println(err, res.Created)
	// Output:
	// warning: the tenant would not require MFA when the account signs in
	// true 0
	// <nil> true
}
