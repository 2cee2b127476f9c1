package directory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

func ExampleReadSnapshot() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	u, _ := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	_, _ = dir.CreateRoleAssignment(ctx, directory.RoleAssignment{
		PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: directory.TenantScope,
	})
	snap, err := directory.ReadSnapshot(ctx, dir, directory.SnapshotRequest{
		User: "svc@contoso.onmicrosoft.com", RoleAssignments: true, AuthenticationMethods: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(snap.User.UserPrincipalName, len(snap.RoleAssignments), snap.AuthenticationMethods[0].Type)

	snap, _ = directory.ReadSnapshot(ctx, dir, directory.SnapshotRequest{User: "nobody@contoso.onmicrosoft.com"})
	fmt.Println(snap.UserErr)
	// Output:
	// svc@contoso.onmicrosoft.com 1 password
	// directorytest: user "nobody@contoso.onmicrosoft.com": directory: not found
}

func ExampleCreateRoleAssignments() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	u, _ := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	results := directory.CreateRoleAssignments(ctx, dir, []directory.RoleAssignment{
		{PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: "/"},
		{PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: "/"},
	})
	for _, r := range results {
		fmt.Println(r.Assignment.ID, errors.Is(r.Err, directory.ErrExists))
	}
	// Output:
	// 22222222-0000-4000-8000-000000000002 false
	//  true
}

func ExamplePassword() {
	p := directory.NewPassword("s3cret-Passw0rd!")
	b, _ := json.Marshal(struct{ Password directory.Password }{p})
	fmt.Println(p, fmt.Sprintf("%#v", p), string(b))
	fmt.Println(len(p.Reveal()))
	// Output:
	// [REDACTED] [REDACTED] {"Password":"[REDACTED]"}
	// 16
}

// throttled is a backend's 429 that carries the Retry-After it was given.
type throttled struct{ wait time.Duration }

func (e throttled) Error() string             { return "429 TooManyRequests" }
func (e throttled) Is(target error) bool      { return target == directory.ErrThrottled }
func (e throttled) RetryDelay() time.Duration { return e.wait }

func ExampleIsTemporary() {
	for _, err := range []error{
		fmt.Errorf("create user: %w", throttled{2 * time.Second}),
		fmt.Errorf("create user: connection reset: %w", directory.ErrUnavailable),
		fmt.Errorf("create user: %w", directory.ErrPermission),
		fmt.Errorf("create user: %w (%w)", directory.ErrUnavailable, context.Canceled),
	} {
		fmt.Println(directory.IsTemporary(err), directory.RetryDelay(err))
	}
	// Output:
	// true 2s
	// true 0s
	// false 0s
	// false 0s
}

func ExampleReadRolePaths() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	u, _ := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	_, _ = dir.CreateEligibility(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: "62e90394-69f5-4237-9190-012177145e10", DirectoryScopeID: directory.TenantScope,
	})
	p, err := directory.ReadRolePaths(ctx, dir, u.ID)
	fmt.Println(err, len(p.Eligibilities), p.EligibilitiesErr, len(p.Groups), p.GroupsErr)

	// A backend that cannot read role paths says so, part by part.
	p, _ = directory.ReadRolePaths(ctx, struct{ directory.Directory }{dir}, u.ID)
	fmt.Println(errors.Is(p.EligibilitiesErr, errors.ErrUnsupported), errors.Is(p.GroupsErr, errors.ErrUnsupported))
	fmt.Println(errors.Is(directory.FailRolePaths(directory.ErrNotFound).ActiveSchedulesErr, directory.ErrNotFound))
	// Output:
	// <nil> 1 <nil> 0 <nil>
	// true true
	// true
}

func ExampleReadSignInActivity() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	u, _ := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	a, err := directory.ReadSignInActivity(ctx, dir, u.ID)
	fmt.Println(a.LastSuccessfulSignInDateTime.IsZero(), err)
	_, err = directory.ReadSignInActivity(ctx, struct{ directory.Directory }{dir}, u.ID)
	fmt.Println(errors.Is(err, errors.ErrUnsupported))
	// Output:
	// true <nil>
	// true
}

