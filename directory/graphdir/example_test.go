package graphdir_test

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

// exampleCredential stands in for an azidentity credential
// (azidentity.NewClientSecretCredential, NewDefaultAzureCredential...).
type exampleCredential struct{}

func (exampleCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "example", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// A Directory over a Graph test server: create a service account, assign
// it a role, read it back in one round trip.
func ExampleNew() {
	srv := graphtest.NewServer(nil) // in production: no BaseURL
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	u, err := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName:             "svc-cloudhub@contoso.onmicrosoft.com",
		DisplayName:                   "CloudHub service account",
		MailNickname:                  "svc-cloudhub",
		AccountEnabled:                true,
		Password:                      directory.NewPassword("Temp0rary-Passw0rd!"),
		ForceChangePasswordNextSignIn: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	res := dir.CreateRoleAssignments(ctx, []directory.RoleAssignment{
		{PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: directory.TenantScope},
	})
	if res[0].Err != nil {
		log.Fatal(res[0].Err)
	}
	srv.Reset()
	snap, err := dir.Snapshot(ctx, directory.SnapshotRequest{User: u.UserPrincipalName, RoleAssignments: true, AuthenticationMethods: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(snap.User.UserPrincipalName, snap.User.AccountEnabled)
	for _, a := range snap.RoleAssignments {
		fmt.Println("role", a.RoleDefinitionID, "at", a.DirectoryScopeID)
	}
	for _, m := range snap.AuthenticationMethods {
		fmt.Println("method", m.Type)
	}
	fmt.Println("round trips:", len(srv.Requests()))
	// Output:
	// svc-cloudhub@contoso.onmicrosoft.com true
	// role 69091246-20e8-4a56-aa4d-066075b2a7a8 at /
	// method password
	// round trips: 1
}

// Failures are classified with errors.Is against the directory sentinels;
// errors.As gives what Graph said.
func ExampleError() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	_, err = dir.User(context.Background(), "nobody@contoso.onmicrosoft.com")
	fmt.Println(errors.Is(err, directory.ErrNotFound))
	var ge *graphdir.Error
	if errors.As(err, &ge) {
		fmt.Println(ge.StatusCode, ge.Code)
	}
	// Output:
	// true
	// 404 Request_ResourceNotFound
}

// The authority to configure a credential with, for a national cloud.
func ExampleCloud_AzureCloud() {
	c, err := graphdir.ParseCloud("USGovL4")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Host())
	fmt.Println(c.Scope())
	fmt.Println(c.AzureCloud().ActiveDirectoryAuthorityHost)
	// Output:
	// graph.microsoft.us
	// https://graph.microsoft.us/.default
	// https://login.microsoftonline.us/
}
