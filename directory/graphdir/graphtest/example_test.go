package graphtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

type credential struct{}

func (credential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// The server records every round trip, with the requests inside each $batch.
func ExampleNewServer() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(credential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	_, err = dir.Snapshot(context.Background(), directory.SnapshotRequest{
		User: "11111111-0000-4000-8000-000000000001", RoleAssignments: true, Domains: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path)
		for _, b := range r.Batch {
			fmt.Println("  ", b.ID, b.Endpoint)
		}
	}
	// Output:
	// POST /$batch
	//    1 GET /users/{id}
	//    2 GET /roleManagement/directory/roleAssignments
	//    3 GET /domains
}

// Faults are injected with small methods: here a permission the credential
// lacks, and throttling with a fractional Retry-After.
func ExampleServer_DenyPermission() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	srv.DenyPermission(graphtest.ListDomains)
	srv.ThrottleNext(1, "0.01")
	dir, err := graphdir.New(credential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	_, err = dir.Domains(context.Background())
	fmt.Println(errors.Is(err, directory.ErrPermission))
	fmt.Println("round trips:", len(srv.Requests()))
	// Output:
	// true
	// round trips: 2
}

// A token per identity: requests with a user's token are served under the
// rules Graph applies to that member user's delegated token, here reading
// itself in two round trips (its memberships with the first; the
// role-assignment list is denied to a user without a reader role, so its
// scoped role memberships are read too); an
// application's token gets no /me.
func ExampleServer_UserToken() {
	ctx := context.Background()
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	f := srv.Directory()
	u, _ := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	_, _ = f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: directory.TenantScope})

	token, err := srv.UserToken("svc@contoso.onmicrosoft.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := graphdir.New(graphtest.Credential(token), &graphdir.Options{BaseURL: srv.URL})
	self, err := dir.ReadSelf(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(self.User.UserPrincipalName, self.RoleMemberships[0].DisplayName, errors.Is(self.RoleAssignmentsErr, directory.ErrPermission))
	for _, r := range srv.Requests() {
		for _, b := range r.Batch {
			fmt.Println("  ", b.Endpoint)
		}
	}

	app, _ := graphdir.New(graphtest.Credential(srv.AppToken()), &graphdir.Options{BaseURL: srv.URL})
	_, err = app.ReadSelf(ctx)
	fmt.Println(errors.Is(err, directory.ErrInvalid))
	// Output:
	// svc@contoso.onmicrosoft.com Teams Administrator true
	//    GET /me
	//    GET /me/authentication/methods
	//    GET /me/transitiveMemberOf
	//    GET /roleManagement/directory/roleAssignments
	//    GET /policies/identitySecurityDefaultsEnforcementPolicy
	//    GET /identity/conditionalAccess/policies
	//    GET /policies/authenticationStrengthPolicies
	//    GET /me/scopedRoleMemberOf
	// true
}

// FailEndpoint fails one read among those a $batch carries, here the PIM
// eligibility list, with a 503; the backend retries it (within
// graphdir.Options.MaxRetries) and the read answers.
func ExampleServer_FailEndpoint() {
	ctx := context.Background()
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	u, _ := srv.Directory().CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	dir, _ := graphdir.New(credential{}, &graphdir.Options{BaseURL: srv.URL, Sleep: func(context.Context, time.Duration) error { return nil }})

	srv.FailEndpoint(graphtest.ListRoleEligibilitySchedules, 1, 503)
	p, err := directory.ReadRolePaths(ctx, dir, u.ID)
	fmt.Println(len(p.Eligibilities), p.EligibilitiesErr, err)
	fmt.Println(srv.Fired())
	// Output:
	// 0 <nil> <nil>
	// map[503 GET /roleManagement/directory/roleEligibilitySchedules:1]
}
