package graphdir_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
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

// A denied request says what it needed: the least-privileged Graph
// permission first and, for a signed-in caller, the roles.
func ExampleError_Requirement() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	srv.DenyPermission(graphtest.ListDomains)
	_, err = dir.Domains(context.Background())
	req, ok := directory.RequirementOf(err)
	fmt.Println(errors.Is(err, directory.ErrPermission), ok, req.Permissions[0])
	// Output:
	// true true Domain.Read.All
}

// A retry policy that also retries 500 answers, keeping the default for
// the rest, paced by the default backoff capped at 10 seconds.
func ExampleCheckRetry() {
	opts := &graphdir.Options{
		CheckRetry: func(ctx context.Context, attempt, status int, header http.Header, err error) (bool, error) {
			if status == http.StatusInternalServerError {
				return true, nil
			}
			return graphdir.DefaultCheckRetry(ctx, attempt, status, header, err)
		},
		Backoff: func(attempt int, header http.Header, max time.Duration) time.Duration {
			return graphdir.DefaultBackoff(attempt, header, min(max, 10*time.Second))
		},
	}
	retry, _ := opts.CheckRetry(context.Background(), 0, http.StatusInternalServerError, nil, nil)
	fmt.Println(retry)
	// Output:
	// true
}

func ExampleDefaultCheckRetry() {
	ctx := context.Background()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadRequest, http.StatusForbidden} {
		retry, _ := graphdir.DefaultCheckRetry(ctx, 0, status, nil, nil)
		fmt.Println(status, retry)
	}
	// Output:
	// 429 true
	// 503 true
	// 400 false
	// 403 false
}

func ExampleDefaultBackoff() {
	h := http.Header{}
	h.Set("Retry-After", "2.128")
	fmt.Println(graphdir.DefaultBackoff(0, h, time.Minute))
	d := graphdir.DefaultBackoff(2, nil, time.Minute) // no Retry-After: 2-4 s
	fmt.Println(d >= 2*time.Second && d <= 4*time.Second)
	// Output:
	// 2.128s
	// true
}

// ReadSelf answers for the user the credential signed in as (in
// production: azidentity.NewDeviceCodeCredential or
// NewInteractiveBrowserCredential); an application's credential has no
// signed-in user.
func ExampleDirectory_ReadSelf() {
	ctx := context.Background()
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	_, _ = srv.Directory().CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, UsageLocation: "AU", Password: directory.NewPassword("Temp-Passw0rd-123!"),
	})
	token, _ := srv.UserToken("svc@contoso.onmicrosoft.com", nil)
	dir, _ := graphdir.New(graphtest.Credential(token), &graphdir.Options{BaseURL: srv.URL})
	self, err := dir.ReadSelf(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(self.User.UserPrincipalName, self.TenantIDSource, len(srv.Requests()), "round trips")

	app, _ := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	_, err = app.ReadSelf(ctx)
	fmt.Println(errors.Is(err, directory.ErrInvalid))
	// Output:
	// svc@contoso.onmicrosoft.com token 2 round trips
	// true
}

// Issue a Temporary Access Pass: read the tenant's policy, create the pass
// (only this answer carries the passcode), list it without the passcode.
func ExampleDirectory_CreateAccessPass() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	u, err := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com", DisplayName: "CloudHub service account",
		MailNickname: "svc-cloudhub", AccountEnabled: true, Password: directory.NewPassword("Rand0m-Unused-Passw0rd!"),
	})
	if err != nil {
		log.Fatal(err)
	}
	pol, err := dir.AccessPassPolicy(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("policy enabled:", pol.Enabled, "targets:", pol.IncludeTargets[0].ID, "lifetimes:", pol.MinimumLifetime, "to", pol.MaximumLifetime)
	pass, err := dir.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{Lifetime: time.Hour, UsableOnce: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", pass.Pass, pass.Usable, pass.Lifetime, pass.UsableOnce)
	listed, err := dir.AccessPasses(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listed:", len(listed), listed[0].ID == pass.ID, "passcode:", !listed[0].Pass.IsZero())
	// Output:
	// policy enabled: true targets: all_users lifetimes: 1h0m0s to 8h0m0s
	// created: [REDACTED] true 1h0m0s true
	// listed: 1 true passcode: false
}

// The tenant's sign-in policies: one $batch of the three reads. A
// credential without Policy.Read.All is told what it lacks.
func ExampleDirectory_SignInPolicies() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	p, err := dir.SignInPolicies(ctx)
	fmt.Println(err, p.SecurityDefaults.IsEnabled, len(p.ConditionalAccess), len(p.AuthenticationStrengths), len(srv.Requests()))

	srv.DenyPermission(graphtest.ListConditionalAccess)
	p, _ = dir.SignInPolicies(ctx)
	req, _ := directory.RequirementOf(p.ConditionalAccessErr)
	fmt.Println(errors.Is(p.ConditionalAccessErr, directory.ErrPermission), req.Permissions, req.Roles[0])
	// Output:
	// <nil> true 0 3 1
	// true [Policy.Read.All] Security Reader
}

func ExampleDirectory_TransitiveMemberOf() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	u, err := dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp0rary-Passw0rd!"),
	})
	if err != nil {
		log.Fatal(err)
	}
	g, err := srv.Directory().CreateGroup(ctx, "MFA exclusions", false)
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Directory().AddGroupMember(ctx, g.ID, u.ID); err != nil {
		log.Fatal(err)
	}
	gs, err := dir.TransitiveMemberOf(ctx, u.ID)
	fmt.Println(gs[0].DisplayName, err)
	// Output:
	// MFA exclusions <nil>
}