func ExampleScopeType() {
	for _, id := range []string{directory.TenantScope, directory.AdministrativeUnitScope("5f0c9e2a-0000-4000-8000-000000000a01"), "/0d6e1b2c-0000-4000-8000-0000000a9901"} {
		fmt.Printf("%q %q\n", id, directory.ScopeType(id))
	}
	// Output:
	// "/" ""
	// "/administrativeUnits/5f0c9e2a-0000-4000-8000-000000000a01" "administrativeUnit"
	// "/0d6e1b2c-0000-4000-8000-0000000a9901" "application"
}

func ExampleRoleSchedule_Expired() {
	s := directory.RoleSchedule{EndDateTime: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}
	fmt.Println(s.Expired(time.Date(2027, 1, 30, 0, 0, 0, 0, time.UTC)), s.Expired(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)))
	fmt.Println(directory.RoleSchedule{}.Expired(time.Now()))
	// Output:
	// false true
	// false
}

func ExampleReadSignInPolicies() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	if _, err := dir.AddConditionalAccessPolicy(directorytest.RequireMFAForAllUsersPolicy("0c6a3f1e-0000-4000-8000-0000000000a1")); err != nil {
		fmt.Println(err)
	}
	p, err := directory.ReadSignInPolicies(ctx, dir)
	fmt.Println(err, p.SecurityDefaults.IsEnabled, len(p.ConditionalAccess), p.ConditionalAccess[0].Conditions.Users.IncludeUsers)
	for _, s := range p.AuthenticationStrengths {
		fmt.Println(s.ID, s.DisplayName)
	}

	// A backend that cannot read them says so, part by part.
	p, _ = directory.ReadSignInPolicies(ctx, struct{ directory.Directory }{dir})
	fmt.Println(errors.Is(p.ConditionalAccessErr, errors.ErrUnsupported))
	// Output:
	// <nil> true 1 [All]
	// 00000000-0000-0000-0000-000000000002 Multifactor authentication
	// 00000000-0000-0000-0000-000000000003 Passwordless MFA
	// 00000000-0000-0000-0000-000000000004 Phishing-resistant MFA
	// true
}

func ExampleReadTransitiveMemberOf() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	u, _ := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	outer, _ := dir.CreateGroup(ctx, "MFA exclusions", false)
	inner, _ := dir.CreateGroup(ctx, "Service accounts", false)
	_ = dir.AddGroupMember(ctx, outer.ID, inner.ID)
	_ = dir.AddGroupMember(ctx, inner.ID, u.ID)
	gs, err := directory.ReadTransitiveMemberOf(ctx, dir, u.ID)
	for _, g := range gs {
		fmt.Println(g.DisplayName)
	}
	fmt.Println(err)
	// Output:
	// MFA exclusions
	// Service accounts
	// <nil>
}

func ExampleConditionalAccessConditions_UnmarshalJSON() {
	var c directory.ConditionalAccessConditions
	err := json.Unmarshal([]byte(`{
		"users": {"includeUsers": ["All"], "excludeGroups": ["5f0c9e2a-0000-4000-8000-0000000000e1"]},
		"applications": {"includeApplications": ["All"]},
		"clientAppTypes": ["all"],
		"locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]},
		"platforms": null,
		"signInRiskLevels": [],
		"devices": {"deviceFilter": null}
	}`), &c)
	fmt.Println(err, c.Users.ExcludeGroups)
	// Conditions this type does not model are kept, and only when set.
	fmt.Println(c.Other)
	// Output:
	// <nil> [5f0c9e2a-0000-4000-8000-0000000000e1]
	// [locations: {"includeLocations":["All"],"excludeLocations":["AllTrusted"]}]
}

func ExampleFailSignInPolicies() {
	p := directory.FailSignInPolicies(directory.ErrPermission)
	fmt.Println(errors.Is(p.SecurityDefaultsErr, directory.ErrPermission), errors.Is(p.ConditionalAccessErr, directory.ErrPermission), errors.Is(p.AuthenticationStrengthsErr, directory.ErrPermission))
	// Output:
	// true true true
}
