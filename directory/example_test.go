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
