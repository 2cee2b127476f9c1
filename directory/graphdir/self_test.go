package graphdir_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/directorytest/conformance"
	"github.com/google/go-cmp/cmp"
)

// signingDir is the Graph backend under test, which can sign in as a user
// of its test server (conformance.SelfSignIn).
type signingDir struct {
	*graphdir.Directory
	srv *graphtest.Server
}

var _ conformance.SelfSignIn = signingDir{}

func (d signingDir) SignInAs(_ context.Context, upn string, opts *directorytest.SignInOptions) (directory.Directory, error) {
	tok, err := d.srv.UserToken(upn, opts)
	if err != nil {
		return nil, err
	}
	return graphdir.New(graphtest.Credential(tok), &graphdir.Options{BaseURL: d.srv.URL})
}

func (e env) signing() signingDir { return signingDir{Directory: e.dir, srv: e.srv} }

// signedIn returns a Directory signed in as a new member user holding
// Teams Administrator, with the server's request log reset.
func signedIn(t *testing.T, e env, opts *directorytest.SignInOptions) (*graphdir.Directory, directory.User) {
	t.Helper()
	ctx := context.Background()
	f := e.srv.Directory()
	u, err := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "svc-self@" + directorytest.DefaultDomain, DisplayName: "svc", MailNickname: "svc-self",
		AccountEnabled: true, UsageLocation: "AU", Password: directory.NewPassword("Temporary-Passw0rd-1!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: directory.TenantScope}); err != nil {
		t.Fatal(err)
	}
	tok, err := e.srv.UserToken(u.UserPrincipalName, opts)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := graphdir.New(graphtest.Credential(tok), &graphdir.Options{BaseURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Reset()
	return dir, u
}

// paths lists the requests of each round trip: a $batch's items, or the
// request itself.
func paths(e env) [][]string {
	var out [][]string
	for _, r := range e.srv.Requests() {
		var rt []string
		if r.Endpoint == graphtest.Batch {
			for _, it := range r.Batch {
				rt = append(rt, it.Method+" "+it.Path)
			}
		} else {
			rt = append(rt, r.Method+" "+r.Path)
		}
		out = append(out, rt)
	}
	return out
}

// TestReadSelfRoundTrips counts the round trips at the test server, and
// says which requests each carries, for both readings of who may list
// role assignments and with tokens whose claims can or cannot be read.
func TestReadSelfRoundTrips(t *testing.T) {
	const (
		me          = "GET /me"
		myMethods   = "GET /me/authentication/methods"
		assignments = "GET /roleManagement/directory/roleAssignments"
		memberOf    = "GET /me/transitiveMemberOf"
		scoped      = "GET /me/scopedRoleMemberOf"
		org         = "GET /organization"
		// The sign-in policies join the first $batch (issue 12).
		defaults  = "GET /policies/identitySecurityDefaultsEnforcementPolicy"
		ca        = "GET /identity/conditionalAccess/policies"
		strengths = "GET /policies/authenticationStrengthPolicies"
	)
	members := &directorytest.SignInOptions{MembersListOwnRoleAssignments: true}
	for _, tc := range []struct {
		name     string
		opaque   bool
		opts     *directorytest.SignInOptions
		want     [][]string
		fellBack bool
	}{
		{name: "JWT, list denied", want: [][]string{{me, myMethods, memberOf, assignments, defaults, ca, strengths}, {scoped}}, fellBack: true},
		{name: "JWT, list allowed", opts: members, want: [][]string{{me, myMethods, memberOf, assignments, defaults, ca, strengths}}},
		{name: "opaque, list denied", opaque: true, want: [][]string{{me, myMethods, memberOf, org, defaults, ca, strengths}, {assignments, scoped}}, fellBack: true},
		{name: "opaque, list allowed", opaque: true, opts: members, want: [][]string{{me, myMethods, memberOf, org, defaults, ca, strengths}, {assignments, scoped}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, &graphtest.Options{OpaqueTokens: tc.opaque}, nil)
			dir, u := signedIn(t, e, tc.opts)
			self, err := dir.ReadSelf(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := paths(e)
			for _, rt := range got {
				for i, p := range rt {
					rt[i] = strings.SplitN(p, "?", 2)[0]
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("requests per round trip (-want +got):\n%s", diff)
			}
			if len(got) > 2 {
				t.Errorf("%d round trips: the budget is 2", len(got))
			}
			if self.User.ID != u.ID || self.TenantID != directorytest.DefaultTenantID {
				t.Errorf("ReadSelf: user %s, tenant %s", self.User.ID, self.TenantID)
			}
			wantSource := directory.TenantFromToken
			if tc.opaque {
				wantSource = directory.TenantFromDirectory
			}
			if self.TenantIDSource != wantSource {
				t.Errorf("tenant ID source %q, want %q", self.TenantIDSource, wantSource)
			}
			if fellBack := self.ScopedRoleMemberships != nil || self.ScopedRoleMembershipsErr != nil; fellBack != tc.fellBack {
				t.Errorf("fell back to scoped memberships: %v, want %v (list error %v)", fellBack, tc.fellBack, self.RoleAssignmentsErr)
			}
			if !tc.fellBack && len(self.RoleAssignments) != 1 {
				t.Errorf("list allowed: assignments %v", self.RoleAssignments)
			}
			// Memberships are read either way: they show the roles held
			// through groups.
			if self.RoleMembershipsErr != nil || len(self.RoleMemberships) != 1 || self.RoleMemberships[0].RoleTemplateID != teamsAdministrator {
				t.Errorf("memberships %+v, %v: want Teams Administrator", self.RoleMemberships, self.RoleMembershipsErr)
			}
		})
	}
}

// An application's token: refused before any request when its claims say
// so, or by Graph's 400 to /me when they cannot be read.
func TestReadSelfApplicationToken(t *testing.T) {
	for _, opaque := range []bool{false, true} {
		e := newEnv(t, &graphtest.Options{OpaqueTokens: opaque}, nil)
		dir, err := graphdir.New(graphtest.Credential(e.srv.AppToken()), &graphdir.Options{BaseURL: e.srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dir.ReadSelf(context.Background())
		if !errors.Is(err, directory.ErrInvalid) || !strings.Contains(err.Error(), "delegated") {
			t.Errorf("opaque=%v: ReadSelf with an application token = %v: want ErrInvalid saying a delegated credential is needed", opaque, err)
		}
		want := 0
		if opaque {
			want = 1
		}
		if n := e.roundTrips(); n != want {
			t.Errorf("opaque=%v: %d round trips, want %d", opaque, n, want)
		}
	}
}

// A denied read is the part's error, naming what it needed.
func TestReadSelfDenied(t *testing.T) {
	e := newEnv(t, nil, nil)
	dir, _ := signedIn(t, e, nil)
	e.srv.DenyPermission(graphtest.ListMyAuthenticationMethods)
	self, err := dir.ReadSelf(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(self.AuthenticationMethodsErr, directory.ErrPermission) {
		t.Fatalf("AuthenticationMethodsErr = %v: want ErrPermission", self.AuthenticationMethodsErr)
	}
	req, ok := directory.RequirementOf(self.AuthenticationMethodsErr)
	if !ok || req.Permissions[0] != "UserAuthenticationMethod.Read" {
		t.Errorf("requirement %+v: want UserAuthenticationMethod.Read first", req)
	}
	req, ok = directory.RequirementOf(self.ScopedRoleMembershipsErr)
	if !ok || req.Permissions[0] != "Directory.Read.All" {
		t.Errorf("scoped memberships: error %v, requirement %+v: want Directory.Read.All", self.ScopedRoleMembershipsErr, req)
	}
}

// A credential that cannot get a token (the sign-in was refused) fails
// ReadSelf before any request, as a denial.
func TestReadSelfCredentialFails(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.cred.err = errors.New("AADSTS50126: invalid username or password")
	_, err := e.dir.ReadSelf(context.Background())
	if !errors.Is(err, directory.ErrPermission) || !strings.Contains(err.Error(), "AADSTS50126") {
		t.Errorf("ReadSelf with a failing credential = %v: want ErrPermission with the credential's reason", err)
	}
	if n := e.roundTrips(); n != 0 {
		t.Errorf("%d round trips, want 0", n)
	}
}
